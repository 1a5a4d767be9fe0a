import * as z from 'zod';

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
export function isRealTimestamp(text: string): boolean {
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
        order: z
          .union([z.array(inboxMessageSchema), inboxMessageSchema], { error: 'must be a list of messages' })
          .nullish()
          .transform((order) => (order === null || order === undefined ? [] : Array.isArray(order) ? order : [order])),
      })
      .nullish()
      .transform((orders) => orders ?? { totalRows: 0, order: [] }),
  }),
});

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
