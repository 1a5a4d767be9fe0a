import * as z from 'zod';
import { MAX_SENDERS_NAMED, type SenderFilterOutcome, type SenderVolume } from '../reporting/sender-filter.js';
import { counted, formatCount, takeWithinBytes } from './fields.js';

/** How a sender filter matched, as the tools with one show it: in structuredContent and in the text. */

export const SENDER_NAME_RULE =
  'Matched ignoring case, then, if no sender matches so, ignoring Turkish letters too (BILGI finds BİLGİ).';

const matchOutput = z
  .enum(['exact', 'folded', 'none'])
  .describe(
    'exact: matched ignoring case. folded: matched only with Turkish letters read as plain ones (BILGI for BİLGİ). none: nothing ' +
      'in the range came from it.',
  );

export const senderFilterFields = {
  sender: z.string().describe('The sender filter as given.'),
  match: matchOutput,
  matchedSenders: z.array(z.string()).describe(`The senders of the range the answer is made of, largest first, at most ${MAX_SENDERS_NAMED}.`),
  distinctSenders: z.number().int().describe('Different senders in the range.'),
};

export const orderSenderFilterOutput = z
  .object({
    ...senderFilterFields,
    sendersInRange: z
      .array(z.object({ sender: z.string(), orders: z.number().int(), messages: z.number().int() }))
      .optional()
      .describe(`Only when match is none: the senders the range does have, by messages, at most ${MAX_SENDERS_NAMED}.`),
  })
  .describe('How the sender filter matched; present when sender was given.');

export type OrderSenderFilter = z.infer<typeof orderSenderFilterOutput>;

/** The matched senders only confirm what the filter meant, beside a page that may fill the answer. */
const MATCHED_SENDERS_BUDGET_BYTES = 4 * 1024;

/**
 * A filter's outcome as an answer shows it, each sender of the range in the tool's own terms,
 * and the lists cut to what fits, since a sender is a string the API sent and may be of any
 * length. The senders of the range come only with no match, when no item fills the answer.
 */
export function presentSenderFilter<O extends SenderFilterOutcome, V>(
  outcome: O,
  show: (volume: SenderVolume) => V,
): Omit<O, 'matchedSenders' | 'sendersInRange'> & { matchedSenders: string[]; sendersInRange?: V[] } {
  const { matchedSenders, sendersInRange, ...rest } = outcome;
  const kept = sendersInRange && takeWithinBytes(sendersInRange.map((volume) => volume.sender), MAX_SENDERS_NAMED).length;
  return {
    ...rest,
    matchedSenders: takeWithinBytes(matchedSenders, MAX_SENDERS_NAMED, MATCHED_SENDERS_BUDGET_BYTES),
    ...(sendersInRange ? { sendersInRange: sendersInRange.slice(0, kept).map(show) } : {}),
  };
}

/** `structuredContent.senderFilter`, when a sender was given. */
export function orderSenderFilterIfGiven(outcome: SenderFilterOutcome | undefined): { senderFilter?: OrderSenderFilter } {
  return outcome ? { senderFilter: presentSenderFilter(outcome, ({ sender, items, messages }) => ({ sender, orders: items, messages })) } : {};
}

/** True when a sender was given and matched no order of the range: the answer then says so instead of its zeros. */
export function matchedNoSender(filter: OrderSenderFilter | undefined): filter is OrderSenderFilter {
  return filter?.match === 'none';
}

/** The list under "matched nothing", with what is left out counted. */
export function namedSenders(shown: readonly string[], distinct: number): string {
  return `${shown.join(', ')}${distinct > shown.length ? ` …and ${formatCount(distinct - shown.length)} more` : ''}`;
}

/** The lines that say how the orders' sender filter matched, when that needs saying. */
export function orderSenderLines(filter: OrderSenderFilter | undefined): string[] {
  if (!filter || filter.match === 'exact') return [];
  const asked = JSON.stringify(filter.sender);
  if (filter.match === 'folded') {
    return [
      `Sender ${asked} matched ${filter.matchedSenders.map((sender) => JSON.stringify(sender)).join(', ')} with Turkish letters read as ` +
        `plain ones: no sender of the range is ${asked} ignoring case.`,
    ];
  }
  const senders = filter.sendersInRange ?? [];
  return [
    `Sender ${asked} matched no order submitted in this range, even ignoring case and Turkish letters.`,
    senders.length === 0
      ? 'No order at all was submitted in this range.'
      : `The range's ${counted(filter.distinctSenders, 'sender')}, by messages: ` +
        namedSenders(
          senders.map((volume) => `${JSON.stringify(volume.sender)} (${counted(volume.messages, 'message')} in ${counted(volume.orders, 'order')})`),
          filter.distinctSenders,
        ) +
        '. Ask again with one of them.',
  ];
}
