import * as z from 'zod';
import { normalizePhoneNumber } from './phone-number.js';

/**
 * Upstream response schemas: tolerant where the API is known to drift (numbers as digit strings,
 * a lone inbox item as an object, a missing list meaning empty), strict everywhere else.
 */

const WHOLE_NUMBER = 'must be a non-negative whole number or a string of digits';

// Each check repeats the message: a union whose option fails only a check reports that check's issue.
const wholeNumber = z.union(
  [
    z
      .number()
      .int({ error: WHOLE_NUMBER })
      .nonnegative({ error: WHOLE_NUMBER })
      .max(Number.MAX_SAFE_INTEGER, { error: WHOLE_NUMBER }),
    z
      .string()
      .regex(/^\d{1,15}$/, { error: WHOLE_NUMBER })
      .transform(Number),
  ],
  { error: WHOLE_NUMBER },
);

/**
 * Whether a `YYYY-MM-DD HH:MM:SS` string names a moment that exists: a real day in the years a
 * filter day can name (2000 to 2999, the rule the reporting calendar uses) and a time from
 * 00:00:00 to 23:59:59. Date arithmetic would roll 2026-09-31 into October and 24:00:00 into
 * the next day, counting an order on a day it was never sent, so the fields are checked as
 * they are written instead.
 */
function isRealTimestamp(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!match) return false;
  const [year, month, day, hours, minutes, seconds] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  if (year < 2000 || year > 2999 || month < 1 || month > 12) return false;
  // Day 0 of the next month is the last day of this one.
  const monthDays = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day >= 1 && day <= monthDays && hours <= 23 && minutes <= 59 && seconds <= 59;
}

/** How the API writes a sendAt that was never set: a MySQL zero date. */
export const UNSCHEDULED_SEND_AT = '0000-00-00 00:00:00';

/** A timestamp field; `unset` is the one impossible value the field may also hold. */
function wallClock(unset?: string) {
  return z
    .string({ error: 'must be a timestamp written YYYY-MM-DD HH:MM:SS' })
    .regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, { error: 'must be a timestamp written YYYY-MM-DD HH:MM:SS', abort: true })
    .refine((text) => text === unset || isRealTimestamp(text), {
      error: 'must be a real date and time (a day of the years 2000 to 2999, 00:00:00 to 23:59:59)',
    });
}

const timestamp = wallClock();

/**
 * The most messages one order can count. One send request carries at most 50,000 numbers, so
 * a counter above a billion is corrupt data, not a big campaign; refusing it also keeps any sum
 * of counters over millions of orders inside the safe-integer range.
 */
export const MAX_ORDER_COUNTER = 1_000_000_000;

const counter = wholeNumber.pipe(
  z.number().max(MAX_ORDER_COUNTER, { error: `must be at most ${MAX_ORDER_COUNTER.toLocaleString('en-US')}: no order holds more messages` }),
);

const status = z.object({ code: wholeNumber, message: z.string().nullish() });

export const envelopeSchema = z.object({ response: z.object({ status }) });

export const orderSchema = z
  .object({
    // Ids are large and status is a code: neither is a count of messages.
    id: wholeNumber,
    status: wholeNumber,
    total: counter,
    delivered: counter,
    undelivered: counter,
    waiting: counter,
    submitAt: timestamp,
    sendAt: wallClock(UNSCHEDULED_SEND_AT),
    sender: z.string({ error: 'must be a string' }),
  })
  // An order that was not scheduled was sent on submission; the tools read sendAt !== submitAt
  // as "scheduled", which stays true to the order this way.
  .transform((order) => (order.sendAt === UNSCHEDULED_SEND_AT ? { ...order, sendAt: order.submitAt } : order));

export type Order = z.infer<typeof orderSchema>;

export const reportsResponseSchema = z.object({
  response: z.object({
    status,
    orders: z
      .array(orderSchema, { error: 'must be a list of orders' })
      .nullish()
      .transform((orders) => orders ?? []),
  }),
});

/**
 * A list field: an array in every sample, but a lone item may come as an object (XML-born APIs
 * do that), and a missing list means an empty one.
 */
function listOf<S extends z.ZodType>(item: S, error: string) {
  return z
    .union([z.array(item), item], { error })
    .nullish()
    .transform((list): z.infer<S>[] => (list === null || list === undefined ? [] : Array.isArray(list) ? list : [list as z.infer<S>]));
}

const identifier = z.union([z.string().min(1), z.number().int().nonnegative()], { error: 'must be an id' }).transform(String);

export const inboxMessageSchema = z.object({
  id: identifier,
  date: timestamp,
  sender: z.string({ error: 'must be a string' }),
  number: z.string({ error: 'must be a string' }),
  text: z
    .string({ error: 'must be a string' })
    .nullable()
    .transform((text) => text ?? ''),
});

export type InboxMessage = z.infer<typeof inboxMessageSchema>;
/** An inbox message as the wire may send it: a numeric id, a null text. */
export type WireInboxMessage = z.input<typeof inboxMessageSchema>;

export const inboxResponseSchema = z.object({
  response: z.object({
    status,
    orders: z
      .object({
        totalRows: wholeNumber,
        order: listOf(inboxMessageSchema, 'must be a list of messages'),
      })
      .nullish()
      .transform((orders) => orders ?? { totalRows: 0, order: [] }),
  }),
});

/** The longest value kept as a phone number field; anything longer is corrupt data, not a sender ID. */
const MAX_NUMBER_CHARS = 100;

/** A number in whatever form the endpoint writes it. */
const rawNumber = z.union([z.string().min(1).max(MAX_NUMBER_CHARS), z.number()], {
  error: `must be a phone number: a string of 1 to ${MAX_NUMBER_CHARS} characters or a number`,
});

/** The same, normalized by the one rule in phone-number.ts. */
const phoneNumber = rawNumber.transform(normalizePhoneNumber);

/** Newer docs add an order's counters and times to get-report; older ones do not, so each may be missing. */
const optional = <S extends z.ZodType>(schema: S) => schema.nullish().transform((value) => value ?? undefined);

/**
 * A recipient keeps its number as sent: an order may hold 50,000 of them and most callers need
 * only the failed ones, so normalizing (several microseconds each) waits for `normalizePhoneNumber`
 * at the point of use.
 */
const reportMessageSchema = z.object({ number: rawNumber, status: wholeNumber });

export const reportResponseSchema = z.object({
  response: z.object({
    status,
    order: z
      .object({
        id: wholeNumber,
        status: wholeNumber,
        total: optional(counter),
        delivered: optional(counter),
        undelivered: optional(counter),
        waiting: optional(counter),
        submitAt: optional(timestamp),
        sendAt: optional(wallClock(UNSCHEDULED_SEND_AT)),
        sender: optional(z.string({ error: 'must be a string' })),
        message: listOf(reportMessageSchema, 'must be a list of messages'),
      })
      .nullish()
      // An unscheduled order went out on submission, as in get-reports.
      .transform((order) => (order?.sendAt === UNSCHEDULED_SEND_AT ? { ...order, sendAt: order.submitAt } : (order ?? undefined))),
  }),
});

export type ReportPage = NonNullable<z.infer<typeof reportResponseSchema>['response']['order']>;
export type ReportMessage = ReportPage['message'][number];

export const blacklistResponseSchema = z.object({
  response: z.object({
    status,
    blacklist: z
      .object({ count: optional(wholeNumber), number: listOf(phoneNumber, 'must be a list of numbers') })
      .nullish()
      .transform((blacklist) => blacklist ?? { count: undefined, number: [] }),
  }),
});

/**
 * A TL amount as the API writes it, in Turkish or plain notation, or undefined when it is
 * neither. With a comma, the comma is the decimal separator and dots group thousands
 * (`1.234,56`); without one, a dot followed by exactly three digits groups thousands and any
 * other dot is the decimal point (`1.234` is 1234, `12.5` is 12.5). Negative amounts, signs,
 * spaces and a second decimal separator are not amounts.
 */
export function parseTlAmount(text: string): number | undefined {
  const comma = /^(\d{1,3}(?:\.\d{3})+|\d+),(\d+)$/.exec(text);
  if (comma) return Number(`${(comma[1] ?? '').replaceAll('.', '')}.${comma[2] ?? ''}`);
  if (!/^\d+(?:\.\d+)*$/.test(text)) return undefined;
  const [whole = '', ...groups] = text.split('.');
  const last = groups.at(-1);
  const decimal = last !== undefined && last.length !== 3 ? last : undefined;
  const grouped = decimal === undefined ? groups : groups.slice(0, -1);
  // A dot that groups thousands is followed by three digits, always; any other dot is the one decimal point.
  if (grouped.some((group) => group.length !== 3)) return undefined;
  return Number(`${whole}${grouped.join('')}${decimal === undefined ? '' : `.${decimal}`}`);
}

const TL_AMOUNT = 'must be a TL amount such as "1.234,56", "12,5" or "0" (not negative)';

const tlAmount = z.union(
  [
    z.number().nonnegative({ error: TL_AMOUNT }),
    z.string().transform((text, context) => {
      const amount = parseTlAmount(text);
      if (amount === undefined || !Number.isFinite(amount)) {
        context.addIssue({ code: 'custom', message: TL_AMOUNT });
        return z.NEVER;
      }
      return amount;
    }),
  ],
  { error: TL_AMOUNT },
);

export const balanceResponseSchema = z.object({
  response: z.object({
    status,
    balance: z.object({
      amount: tlAmount,
      sms: z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,15}$/).transform(Number)], {
        error: 'must be a whole number of SMS credits written as digits (not negative)',
      }),
    }),
  }),
});

export interface Balance {
  /** The TL balance. */
  amount: number;
  /** The SMS credit. */
  sms: number;
}

export interface Inbox {
  totalRows: number;
  messages: InboxMessage[];
}

/**
 * A short, value-free account of why a value failed its schema: paths and rules only. `at` is
 * where the value sits in its body, for a part checked on its own.
 */
export function describeIssues(error: z.ZodError, at = '', limit = 3): string {
  const lines = error.issues.slice(0, limit).map((issue) => {
    const path = issue.path.reduce<string>(
      (text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)),
      at,
    );
    const rule = issue.code === 'invalid_type' && /received undefined/.test(issue.message) ? 'is missing' : issue.message;
    return `${path || 'body'} ${rule}`;
  });
  const more = error.issues.length > limit ? ` (and ${error.issues.length - limit} more problems)` : '';
  return lines.join('; ') + more;
}
