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
function isRealTimestamp(text: string): boolean {
  // Only ever asked of text that already has the shape; read digit by digit, since a page of
  // thousands of orders asks it for every one.
  const digits = (from: number, length: number) => {
    let value = 0;
    for (let index = from; index < from + length; index += 1) value = value * 10 + text.charCodeAt(index) - 48;
    return value;
  };
  const year = digits(0, 4);
  const month = digits(5, 2);
  const day = digits(8, 2);
  if (year < 2000 || year > 2999 || month < 1 || month > 12) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const monthDays = month === 2 ? (leap ? 29 : 28) : (MONTH_DAYS[month - 1] as number);
  return day >= 1 && day <= monthDays && digits(11, 2) <= 23 && digits(14, 2) <= 59 && digits(17, 2) <= 59;
}

const TIMESTAMP_PATTERN = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;
const TIMESTAMP_SHAPE = 'must be a timestamp written YYYY-MM-DD HH:MM:SS';
const REAL_TIMESTAMP = 'must be a real date and time (a day of the years 2000 to 2999, 00:00:00 to 23:59:59)';

/** How the API writes a sendAt that was never set: a MySQL zero date. */
export const UNSCHEDULED_SEND_AT = '0000-00-00 00:00:00';

/** A timestamp's shape only; whether the moment exists is checked apart (see `finishOrder`). */
const timestampShape = z.string({ error: TIMESTAMP_SHAPE }).regex(TIMESTAMP_PATTERN, { error: TIMESTAMP_SHAPE, abort: true });

const timestamp = timestampShape.refine(isRealTimestamp, { error: REAL_TIMESTAMP });
/** A sendAt may also be all zeros: never scheduled. */
const sendAtStamp = timestampShape.refine((text) => text === UNSCHEDULED_SEND_AT || isRealTimestamp(text), { error: REAL_TIMESTAMP });

/**
 * The most messages one order can count. One send request carries at most 50,000 numbers, so
 * a counter above a billion is corrupt data, not a big campaign; refusing it also keeps any sum
 * of counters over millions of orders inside the safe-integer range.
 */
export const MAX_ORDER_COUNTER = 1_000_000_000;

const TOO_MANY = `must be at most ${MAX_ORDER_COUNTER.toLocaleString('en-US')}: no order holds more messages`;

// The cap sits inside each option, so a number and a digit string past it are refused alike.
const counter = z.union(
  [
    z.number().int({ error: WHOLE_NUMBER }).nonnegative({ error: WHOLE_NUMBER }).max(MAX_ORDER_COUNTER, { error: TOO_MANY }),
    z
      .string()
      .regex(/^\d{1,15}$/, { error: WHOLE_NUMBER })
      .transform(Number)
      .pipe(z.number().max(MAX_ORDER_COUNTER, { error: TOO_MANY })),
  ],
  { error: WHOLE_NUMBER },
);

const status = z.object({ code: wholeNumber, message: z.string().nullish() });

export const envelopeSchema = z.object({ response: z.object({ status }) });

/**
 * A get-reports order as the wire has it, every field's shape checked; `finishOrder` does the
 * rest. Orders in the usual form are checked by hand instead (see `readOrder`), so this decides,
 * and explains, the others: digit strings from a drifting API, and faults.
 */
const orderWireSchema = z.object({
  // Ids are large and status is a code: neither is a count of messages.
  id: wholeNumber,
  status: wholeNumber,
  total: counter,
  delivered: counter,
  undelivered: counter,
  waiting: counter,
  submitAt: timestampShape,
  sendAt: timestampShape,
  sender: z.string({ error: 'must be a string' }),
});

export type Order = z.infer<typeof orderWireSchema>;

/**
 * What the fast schema leaves: both timestamps must name moments that exist, and a sendAt of
 * all zeros means the order was not scheduled, so it was sent on submission (the tools read
 * sendAt !== submitAt as "scheduled", which stays true to the order this way).
 */
function finishOrder(order: Order): Order | { field: 'submitAt' | 'sendAt'; problem: string } {
  if (!isRealTimestamp(order.submitAt)) return { field: 'submitAt', problem: REAL_TIMESTAMP };
  if (order.sendAt === UNSCHEDULED_SEND_AT) return { ...order, sendAt: order.submitAt };
  if (order.sendAt !== order.submitAt && !isRealTimestamp(order.sendAt)) return { field: 'sendAt', problem: REAL_TIMESTAMP };
  return order;
}

const isId = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const isCounter = (value: unknown): value is number => isId(value) && value <= MAX_ORDER_COUNTER;
const isRealStamp = (value: unknown): value is string => typeof value === 'string' && TIMESTAMP_PATTERN.test(value) && isRealTimestamp(value);

/**
 * The form nearly every order comes in, checked by hand: ids and counters as whole numbers in
 * range, real timestamps, a string sender. Through the schema, a page of thousands of orders
 * spends a third of its time in zod's checks; this costs a tenth of that. It only ever says yes
 * to what the schema accepts, and answers as `finishOrder` would (a property test holds it to
 * that); anything else, digit strings included, goes through the schema, which decides and
 * explains.
 */
function canonicalOrder(value: unknown): Order | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { id, status, total, delivered, undelivered, waiting, submitAt, sendAt, sender } = value as Record<string, unknown>;
  const shaped =
    isId(id) &&
    isId(status) &&
    isCounter(total) &&
    isCounter(delivered) &&
    isCounter(undelivered) &&
    isCounter(waiting) &&
    isRealStamp(submitAt) &&
    typeof sender === 'string';
  if (!shaped) return undefined;
  if (sendAt === UNSCHEDULED_SEND_AT || sendAt === submitAt) return { id, status, total, delivered, undelivered, waiting, submitAt, sendAt: submitAt, sender };
  return isRealStamp(sendAt) ? { id, status, total, delivered, undelivered, waiting, submitAt, sendAt, sender } : undefined;
}

/**
 * One get-reports order from its parsed JSON: the order as the whole rule has it, or what is
 * wrong with it, paths and rules only, `where` naming where it sits in its body (asked only then).
 */
export function readOrder(value: unknown, where: () => string): Order | { problem: string } {
  const canonical = canonicalOrder(value);
  if (canonical) return canonical;
  const at = where();
  const parsed = orderWireSchema.safeParse(value);
  if (!parsed.success) return { problem: describeIssues(parsed.error, at) };
  const order = finishOrder(parsed.data);
  return 'problem' in order ? { problem: `${at}.${order.field} ${order.problem}` } : order;
}

/** The whole rule as one schema, for callers that check an order on its own. */
export const orderSchema = orderWireSchema.transform((order, context) => {
  const finished = finishOrder(order);
  if (!('problem' in finished)) return finished;
  context.issues.push({ code: 'custom', message: finished.problem, path: [finished.field], input: order[finished.field] });
  return z.NEVER;
});

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
  // Null reads as no text. The transform sits on the null branch alone: on the string itself, zod 4
  // kept texts alive past their message (measured over 500 texts of 29 KB: about half of each young
  // generation survived into the old one), which a body read message by message must not.
  text: z.union([z.string(), z.null().transform(() => '')], { error: 'must be a string' }),
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

/**
 * A number in whatever form the endpoint writes it, kept so: a page is judged a repeat on its
 * entries as served, and the same person written twice (`5321234567`, `+905321234567`) is two
 * entries. Comparing waits for `normalizePhoneNumber` at the point of use.
 */
const rawNumber = z.union([z.string().min(1).max(MAX_NUMBER_CHARS), z.number()], {
  error: `must be a phone number: a string of 1 to ${MAX_NUMBER_CHARS} characters or a number`,
});

/** A phone number as an endpoint served it. */
export type ServedNumber = z.infer<typeof rawNumber>;

/** A served number as one key, its JSON type with its value: `5321234567` and `"5321234567"` are two entries as served. */
export function servedKey(number: ServedNumber): string {
  return `${typeof number}:${number}`;
}

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
        sendAt: optional(sendAtStamp),
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
      .object({ count: optional(wholeNumber), number: listOf(rawNumber, 'must be a list of numbers') })
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

/** The inbox as read: each message as `fetchInbox` was asked to keep it, the message itself by default. */
export interface Inbox<T = InboxMessage> {
  totalRows: number;
  messages: T[];
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
