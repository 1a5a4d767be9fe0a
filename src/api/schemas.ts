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

const timestamp = z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, {
  error: 'must be a timestamp written YYYY-MM-DD HH:MM:SS',
});

const status = z.object({ code: wholeNumber, message: z.string().nullish() });

export const envelopeSchema = z.object({ response: z.object({ status }) });

export const orderSchema = z.object({
  id: wholeNumber,
  status: wholeNumber,
  total: wholeNumber,
  delivered: wholeNumber,
  undelivered: wholeNumber,
  waiting: wholeNumber,
  submitAt: timestamp,
  sendAt: timestamp,
  sender: z.string({ error: 'must be a string' }),
});

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
