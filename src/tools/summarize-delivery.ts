import * as z from 'zod';
import { ORDER_STATUS } from '../api/order-status.js';
import { requireRange } from '../reporting/date-range.js';
import { type DeliveryGroup, summarizeDelivery } from '../reporting/delivery-summary.js';
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
} from './fields.js';
import { SENDER_NAME_RULE, matchedNoSender, orderSenderFilterIfGiven, orderSenderFilterOutput, orderSenderLines } from './sender-note.js';
import { defineTool, scanOptionsFor } from './tool.js';

/** A day grouping of the longest range fits; only a sender grouping can pass it. */
const MAX_GROUPS = 400;
const MAX_GROUP_LINES = 31;

const counters = {
  orders: z.number().int().describe('Orders counted.'),
  total: z.number().int().describe('Messages in those orders.'),
  delivered: z.number().int(),
  undelivered: z.number().int().describe('Messages that could not be delivered: the "failed" figure.'),
  waiting: z.number().int().describe('Messages still queued; while above 0 the figures are provisional.'),
};

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
  groups: z
    .array(z.object({ key: z.string(), ...counters, provisional: z.boolean() }))
    .optional()
    .describe(`At most ${MAX_GROUPS} groups: the largest senders, or the periods in order.`),
  groupsOmitted: z.number().int().optional().describe('Groups left out of groups to keep the answer bounded.'),
  dropped: droppedOutput,
  senderFilter: orderSenderFilterOutput.optional(),
});

type Summary = z.infer<typeof outputSchema>;


function groupLine(group: DeliveryGroup): string {
  const waiting = group.waiting > 0 ? `, ${formatCount(group.waiting)} waiting (provisional)` : '';
  return (
    `- ${JSON.stringify(group.key)}: ${counted(group.orders, 'order')}, ${formatCount(group.total)} messages, ` +
    `${formatCount(group.delivered)} delivered, ${formatCount(group.undelivered)} undelivered${waiting}`
  );
}

function render(summary: Summary): string {
  const { range, statusCounts } = summary;
  if (matchedNoSender(summary.senderFilter)) {
    // Zeros and "nothing has settled" would read as figures of the sender; there are none.
    return [`Delivery summary for ${range.start}..${range.end} (${range.timezone}): no figures.`, ...orderSenderLines(summary.senderFilter), ...droppedLines(summary.dropped)].join('\n');
  }
  const lines = [
    `Delivery summary for ${range.start}..${range.end} (${range.timezone}): ${counted(summary.orders, 'order')}, ` +
      `${counted(summary.total, 'message')}.`,
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
    lines.push(...summary.groups.slice(0, MAX_GROUP_LINES).map(groupLine));
    if (summary.groups.length > MAX_GROUP_LINES) {
      lines.push(`…and ${summary.groups.length - MAX_GROUP_LINES} more groups in structuredContent.groups.`);
    }
    if (summary.groupsOmitted) {
      lines.push(`${counted(summary.groupsOmitted, 'smaller group')} left out; filter by sender or narrow the range to see them.`);
    }
  }
  return lines.join('\n');
}

export const summarizeDeliveryTool = defineTool({
  name: 'summarize_delivery',
  title: 'Summarize SMS delivery',
  useFor: 'for totals ("how many failed")',
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
    const summary = await summarizeDelivery(context.api, { range, sender: params.sender, groupBy: params.groupBy }, scanOptionsFor(context));
    const { range: _range, groups, senderFilter, ...figures } = summary;
    return {
      range: rangeWithTimezone(range),
      ...figures,
      ...orderSenderFilterIfGiven(senderFilter),
      ...(groups ? { groups: groups.slice(0, MAX_GROUPS) } : {}),
      ...(groups && groups.length > MAX_GROUPS ? { groupsOmitted: groups.length - MAX_GROUPS } : {}),
    };
  },
  render,
});
