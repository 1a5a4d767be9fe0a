import * as z from 'zod';
import { timestampToIso } from '../reporting/calendar.js';
import { type DayRange, requireRange } from '../reporting/date-range.js';
import { type FailedNumber, type FailedNumbersReport, findFailedNumbers } from '../reporting/failed-numbers.js';
import { RankedFailures } from '../reporting/ranked-failures.js';
import { type Span, spanOf } from '../reporting/span.js';
import { type ServedPage, type SnapshotCodec, SnapshotStore, resumeQuery } from './cursors.js';
import {
  READ_ONLY_ANNOTATIONS,
  fitsBudget,
  continuationLines,
  counted,
  cursorField,
  droppedLines,
  droppedOutput,
  formatCount,
  limitField,
  notPhoneNumberNote,
  numberForText,
  paging,
  pagingOutput,
  phoneNumberOutput,
  rangeFields,
  rangeOutput,
  rangeWithTimezone,
  senderField,
  strictInput,
  timestampForText,
  NARROWER_RANGE_OR_SENDER_ADVICE,
} from './fields.js';
import { notCheckedField, notCheckedLines, notCheckedOutput } from './not-checked.js';
import { Positioned, type Ranked, serveRankedPage } from './ranked-listing.js';
import { SENDER_NAME_RULE, matchedNoSender, orderSenderFilterIfGiven, orderSenderFilterOutput, orderSenderLines } from './sender-note.js';
import { spanLine, spanOutput } from './span-fields.js';
import { defineTool, scanOptionsFor } from './tool.js';

const NAME = 'list_failed_numbers';

/** Orders named in the text and the data when their recipients disagree with their counters. */
const MAX_MISMATCHES_LISTED = 20;

const inputSchema = strictInput({
  ...rangeFields,
  sender: senderField.optional().describe(`Only orders sent with this sender ID. ${SENDER_NAME_RULE}`),
  minFailures: z
    .number({ error: 'minFailures must be a whole number from 1' })
    .int({ error: 'minFailures must be a whole number from 1' })
    .min(1, { error: 'minFailures must be a whole number from 1' })
    .max(1_000_000, { error: 'minFailures must be at most 1000000' })
    // No schema default: a cursor alone must not be read as asking minFailures 1 anew.
    .optional()
    .describe('Only numbers with at least this many failures (default 1; 2 finds the numbers that keep failing).'),
  limit: limitField(50, 500, 'most failures first'),
  cursor: cursorField,
});

const outputSchema = z.object({
  range: rangeOutput,
  ordersScanned: z.number().int().describe('Orders in the range (and of the sender) that were counted.'),
  span: spanOutput('orders counted (by submission day)'),
  ordersWithFailures: z.number().int().describe('Of those, the orders with undelivered > 0: the only ones whose recipients were read.'),
  failedMessages: z.number().int().describe('Undelivered recipients found in those orders.'),
  expectedFailedMessages: z.number().int().describe("The orders' undelivered counters summed: summarize_delivery's undelivered for the same range and sender."),
  numbers: z.number().int().describe('Distinct failing numbers, before minFailures.'),
  matched: z.number().int().describe('Numbers with at least minFailures failures.'),
  failedMoreThanOnce: z.number().int().describe('Numbers that failed more than once: the ones to clean from a list.'),
  items: z
    .array(
      z.object({
        ...phoneNumberOutput,
        failures: z.number().int().describe('Undelivered messages to the number.'),
        orders: z.number().int().describe('Orders in which it failed.'),
        lastFailedAt: z.string().describe('sendAt of the latest order in which it failed, ISO 8601 with the Istanbul offset.'),
      }),
    )
    .describe('At most limit numbers, most failures first, then by number; fewer when more would pass the answer size budget.'),
  mismatchedOrders: z
    .object({
      count: z.number().int(),
      orders: z
        .array(z.object({ orderId: z.number().int(), expected: z.number().int(), found: z.number().int() }))
        .describe(`At most ${MAX_MISMATCHES_LISTED}, by id.`),
    })
    .describe("Orders whose undelivered recipients differ from their undelivered counter, as when the API updates them between calls."),
  complete: z.boolean().describe('False when some orders with failures could not be read yet (notChecked): their failures are in no figure here.'),
  notChecked: notCheckedOutput,
  ...pagingOutput('numbers'),
  dropped: droppedOutput,
  senderFilter: orderSenderFilterOutput.optional(),
});

type FailedNumbers = z.infer<typeof outputSchema>;
type Item = FailedNumbers['items'][number];

type RankedNumber = Ranked<FailedNumber>;

type Meta = Omit<FailedNumbersReport, 'numbers' | 'coverage'> & { numbers: number; matched: number; failedMoreThanOnce: number; span: Span };

type Ranking = Positioned<FailedNumber, RankedFailures>;

/** A snapshot keeps the ranking's columns, a few bytes a number, so a cursor walks a million numbers without reading them again. */
const compactRanking: SnapshotCodec<Ranking> = {
  encode: (items) => items.ranking.encode(),
  decode: (kept) => {
    const ranking = RankedFailures.decode(kept);
    return ranking && new Positioned(ranking);
  },
};

function present(entry: RankedNumber): Item {
  return {
    number: entry.number,
    isPhoneNumber: entry.isPhoneNumber,
    failures: entry.failures,
    orders: entry.orders,
    lastFailedAt: timestampToIso(entry.lastFailedAt),
  };
}

function itemLine(item: Item): string {
  return `- ${numberForText(item)}: ${counted(item.failures, 'failure')} in ${counted(item.orders, 'order')}, last ${timestampForText(item.lastFailedAt)}`;
}

function render(result: FailedNumbers): string {
  const { range } = result;
  if (matchedNoSender(result.senderFilter)) {
    return [
      `Failed numbers for ${range.start}..${range.end} (${range.timezone}): none to show.`,
      spanLine(range, result.span, 'matching orders'),
      ...orderSenderLines(result.senderFilter),
      ...droppedLines(result.dropped),
    ].join('\n');
  }
  const lines = [
    `Failed numbers for ${range.start}..${range.end} (${range.timezone}): ${counted(result.failedMessages, 'undelivered message')} to ` +
      `${counted(result.numbers, 'distinct number')}, in ${formatCount(result.ordersWithFailures)} of the ${counted(result.ordersScanned, 'order')} ` +
      '(only orders with failures were read).',
    spanLine(range, result.span, 'orders'),
  ];
  if (result.failedMessages === result.expectedFailedMessages && result.mismatchedOrders.count === 0) {
    lines.push("That equals the orders' undelivered counters (summarize_delivery's undelivered figure).");
  } else if (!result.complete && result.mismatchedOrders.count === 0) {
    lines.push('Each order read agrees with its undelivered counter.');
  } else {
    const named = result.mismatchedOrders.orders
      .map((order) => `#${order.orderId} (counter ${formatCount(order.expected)}, recipients ${formatCount(order.found)})`)
      .join(', ');
    const more = result.mismatchedOrders.count - result.mismatchedOrders.orders.length;
    // Against every counter only when every order was read; otherwise the orders not read would count as a mismatch.
    const sums = result.complete
      ? `the recipients show ${formatCount(result.failedMessages)} undelivered, but the orders' counters say ${formatCount(result.expectedFailedMessages)}. `
      : '';
    lines.push(
      `MISMATCH: ${sums}${counted(result.mismatchedOrders.count, 'order disagrees', 'orders disagree')}: ${named}` +
        `${more > 0 ? ` …and ${more} more` : ''}. The API may have updated them between calls; ask again to confirm.`,
    );
  }
  lines.push(...orderSenderLines(result.senderFilter));
  lines.push(...notCheckedLines(result.notChecked, 'with failures'));
  lines.push(...droppedLines(result.dropped));
  lines.push(
    result.failedMoreThanOnce === 0
      ? 'No number failed more than once.'
      : `${counted(result.failedMoreThanOnce, 'number')} failed more than once: clean ${result.failedMoreThanOnce === 1 ? 'it' : 'them'} from your lists (they lead the list below).`,
  );
  if (result.matched !== result.numbers) lines.push(`${counted(result.matched, 'number')} with at least the minimum failures asked for.`);
  lines.push(...result.items.map(itemLine));
  lines.push(...notPhoneNumberNote(result.items));
  lines.push(...continuationLines(NAME, 'numbers', result.nextCursor));
  return lines.join('\n');
}

function answerOf(page: ServedPage<RankedNumber, Meta>): FailedNumbers {
  const { meta } = page;
  return {
    range: rangeWithTimezone(meta.range),
    ordersScanned: meta.ordersScanned,
    span: meta.span,
    ordersWithFailures: meta.ordersWithFailures,
    failedMessages: meta.failedMessages,
    expectedFailedMessages: meta.expectedFailedMessages,
    numbers: meta.numbers,
    matched: meta.matched,
    failedMoreThanOnce: meta.failedMoreThanOnce,
    items: page.items.map(present),
    mismatchedOrders: { count: meta.mismatched.length, orders: meta.mismatched.slice(0, MAX_MISMATCHES_LISTED) },
    complete: meta.notChecked.length === 0,
    notChecked: notCheckedField(meta.notChecked),
    ...paging(page.nextCursor),
    dropped: meta.dropped,
    ...orderSenderFilterIfGiven(meta.senderFilter),
  };
}

export const listFailedNumbersTool = defineTool({
  name: NAME,
  group: 'recipients',
  title: 'List the numbers that failed',
  useFor: 'to find which numbers failed, and which keep failing, across a range',
  deadlineAdvice: NARROWER_RANGE_OR_SENDER_ADVICE,
  description:
    'Which phone numbers failed (undelivered) across the orders of a date range, and how often: each number in E.164 with ' +
    'its failures, the orders it failed in and when it last failed, most failures first. Use it for "which numbers ' +
    'keep failing this month?" (minFailures 2) or to clean a list. It reads recipients only for the orders with failures, ' +
    'at most ILETIMERKEZI_MAX_REPORT_ORDERS of them; narrow the range or pass sender past that. For one order use ' +
    'list_recipients; for totals use summarize_delivery. Needs period or start.',
  inputSchema,
  outputSchema,
  annotations: READ_ONLY_ANNOTATIONS,
  createState: (services) => ({ snapshots: new SnapshotStore<RankedNumber, Meta, Ranking>(services.snapshotLimits, compactRanking) }),
  async handler(params, context) {
    const { limit, cursor, ...query } = params;
    const resumed = await resumeQuery(context.cursors, NAME, cursor, query, (args): DayRange => requireRange(args, context));
    const page = await serveRankedPage(NAME, context, { resumed, limit }, async () => {
      const readAt = context.clock();
      const { coverage, ...report } = await findFailedNumbers(
        context.api,
        { range: resumed.resolved, sender: resumed.args.sender },
        { ...scanOptionsFor(context), maxReportOrders: context.maxReportOrders },
      );
      const minFailures = resumed.args.minFailures ?? 1;
      const matched = report.numbers.atLeast(minFailures);
      const meta: Meta = {
        ...report,
        numbers: report.numbers.length,
        matched: matched.length,
        failedMoreThanOnce: report.numbers.atLeast(2).length,
        span: spanOf(resumed.resolved, coverage, readAt),
      };
      return { items: new Positioned(matched), meta };
    }, fitsBudget(answerOf, render));
    return answerOf(page);
  },
  render,
});
