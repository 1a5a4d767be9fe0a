import * as z from 'zod';
import { DAY_PATTERN, TIMEZONE, isCalendarDay } from '../reporting/calendar.js';
import { type DayRange, MONTH_PATTERN, NAMED_PERIODS } from '../reporting/date-range.js';
import { hasInvisibleCharacters } from '../reporting/text.js';

/** Input fields shared by the tools, each with an error that names the field and the fix. */

function day(field: 'start' | 'end', about: string) {
  return z
    .string({ error: `${field} must be a date string written YYYY-MM-DD` })
    .regex(DAY_PATTERN, { error: `${field} must be written YYYY-MM-DD, e.g. 2026-04-22` })
    .refine(isCalendarDay, { error: `${field} is not a real calendar day (for example, 2026-02-30 does not exist)` })
    .describe(about);
}

const PERIOD_ERROR = `period must be one of ${NAMED_PERIODS.join(', ')}, or a month written YYYY-MM`;

export const rangeFields = {
  period: z
    // The regex carries the message too: a union whose string option fails only its regex reports that option's issue.
    .union([z.enum(NAMED_PERIODS), z.string().regex(MONTH_PATTERN, { error: PERIOD_ERROR })], {
      error: PERIOD_ERROR,
    })
    .optional()
    .describe(
      'A named range in Istanbul time: today, yesterday, last_7_days (today and the 6 days before), last_30_days, ' +
        'this_week and last_week (weeks start on Monday), this_month, last_month, this_year, or a month as YYYY-MM. ' +
        'Do not combine with start/end.',
    ),
  start: day('start', 'First day of the range, inclusive, YYYY-MM-DD in Istanbul time.').optional(),
  end: day('end', 'Last day of the range, inclusive, YYYY-MM-DD; defaults to today. Days after today are clipped.').optional(),
};

function thirdPartySafe(field: string, maxLength: number) {
  return z
    .string({ error: `${field} must be a string` })
    .min(1, { error: `${field} must not be empty` })
    .max(maxLength, { error: `${field} must be at most ${maxLength} characters` })
    .refine((text) => !hasInvisibleCharacters(text), {
      error: `${field} must not contain control, zero-width or bidirectional-formatting characters`,
    });
}

export const senderField = thirdPartySafe('sender', 64);
export const containsField = thirdPartySafe('contains', 160);

export function limitField(defaultLimit: number, maxLimit: number) {
  return z
    .number({ error: `limit must be a whole number from 1 to ${maxLimit}` })
    .int({ error: `limit must be a whole number from 1 to ${maxLimit}` })
    .min(1, { error: `limit must be a whole number from 1 to ${maxLimit}` })
    .max(maxLimit, { error: `limit must be a whole number from 1 to ${maxLimit}` })
    .default(defaultLimit)
    .describe(`How many items to return, newest first (default ${defaultLimit}, at most ${maxLimit}).`);
}

export const cursorField = z
  .string({ error: 'cursor must be the nextCursor string of a previous result' })
  .min(1, { error: 'cursor must not be empty' })
  .max(4096, { error: 'cursor is too long to be one this server issued' })
  .optional()
  .describe('nextCursor from a previous result of this tool, to get the next items. The other arguments may be omitted.');

/** An input object that refuses unknown fields and says which fields it does accept. */
export function strictInput<S extends z.ZodRawShape>(shape: S) {
  const accepted = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `Unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}. ` +
          `This tool accepts only: ${accepted}.`
        : undefined,
  });
}

export const rangeOutput = z.object({
  start: z.string().describe('First day, inclusive (YYYY-MM-DD).'),
  end: z.string().describe('Last day, inclusive (YYYY-MM-DD).'),
  timezone: z.literal(TIMEZONE),
});

export function rangeWithTimezone(range: DayRange): z.infer<typeof rangeOutput> {
  return { ...range, timezone: TIMEZONE };
}

/** The output fields of a paged listing, for `items` such as "orders" or "messages". */
export function pagingOutput(items: string) {
  return {
    truncated: z.boolean().describe(`True when more matching ${items} follow; pass nextCursor to get them.`),
    nextCursor: z.string().optional(),
  };
}

export function paging(nextCursor: string | undefined): { truncated: boolean; nextCursor?: string } {
  return nextCursor === undefined ? { truncated: false } : { truncated: true, nextCursor };
}

/** The text line that tells a model how to continue a listing, if it can. */
export function continuationLines(tool: string, items: string, nextCursor: string | undefined): string[] {
  return nextCursor ? [`More ${items} follow: call ${tool} with cursor "${nextCursor}" for the next page.`] : [];
}

export const READ_ONLY_ANNOTATIONS = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: true,
} as const;

const numberFormat = new Intl.NumberFormat('en-US');
export const formatCount = (value: number): string => numberFormat.format(value);

export function formatPercent(rate: number): string {
  return `${(rate * 100).toFixed(1)}%`;
}

/** An ISO 8601 timestamp with offset, as a model reads it in text: `2026-04-22 12:30` (Istanbul). */
export function timestampForText(iso: string): string {
  return iso.slice(0, 16).replace('T', ' ');
}

/** A count with its noun, singular or plural: "1 order", "2,400 orders". */
export function counted(value: number, noun: string, plural = `${noun}s`): string {
  return `${formatCount(value)} ${value === 1 ? noun : plural}`;
}
