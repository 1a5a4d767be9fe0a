import * as z from 'zod';
import { NOT_CHECKED_REASONS, type NotCheckedOrder, type NotCheckedReason } from '../reporting/recipients.js';
import { counted, formatCount } from './fields.js';

/**
 * The orders a multi-order reader could not read yet, as every such tool shows them: a count and
 * the first few by id in the data, the same few named in the text, so an answer that is partial
 * says exactly where.
 */

/** Orders named in the text and the data; `count` has them all. */
export const MAX_NOT_CHECKED_LISTED = 20;

const REASON_TEXT: Record<NotCheckedReason, string> = {
  not_sending_yet: 'not sending yet, 455',
  scheduled: 'scheduled, its send time not reached, 456',
  api_kept_failing: 'the API kept failing on it',
  repeating_pages: 'the API served its pages over and over',
  unreadable_response: 'the API answered for it with a response that could not be read',
};

export const notCheckedOutput = z
  .object({
    count: z.number().int(),
    orders: z
      .array(z.object({ orderId: z.number().int(), reason: z.enum(NOT_CHECKED_REASONS) }))
      .describe(`At most ${MAX_NOT_CHECKED_LISTED}, by id.`),
  })
  .describe(
    'Orders get-report could not read yet, none of them in this answer: not_sending_yet (455), scheduled (456), api_kept_failing ' +
      '(after every retry), repeating_pages (pages served over and over), unreadable_response (a body not in the documented form). ' +
      'Ask again later.',
  );

export function notCheckedField(orders: readonly NotCheckedOrder[]): z.infer<typeof notCheckedOutput> {
  return { count: orders.length, orders: orders.slice(0, MAX_NOT_CHECKED_LISTED) };
}

/** The line that names them, or none when every order was read; `which` says which orders they were ("with failures"). */
export function notCheckedLines(notChecked: z.infer<typeof notCheckedOutput>, which: string): string[] {
  if (notChecked.count === 0) return [];
  const named = notChecked.orders.map((order) => `#${order.orderId} (${REASON_TEXT[order.reason]})`).join(', ');
  const more = notChecked.count - notChecked.orders.length;
  return [
    `NOT CHECKED YET: ${counted(notChecked.count, 'order')} ${which} could not be read, so nothing of ${notChecked.count === 1 ? 'its' : 'theirs'} ` +
      `is in this answer: ${named}${more > 0 ? ` …and ${formatCount(more)} more` : ''}. This answer is partial; ask again later to read ${notChecked.count === 1 ? 'it' : 'them'}.`,
  ];
}
