import * as z from 'zod';
import { UserInputError } from '../errors.js';
import { MESSAGE_STATUS } from '../api/order-status.js';
import type { ReportMessage } from '../api/client.js';
import { normalizePhoneNumber } from '../api/phone-number.js';
import { timestampToIso } from '../reporting/calendar.js';
import { type OrderRecipients, type RecipientCounts, messageStateOf, readOrderRecipients } from '../reporting/recipients.js';
import { type ServedPage, SnapshotStore, resumeQuery } from './cursors.js';
import {
  READ_ONLY_ANNOTATIONS,
  fitsBudget,
  continuationLines,
  counted,
  cursorField,
  formatCount,
  limitField,
  notPhoneNumberNote,
  numberForText,
  orderCountersOf,
  orderCountersOutput,
  orderRateForText,
  paging,
  pagingOutput,
  phoneNumberOutput,
  provisionalRateLines,
  strictInput,
  timestampForText,
} from './fields.js';
import { type Ranked, ranked, serveRankedPage } from './ranked-listing.js';
import { defineTool, finalRecipientsFor } from './tool.js';

const NAME = 'list_recipients';

const RECIPIENT_STATES = ['undelivered', 'waiting', 'delivered'] as const;
type RecipientState = (typeof RECIPIENT_STATES)[number];

const inputSchema = strictInput({
  orderId: z
    .number({ error: 'orderId must be a positive whole number, the id list_orders shows' })
    .int({ error: 'orderId must be a positive whole number, the id list_orders shows' })
    .positive({ error: 'orderId must be a positive whole number, the id list_orders shows' })
    .max(Number.MAX_SAFE_INTEGER, { error: 'orderId is larger than any order id' })
    // Optional in the schema only so that a cursor alone continues its own order.
    .optional()
    .describe('The order to read, as list_orders shows it. Required unless cursor is given.'),
  status: z
    .enum(RECIPIENT_STATES, { error: `status must be one of ${RECIPIENT_STATES.join(', ')}` })
    .optional()
    .describe(`Only recipients in this state: undelivered (${MESSAGE_STATUS.undelivered}), waiting (${MESSAGE_STATUS.waiting}) or delivered (${MESSAGE_STATUS.delivered}).`),
  limit: limitField(100, 1000, 'undelivered first'),
  cursor: cursorField,
});

const recipientCountsOutput = z
  .object({ delivered: z.number().int(), undelivered: z.number().int(), waiting: z.number().int(), other: z.number().int() })
  .describe('Recipients by state, counted from all of the order\'s messages whatever the status filter; other is an undocumented status.');

const outputSchema = z.object({
  order: z.object({
    ...orderCountersOutput,
    submitAt: z.string().nullable().describe('ISO 8601 with the Istanbul offset; null when the API does not give it.'),
    sendAt: z.string().nullable(),
    sender: z.string().nullable(),
  }).describe('The order as get-report describes it; counters the API leaves out are counted from the messages.'),
  recipientCounts: recipientCountsOutput,
  consistent: z.boolean().describe('Whether recipientCounts and the number of messages match the order\'s counters.'),
  matched: z.number().int().describe('Recipients that pass the status filter.'),
  recipients: z
    .array(z.object({ ...phoneNumberOutput, status: z.number().int(), state: z.enum([...RECIPIENT_STATES, 'other']) }))
    .describe('At most limit recipients: undelivered first, then waiting, delivered and any other status, each in the API\'s order.'),
  ...pagingOutput('recipients'),
});

type RecipientList = z.infer<typeof outputSchema>;
type Recipient = RecipientList['recipients'][number];

type RankedRecipient = Ranked<RecipientRow>;

interface RecipientRow {
  /** As the API sent it; normalized only when shown. */
  number: ReportMessage['number'];
  status: number;
}

interface RecipientsMeta {
  read: Omit<OrderRecipients, 'messages'>;
  matched: number;
}

/** Undelivered first: that is what the user came for. */
const RANK: Record<ReturnType<typeof messageStateOf>, number> = { undelivered: 0, waiting: 1, delivered: 2, other: 3 };

function present(recipient: RankedRecipient): Recipient {
  return { ...normalizePhoneNumber(recipient.number), status: recipient.status, state: messageStateOf(recipient.status) };
}

function recipientLine(recipient: Recipient): string {
  return `- ${numberForText(recipient)} ${recipient.state} (${recipient.status})`;
}

function countsLine(counts: RecipientCounts): string {
  return (
    `${formatCount(counts.undelivered)} undelivered, ${formatCount(counts.waiting)} waiting, ${formatCount(counts.delivered)} delivered` +
    (counts.other > 0 ? `, ${formatCount(counts.other)} with an undocumented status` : '')
  );
}

function render(list: RecipientList): string {
  const { order, recipientCounts: counts } = list;
  const when = order.sendAt ? ` sent ${timestampForText(order.sendAt)}` : '';
  const sender = order.sender === null ? '' : ` sender ${JSON.stringify(order.sender)}`;
  const all = counts.delivered + counts.undelivered + counts.waiting + counts.other;
  const lines = [
    `Order #${order.id} (${order.state}, ${order.status})${sender}${when}: ${counted(all, 'recipient')}: ${countsLine(counts)}; ${orderRateForText(order)}.`,
    ...provisionalRateLines([order]),
  ];
  if (!list.consistent) {
    lines.push(
      `Note: the recipients do not match the order's counters (${formatCount(order.total)} messages: ${formatCount(order.undelivered)} undelivered, ` +
        `${formatCount(order.waiting)} waiting, ${formatCount(order.delivered)} delivered); the API may have updated them between calls. ` +
        'The recipients are listed as read.',
    );
  }
  const undelivered = list.recipients.filter((recipient) => recipient.state === 'undelivered');
  if (counts.undelivered > 0 && undelivered.length > 0) {
    lines.push(`Undelivered numbers${undelivered.length < counts.undelivered ? ` (${undelivered.length} of ${formatCount(counts.undelivered)} here)` : ''} come first below.`);
  }
  lines.push(`${counted(list.matched, 'recipient')} match${list.matched === 1 ? 'es' : ''}; ${list.recipients.length} shown.`);
  lines.push(...list.recipients.map(recipientLine));
  lines.push(...notPhoneNumberNote(list.recipients));
  lines.push(...continuationLines(NAME, 'recipients', list.nextCursor));
  return lines.join('\n');
}

/** Every recipient of the order, undelivered first, each with its place in that order. */
async function rankedRecipients(
  read: (onPage: (messages: readonly ReportMessage[]) => void) => Promise<OrderRecipients>,
  status: RecipientState | undefined,
) {
  const messages: ReportMessage[] = [];
  const result = await read((page) => messages.push(...page));
  const wanted = status === undefined ? undefined : MESSAGE_STATUS[status];
  const items = ranked(
    messages
      .map((message, index) => ({ message, index }))
      .filter(({ message }) => wanted === undefined || message.status === wanted)
      .sort((a, b) => RANK[messageStateOf(a.message.status)] - RANK[messageStateOf(b.message.status)] || a.index - b.index)
      .map(({ message }) => ({ number: message.number, status: message.status })),
  );
  const { messages: _messages, ...summary } = result;
  return { items, meta: { read: summary, matched: items.length } };
}

function answerOf(page: ServedPage<RankedRecipient, RecipientsMeta>): RecipientList {
  const { order, counts, consistent } = page.meta.read;
  return {
    order: {
      ...orderCountersOf(order),
      submitAt: order.submitAt === undefined ? null : timestampToIso(order.submitAt),
      sendAt: order.sendAt === undefined ? null : timestampToIso(order.sendAt),
      sender: order.sender ?? null,
    },
    recipientCounts: counts,
    consistent,
    matched: page.meta.matched,
    recipients: page.items.map(present),
    ...paging(page.nextCursor),
  };
}

function requireOrderId(orderId: number | undefined): number {
  if (orderId === undefined) {
    throw new UserInputError('orderId', 'no order was named. Pass orderId as list_orders shows it, or pass cursor alone to continue a listing.');
  }
  return orderId;
}

export const listRecipientsTool = defineTool({
  name: NAME,
  group: 'recipients',
  title: 'List the recipients of one SMS order',
  useFor: 'to see which numbers of one order failed',
  deadlineAdvice: 'Try again later: an order of many recipients takes many pages to read.',
  description:
    'Reads one order recipient by recipient: each number (in E.164, +905321234567) and whether it was delivered, ' +
    'undelivered or is still waiting, undelivered first, with the order\'s counters and a check that they agree. Use it for ' +
    '"which numbers failed in yesterday\'s campaign?" after list_orders has given the order id. Filter by status ' +
    '(undelivered for the failures). For failing numbers across many orders use list_failed_numbers instead.',
  inputSchema,
  outputSchema,
  annotations: READ_ONLY_ANNOTATIONS,
  createState: (services) => ({ snapshots: new SnapshotStore<RankedRecipient, RecipientsMeta>(services.snapshotLimits) }),
  async handler(params, context) {
    const { limit, cursor, ...query } = params;
    const resumed = await resumeQuery(context.cursors, NAME, cursor, query, (args) => requireOrderId(args.orderId));
    const { resolved: orderId, args: { status } } = resumed;
    const page = await serveRankedPage(NAME, context, { resumed, limit }, () =>
      rankedRecipients((onPage) => readOrderRecipients(context.api, orderId, onPage, { signal: context.signal, finalRecipients: finalRecipientsFor(context) }), status), fitsBudget(answerOf, render));
    return answerOf(page);
  },
  render,
});
