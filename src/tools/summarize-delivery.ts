import * as z from 'zod';
import { ORDER_STATUS } from '../api/order-status.js';
import { UserInputError } from '../errors.js';
import { requireRange } from '../reporting/date-range.js';
import { type DeliveryGroup, periodKeys, summarizeDelivery } from '../reporting/delivery-summary.js';
import { spanOf } from '../reporting/span.js';
import {
  READ_ONLY_ANNOTATIONS,
  counted,
  droppedLines,
  droppedOutput,
  formatCount,
  formatPercent,
  rangeFields,
  rangeOutput,
  rangeWithTimezone,
  senderField,
  strictInput,
  NARROWER_RANGE_OR_SENDER_ADVICE,
} from './fields.js';
import { SENDER_NAME_RULE, matchedNoSender, orderSenderFilterIfGiven, orderSenderFilterOutput, orderSenderLines } from './sender-note.js';
import { spanLine, spanOutput } from './span-fields.js';
import { defineTool, scanOptionsFor } from './tool.js';

/**
 * Groups one answer holds: a day series of the default longest range (366 days) fits. Senders
 * past it are left out, the smallest first; a longer period series is refused before any request,
 * since a series with gaps would read as empty periods.
 */
const MAX_GROUPS = 400;
const MAX_GROUP_LINES = 31;
/** A sender is named best or worst only with this many messages: a handful say nothing about a rate. */
const MIN_RATED_MESSAGES = 100;

const counters = {
  orders: z.number().int().describe('Orders counted.'),
  total: z.number().int().describe('Messages in those orders.'),
  delivered: z.number().int(),
  undelivered: z.number().int().describe('Messages that could not be delivered: the "failed" figure.'),
  waiting: z.number().int().describe('Messages still queued; while above 0 the figures are provisional.'),
};

const ratedSender = z.object({ key: z.string(), deliveryRate: z.number(), total: z.number().int() });

const inputSchema = strictInput({
  ...rangeFields,
  sender: senderField.optional().describe(`Only orders sent with this sender ID. ${SENDER_NAME_RULE}`),
  groupBy: z
    .enum(['sender', 'day', 'week', 'month'], { error: 'groupBy must be one of sender, day, week, month' })
    .optional()
    .describe('Also break the totals down by sender, or by submission day, week (from Monday) or month.'),
});

const outputSchema = z.object({
  range: rangeOutput,
  ...counters,
  deliveryRate: z.number().nullable().describe('delivered / (delivered + undelivered); null when nothing has settled.'),
  statusCounts: z.object({
    in_progress: z.number().int().describe(`Orders with status ${ORDER_STATUS.in_progress}.`),
    completed: z.number().int().describe(`Orders with status ${ORDER_STATUS.completed}: the pipeline finished, not necessarily all delivered.`),
    failed: z.number().int().describe(`Orders with status ${ORDER_STATUS.failed}.`),
    other: z.number().int().describe('Orders with a status code the API does not document.'),
  }),
  provisional: z
    .boolean()
    .describe('True while any message is waiting or any order is still in progress: the figures may still change.'),
  inconsistentOrders: z.number().int().describe('Orders whose delivered + undelivered + waiting differs from total; summed as reported.'),
  span: spanOutput('orders counted (by submission day)'),
  groups: z
    .array(z.object({ key: z.string(), ...counters, provisional: z.boolean(), deliveryRate: z.number().nullable() }))
    .optional()
    .describe(
      `At most ${MAX_GROUPS} groups: the senders by volume (messages), largest first; or every day, week (key: its Monday) ` +
        'or month (YYYY-MM) of the range in time order, with zeros where nothing was submitted.',
    ),
  groupsOmitted: z.number().int().optional().describe('Sender groups left out of groups, the smallest, to keep the answer bounded.'),
  senderRates: z
    .object({
      minMessages: z.number().int(),
      best: ratedSender.nullable(),
      worst: ratedSender.nullable(),
    })
    .optional()
    .describe(`With groupBy sender: the best and the worst delivery rate among senders with at least ${MIN_RATED_MESSAGES} messages, some settled.`),
  dropped: droppedOutput,
  senderFilter: orderSenderFilterOutput.optional(),
});

type Summary = z.infer<typeof outputSchema>;
type RatedSender = z.infer<typeof ratedSender>;

/**
 * One line a group, but a run of groups without orders is one line: a long series (a year by day)
 * would otherwise spend the lines on its empty start and leave the days that had orders unseen.
 */
function groupLines(groups: readonly DeliveryGroup[]): Array<{ line: string; groups: number }> {
  const lines: Array<{ line: string; groups: number }> = [];
  for (let start = 0; start < groups.length; ) {
    let end = start;
    while ((groups[end]?.orders ?? 1) === 0) end += 1;
    if (end - start >= 2) {
      const [first, last] = [groups[start] as DeliveryGroup, groups[end - 1] as DeliveryGroup];
      lines.push({ line: `- ${JSON.stringify(first.key)} – ${JSON.stringify(last.key)}: no orders (${end - start} groups)`, groups: end - start });
      start = end;
    } else {
      lines.push({ line: groupLine(groups[start] as DeliveryGroup), groups: 1 });
      start += 1;
    }
  }
  return lines;
}

function groupLine(group: DeliveryGroup): string {
  if (group.orders === 0) return `- ${JSON.stringify(group.key)}: no orders`;
  const waiting = group.waiting > 0 ? `, ${formatCount(group.waiting)} waiting (provisional)` : '';
  const rate = group.deliveryRate === null ? 'nothing settled' : `delivery rate ${formatPercent(group.deliveryRate)}`;
  return (
    `- ${JSON.stringify(group.key)}: ${counted(group.orders, 'order')}, ${formatCount(group.total)} messages, ` +
    `${formatCount(group.delivered)} delivered, ${formatCount(group.undelivered)} undelivered${waiting}; ${rate}`
  );
}

/** The best and the worst rate among the senders large enough to rate; on a tie, the larger sender. */
function senderRatesOf(groups: readonly DeliveryGroup[]): NonNullable<Summary['senderRates']> {
  let best: RatedSender | null = null;
  let worst: RatedSender | null = null;
  // Largest first, so a later sender with the same rate never displaces an earlier one.
  for (const { key, deliveryRate, total } of groups) {
    if (total < MIN_RATED_MESSAGES || deliveryRate === null) continue;
    if (best === null || deliveryRate > best.deliveryRate) best = { key, deliveryRate, total };
    if (worst === null || deliveryRate < worst.deliveryRate) worst = { key, deliveryRate, total };
  }
  return { minMessages: MIN_RATED_MESSAGES, best, worst };
}

function senderRatesLine({ minMessages, best, worst }: NonNullable<Summary['senderRates']>): string {
  const rated = (sender: RatedSender) => `${JSON.stringify(sender.key)} ${formatPercent(sender.deliveryRate)} (${counted(sender.total, 'message')})`;
  if (best === null || worst === null) {
    return `No sender has at least ${formatCount(minMessages)} messages with some settled, so none is named best or worst.`;
  }
  if (best.key === worst.key) return `Only one sender has at least ${formatCount(minMessages)} messages with some settled: ${rated(best)}.`;
  return `Among senders with at least ${formatCount(minMessages)} messages: best delivery rate ${rated(best)}, worst ${rated(worst)}.`;
}

function render(summary: Summary): string {
  const { range, statusCounts } = summary;
  if (matchedNoSender(summary.senderFilter)) {
    // Zeros and "nothing has settled" would read as figures of the sender; there are none.
    return [
      `Delivery summary for ${range.start}..${range.end} (${range.timezone}): no figures.`,
      spanLine(range, summary.span, 'matching orders'),
      ...orderSenderLines(summary.senderFilter),
      ...droppedLines(summary.dropped),
    ].join('\n');
  }
  const lines = [
    `Delivery summary for ${range.start}..${range.end} (${range.timezone}): ${counted(summary.orders, 'order')}, ` +
      `${counted(summary.total, 'message')}.`,
    spanLine(range, summary.span, 'orders'),
    `Undelivered (failed): ${formatCount(summary.undelivered)}. Delivered: ${formatCount(summary.delivered)}. ` +
      `Waiting: ${formatCount(summary.waiting)}.` +
      (summary.deliveryRate === null ? ' No message has settled yet.' : ` Delivery rate of settled messages: ${formatPercent(summary.deliveryRate)}.`),
    `Orders by status: ${formatCount(statusCounts.completed)} completed (${ORDER_STATUS.completed}), ` +
      `${formatCount(statusCounts.in_progress)} in progress (${ORDER_STATUS.in_progress}), ` +
      `${formatCount(statusCounts.failed)} failed (${ORDER_STATUS.failed})` +
      (statusCounts.other ? `, ${formatCount(statusCounts.other)} with an undocumented status.` : '.') +
      ` Status ${ORDER_STATUS.completed} means the sending pipeline finished, not that every message was delivered; read the counts above.`,
  ];
  if (summary.provisional) {
    const pending =
      summary.waiting > 0
        ? `${formatCount(summary.waiting)} messages are still waiting`
        : `${counted(statusCounts.in_progress, 'order is', 'orders are')} still in progress`;
    lines.push(`PROVISIONAL: ${pending}, so these figures may change; ask again later for final numbers.`);
  }
  lines.push(...orderSenderLines(summary.senderFilter), ...droppedLines(summary.dropped));
  if (summary.inconsistentOrders > 0) {
    lines.push(
      `Note: ${counted(summary.inconsistentOrders, 'order')} reported delivered + undelivered + waiting different from total; ` +
        'their counters were summed as the API reported them.',
    );
  }
  if (summary.groups) {
    lines.push(`By ${summary.groups.length === 0 ? 'group: none' : 'group:'}`);
    const shown = groupLines(summary.groups).slice(0, MAX_GROUP_LINES);
    lines.push(...shown.map(({ line }) => line));
    const unshown = summary.groups.length - shown.reduce((sum, { groups }) => sum + groups, 0);
    if (unshown > 0) lines.push(`…and ${unshown} more groups in structuredContent.groups.`);
    if (summary.groupsOmitted) {
      lines.push(`${counted(summary.groupsOmitted, 'smaller group')} left out; filter by sender or narrow the range to see them.`);
    }
    if (summary.senderRates) lines.push(senderRatesLine(summary.senderRates));
  }
  return lines.join('\n');
}

export const summarizeDeliveryTool = defineTool({
  name: 'summarize_delivery',
  group: 'reports',
  title: 'Summarize SMS delivery',
  useFor: 'for totals ("how many failed")',
  deadlineAdvice: NARROWER_RANGE_OR_SENDER_ADVICE,
  description:
    'Totals of sent SMS for a date range: how many messages were delivered, undelivered (failed) and still waiting, ' +
    'the delivery rate, and orders by status, optionally for one sender and grouped by sender, day, week or month. ' +
    'Use it for questions like "how many SMS failed last month?" or "what was our delivery rate this week?". ' +
    'It reads every order in the range (it handles the API\'s 10-day limit and paging) and answers in one call. ' +
    'It does not list individual orders (use list_orders) or per-recipient numbers, and it does not read incoming SMS (use read_inbox). ' +
    'Needs period or start.',
  inputSchema,
  outputSchema,
  annotations: READ_ONLY_ANNOTATIONS,
  async handler(params, context) {
    const range = requireRange(params, context);
    const { groupBy } = params;
    if (groupBy !== undefined && groupBy !== 'sender') {
      const periods = periodKeys(range, groupBy).length;
      if (periods > MAX_GROUPS) {
        throw new UserInputError(
          'groupBy',
          `grouping ${range.start}..${range.end} by ${groupBy} gives ${formatCount(periods)} groups, more than the ${MAX_GROUPS} ` +
            `one answer holds; group by ${groupBy === 'day' ? 'week or month' : 'month'}, or ask for a shorter range.`,
        );
      }
    }
    const readAt = context.clock();
    const summary = await summarizeDelivery(context.api, { range, sender: params.sender, groupBy }, scanOptionsFor(context));
    const { range: _range, groups, coverage, senderFilter, ...figures } = summary;
    return {
      range: rangeWithTimezone(range),
      ...figures,
      span: spanOf(range, coverage, readAt),
      ...orderSenderFilterIfGiven(senderFilter),
      ...(groups ? { groups: groups.slice(0, MAX_GROUPS) } : {}),
      ...(groups && groups.length > MAX_GROUPS ? { groupsOmitted: groups.length - MAX_GROUPS } : {}),
      ...(groups && groupBy === 'sender' ? { senderRates: senderRatesOf(groups) } : {}),
    };
  },
  render,
});
