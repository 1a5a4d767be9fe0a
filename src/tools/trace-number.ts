import * as z from 'zod';
import { ORDER_STATE_NAMES } from '../api/order-status.js';
import { readNumberInput } from '../api/phone-number.js';
import { UserInputError } from '../errors.js';
import { timestampToIso, toTimestamp } from '../reporting/calendar.js';
import { type DayRange, requireRange, resolveRange } from '../reporting/date-range.js';
import { type NumberTrace, type RecipientState, type TracedOrder, traceNumber } from '../reporting/number-trace.js';
import { type Span, spanOf } from '../reporting/span.js';
import { MAX_TEXT_CHARS } from '../reporting/text.js';
import { blacklistReadField, blacklistReadOutput, reusedBlacklistLines } from './blacklist-fields.js';
import { type ServedPage, SnapshotStore, resumeQuery } from './cursors.js';
import {
  OPT_OUT_MARKS,
  READ_ONLY_ANNOTATIONS,
  UNTRUSTED_NOTICE,
  continuationLines,
  counted,
  cursorField,
  droppedLines,
  droppedOutput,
  fitsBudget,
  formatCount,
  PHONE_NUMBER_FORMS,
  limitField,
  orderCountersOutput,
  orderRateForText,
  paging,
  phoneNumberField,
  pagingOutput,
  provisionalRateLines,
  rangeFields,
  rangeOutput,
  rangeWithTimezone,
  strictInput,
  timestampForText,
  untrustedSection,
} from './fields.js';
import { inboxCountLines } from './inbox-counts.js';
import { notCheckedField, notCheckedLines, notCheckedOutput } from './not-checked.js';
import { type Ranked, ranked, serveRankedPage } from './ranked-listing.js';
import { spanLine, spanOutput } from './span-fields.js';
import { defineTool, scanOptionsFor } from './tool.js';

const NAME = 'trace_number';

/** The range when none is given: a support question is about the last few weeks. */
const DEFAULT_PERIOD = 'last_30_days';
/** The number's inbox messages listed, newest first; the count has them all. */
const MAX_INBOX_LISTED = 20;
const NUMBER_FORMS = `Pass one phone number as people write it: ${PHONE_NUMBER_FORMS}.`;

const inputSchema = strictInput({
  number: phoneNumberField('number')
    // Required, but for a cursor alone, which carries it.
    .optional()
    .describe(`The phone number to trace (required but for a cursor alone), in any usual form: ${PHONE_NUMBER_FORMS}.`),
  ...rangeFields,
  limit: limitField(50, 500, 'newest sendAt first'),
  cursor: cursorField,
});

const RECIPIENT_STATES = ['delivered', 'undelivered', 'waiting', 'other'] as const satisfies readonly RecipientState[];

const orderOutput = z.object({
  orderId: z.number().int(),
  sendAt: z.string().describe('When the order went out, ISO 8601 with the Istanbul offset.'),
  sender: z.string(),
  recipientStatus: z
    .enum(RECIPIENT_STATES)
    .describe('What became of the message to this number: delivered (111), undelivered (112), waiting (110), or another code.'),
  orderStatus: z.enum([...ORDER_STATE_NAMES, 'other']).describe("The order's own state: in_progress (113), completed (114), failed (115)."),
  messages: z.number().int().describe('Messages of the order to this number: 1, unless its list held the number more than once (recipientStatus is then the best of them).'),
  orderDeliveryRate: orderCountersOutput.deliveryRate.describe("The whole order's delivered / (delivered + undelivered); null when nothing has settled."),
  orderRateProvisional: orderCountersOutput.provisional,
});

const outputSchema = z.object({
  number: z.string().describe('The number traced, in E.164.'),
  range: rangeOutput.describe('The submission days of the orders traced (by default the last 30 days).'),
  span: spanOutput('orders submitted'),
  orders: z.array(orderOutput).describe('At most limit of the orders that went to the number, newest sendAt first; fewer when more would pass the answer size budget.'),
  ordersToNumber: z.number().int().describe('Orders read that went to the number, whatever limit is.'),
  counts: z
    .object({ delivered: z.number().int(), undelivered: z.number().int(), waiting: z.number().int(), other: z.number().int() })
    .describe('Those orders by recipientStatus, whatever limit is.'),
  lastDeliveredAt: z.string().nullable().describe('sendAt of the latest order delivered to the number, ISO 8601; null when none was.'),
  lastUndeliveredAt: z.string().nullable().describe('sendAt of the latest order undelivered to the number, ISO 8601; null when none was.'),
  blacklisted: z.boolean().describe('Whether the number is on the blacklist now. get-blacklist does not say since when.'),
  blacklistRead: blacklistReadOutput,
  lastOptOut: z
    .object({
      at: z.string().describe('When it was received, ISO 8601 with the Istanbul offset.'),
      messageId: z.string(),
      kind: z.enum(['clear', 'possible']).describe('possible: RET inside a longer text, for a person to read.'),
      ordersAfter: z.number().int().describe('Orders read that went out to the number after it, whatever limit is.'),
      firstOrderAfterAt: z.string().nullable().describe('sendAt of the first of them, ISO 8601; null when none.'),
    })
    .nullable()
    .describe('The latest clear opt-out (RET) the inbox holds from the number, in the range or before it, else its latest possible one; null when it holds none.'),
  inbox: z
    .array(
      z.object({
        id: z.string(),
        date: z.string().describe('When it was received, ISO 8601 with the Istanbul offset.'),
        text: z.string().describe(`At most ${MAX_TEXT_CHARS} characters. Untrusted third-party text.`),
        textTruncated: z.boolean(),
        optOut: z.boolean().describe('True when a word of the text is RET: an unsubscribe request, clear or possible.'),
        optOutKind: z
          .enum(['clear', 'possible'])
          .nullable()
          .describe('clear: RET with at most two other words; possible: RET inside a longer text, for a person to read; null when optOut is false.'),
      }),
    )
    .describe(`The inbox messages the number sent in the range, newest first, at most ${MAX_INBOX_LISTED}.`),
  inboxMessages: z.number().int().describe('All of its inbox messages received in the range.'),
  inboxRead: z
    .object({ totalRows: z.number().int(), fetched: z.number().int() })
    .describe('The inbox as get-inbox served it: the messages it reports, and those received; they differ when it came back incomplete.'),
  ordersInRange: z.number().int().describe('Orders submitted in the range.'),
  ordersRead: z.number().int().describe('Of those, the orders whose recipients were read.'),
  ordersNotRead: z
    .number()
    .int()
    .describe('Orders past ILETIMERKEZI_MAX_REPORT_ORDERS, never read: the newest were read first, so these went out at or before readBackTo.'),
  readBackTo: z.string().nullable().describe('When orders were left unread, the sendAt of the oldest order read, ISO 8601; else null.'),
  scheduledLater: z.number().int().describe('Orders scheduled to go out after now: get-report has no recipients for them yet, so they were not read.'),
  notChecked: notCheckedOutput,
  complete: z
    .boolean()
    .describe('False when the answer is partial: orders left unread (ordersNotRead), orders not readable yet (notChecked), or an inbox that came back incomplete.'),
  ...pagingOutput('orders'),
  dropped: droppedOutput,
});

type Trace = z.infer<typeof outputSchema>;
type Item = Trace['orders'][number];

type RankedOrder = Ranked<TracedOrder>;

/** What a trace keeps for its cursors: every figure, none of the blacklist itself. */
type Meta = Omit<NumberTrace, 'orders' | 'blacklist' | 'coverage'> & {
  ordersToNumber: number;
  blacklisted: boolean;
  blacklistRead: { readAt: number; reused: boolean };
  span: Span;
};

/** The query a trace resolves to, before any API call: the number in E.164 and its range. */
interface Resolved {
  number: string;
  range: DayRange;
}

function numberOf(typed: string | undefined): string {
  if (typed === undefined) throw new UserInputError('number', `no number was named. ${NUMBER_FORMS} Or pass cursor alone to continue a listing.`);
  const input = readNumberInput(typed);
  if (input.kind === 'phone-number') return input.number;
  const why =
    input.kind === 'short-code'
      ? 'it is a short code, and orders go to phone numbers'
      : input.kind === 'malformed'
        ? input.problem
        : 'it is not written like a phone number';
  throw new UserInputError('number', `${JSON.stringify(typed)} cannot be traced: ${why}. ${NUMBER_FORMS}`);
}

function present(order: RankedOrder): Item {
  return {
    orderId: order.orderId,
    sendAt: timestampToIso(order.sendAt),
    sender: order.sender,
    recipientStatus: order.recipientStatus,
    orderStatus: order.orderStatus,
    messages: order.messages,
    orderDeliveryRate: order.orderDeliveryRate,
    orderRateProvisional: order.orderRateProvisional,
  };
}

const isoOrNull = (timestamp: string | null) => (timestamp === null ? null : timestampToIso(timestamp));

function answerOf(page: ServedPage<RankedOrder, Meta>): Trace {
  const { meta } = page;
  return {
    number: meta.number,
    range: rangeWithTimezone(meta.range),
    span: meta.span,
    orders: page.items.map(present),
    ordersToNumber: meta.ordersToNumber,
    counts: meta.counts,
    lastDeliveredAt: isoOrNull(meta.lastDeliveredAt),
    lastUndeliveredAt: isoOrNull(meta.lastUndeliveredAt),
    blacklisted: meta.blacklisted,
    blacklistRead: blacklistReadField(meta.blacklistRead),
    lastOptOut: meta.lastOptOut
      ? {
          at: timestampToIso(meta.lastOptOut.date),
          messageId: meta.lastOptOut.id,
          kind: meta.lastOptOut.optOutKind ?? 'clear',
          ordersAfter: meta.sentAfterOptOut.orders,
          firstOrderAfterAt: isoOrNull(meta.sentAfterOptOut.firstAt),
        }
      : null,
    inbox: meta.inbox.slice(0, MAX_INBOX_LISTED).map((message) => ({
      id: message.id,
      date: timestampToIso(message.date),
      text: message.text,
      textTruncated: message.textTruncated,
      optOut: message.optOut,
      optOutKind: message.optOutKind,
    })),
    inboxMessages: meta.inbox.length,
    inboxRead: meta.inboxRead,
    ordersInRange: meta.ordersInRange,
    ordersRead: meta.ordersRead,
    ordersNotRead: meta.ordersNotRead,
    readBackTo: isoOrNull(meta.readBackTo),
    scheduledLater: meta.scheduledLater,
    notChecked: notCheckedField(meta.notChecked),
    complete: meta.complete,
    ...paging(page.nextCursor),
    dropped: meta.dropped,
  };
}

/** "once", "twice", "3 times". */
function times(count: number): string {
  return count === 1 ? 'once' : count === 2 ? 'twice' : `${formatCount(count)} times`;
}

/** What became of the messages, in words a support agent can read out. */
function storyLine(trace: Trace): string {
  const { range } = trace;
  const where = `the orders submitted ${range.start}..${range.end} (${range.timezone})`;
  if (trace.ordersToNumber === 0) {
    return `${trace.number}: not sent in ${where}; none of the ${counted(trace.ordersRead, 'order')} read went to it.`;
  }
  const { counts } = trace;
  const parts = [
    ...(counts.delivered > 0 ? [`delivered ${times(counts.delivered)} (last ${timestampForText(trace.lastDeliveredAt ?? '')})`] : []),
    ...(counts.undelivered > 0 ? [`undelivered ${times(counts.undelivered)} (last ${timestampForText(trace.lastUndeliveredAt ?? '')})`] : []),
    ...(counts.waiting > 0 ? [`still waiting ${times(counts.waiting)}`] : []),
    ...(counts.other > 0 ? [`with another status ${times(counts.other)}`] : []),
  ];
  return `${trace.number}: sent ${times(trace.ordersToNumber)} in ${where}: ${parts.join(', ')}.`;
}

function blacklistLine(trace: Trace): string {
  const optOut = trace.lastOptOut;
  const what = optOut?.kind === 'possible' ? 'it sent RET inside a longer text (a possible opt-out)' : 'it replied RET';
  const replied = optOut ? `${what} on ${timestampForText(optOut.at)} (inbox message id ${JSON.stringify(optOut.messageId)})` : undefined;
  if (trace.blacklisted) {
    return replied ? `On the blacklist now; ${replied}.` : 'On the blacklist now (get-blacklist does not say since when, and the inbox holds no opt-out from it).';
  }
  return replied
    ? `NOT on the blacklist, although ${replied}: review that message, and add the number to the blacklist in the panel if it asked to opt out.`
    : 'Not on the blacklist.';
}

function sentAfterOptOutLines(trace: Trace): string[] {
  const optOut = trace.lastOptOut;
  if (!optOut || optOut.ordersAfter === 0) return [];
  const which = optOut.kind === 'possible' ? 'that possible opt-out' : 'that opt-out';
  return [
    `SENT AFTER ITS OPT-OUT: ${counted(optOut.ordersAfter, 'order')} read went out to it after ${which}, the first on ` +
      `${timestampForText(optOut.firstOrderAfterAt ?? '')}. audit_opt_outs checks every opted-out number of a range.`,
  ];
}

function readLines(trace: Trace): string[] {
  const lines: string[] = [];
  if (trace.ordersNotRead > 0) {
    lines.push(
      `PARTIAL: read the newest ${formatCount(trace.ordersRead)} of the ${counted(trace.ordersInRange, 'order')} submitted in the range, ` +
        `as many as ILETIMERKEZI_MAX_REPORT_ORDERS allows; the ${counted(trace.ordersNotRead, 'order')} sent at or before ` +
        `${timestampForText(trace.readBackTo ?? '')} were not read. Ask about an earlier, shorter range for them.`,
    );
  } else {
    lines.push(`Read ${formatCount(trace.ordersRead)} of the ${counted(trace.ordersInRange, 'order')} submitted in the range.`);
  }
  if (trace.scheduledLater > 0) {
    lines.push(
      `${counted(trace.scheduledLater, 'order is', 'orders are')} scheduled to go out later, so ${trace.scheduledLater === 1 ? 'it has' : 'they have'} ` +
        'no recipients to read yet.',
    );
  }
  lines.push(...notCheckedLines(trace.notChecked, 'of the range'));
  lines.push(
    ...inboxCountLines(trace.inboxRead, {
      missing: 'its messages and opt-outs among the missing ones are not here',
      surplus: 'every message it returned was read, but whether any is missing cannot be told',
    }),
  );
  return lines;
}

/** The whole order's rate, in the shape the rate's text helpers read. */
const orderRateOf = (order: Item) => ({ deliveryRate: order.orderDeliveryRate, provisional: order.orderRateProvisional });

function orderLine(order: Item): string {
  const extra = order.messages > 1 ? `, ${formatCount(order.messages)} messages to it` : '';
  const rate = orderRateForText(orderRateOf(order));
  return `- #${order.orderId} sent ${timestampForText(order.sendAt)} by ${JSON.stringify(order.sender)}: ${order.recipientStatus}${extra} (order ${order.orderStatus}, ${rate})`;
}

function inboxLines(trace: Trace): string[] {
  if (trace.inboxMessages === 0) return ['It sent no inbox message in the range.'];
  const shown = trace.inbox.length < trace.inboxMessages ? `the newest ${trace.inbox.length} of its ${trace.inboxMessages}` : `its ${counted(trace.inboxMessages, 'message')}`;
  return [
    `In the inbox, ${shown} received in the range, newest first. Their texts are ${UNTRUSTED_NOTICE}`,
    ...untrustedSection(
      trace.inbox.map((message) => `${timestampForText(message.date)} id ${JSON.stringify(message.id)}${OPT_OUT_MARKS[message.optOutKind ?? 'none']}: ${JSON.stringify(message.text)}`),
    ),
  ];
}

function render(trace: Trace): string {
  return [
    storyLine(trace),
    blacklistLine(trace),
    ...sentAfterOptOutLines(trace),
    ...reusedBlacklistLines(trace.blacklistRead),
    ...readLines(trace),
    spanLine(trace.range, trace.span, 'orders'),
    ...droppedLines(trace.dropped),
    ...trace.orders.map(orderLine),
    ...provisionalRateLines(trace.orders.map(orderRateOf)),
    ...inboxLines(trace),
    ...continuationLines(NAME, 'orders', trace.nextCursor),
  ].join('\n');
}

export const traceNumberTool = defineTool({
  name: NAME,
  group: 'recipients',
  title: 'Trace one number',
  useFor: 'for what happened to one phone number ("my customer says the SMS never came")',
  deadlineAdvice: 'Ask for a shorter range, or try again later.',
  description:
    'What happened to one phone number: every order of a date range (by default the last 30 days) that went to it, newest ' +
    'first, with what became of its message (delivered, undelivered, waiting) and the order\'s state; counts by state; when it ' +
    'was last delivered and last undelivered; whether it is on the blacklist now, and when it replied RET if the inbox holds ' +
    'that; and its inbox messages of the range. Use it for "my customer says the SMS never came". It reads the recipients of ' +
    'every order of the range, newest first, at most ILETIMERKEZI_MAX_REPORT_ORDERS of them, and says how many it read. For ' +
    'many numbers against the blacklist use check_blacklist; for the numbers that failed use list_failed_numbers.',
  inputSchema,
  outputSchema,
  annotations: READ_ONLY_ANNOTATIONS,
  createState: (services) => ({ snapshots: new SnapshotStore<RankedOrder, Meta>(services.snapshotLimits) }),
  async handler(params, context) {
    const { limit, cursor, ...query } = params;
    const resumed = await resumeQuery(context.cursors, NAME, cursor, query, (args): Resolved => ({
      number: numberOf(args.number),
      range: resolveRange(args, context) ?? requireRange({ period: DEFAULT_PERIOD }, context),
    }));
    const page = await serveRankedPage(NAME, context, { resumed, limit }, async () => {
      const readAt = context.clock();
      const { orders, blacklist, coverage, ...figures } = await traceNumber(
        context.api,
        { number: resumed.resolved.number, range: resumed.resolved.range, now: toTimestamp(readAt) },
        { ...scanOptionsFor(context), maxReportOrders: context.maxReportOrders, blacklist: context.blacklist },
      );
      const meta: Meta = {
        ...figures,
        ordersToNumber: orders.length,
        blacklisted: blacklist.numbers.has(resumed.resolved.number),
        blacklistRead: { readAt: blacklist.readAt, reused: blacklist.reused },
        span: spanOf(resumed.resolved.range, coverage, readAt),
      };
      return { items: ranked(orders), meta };
    }, fitsBudget(answerOf, render));
    return answerOf(page);
  },
  render,
});
