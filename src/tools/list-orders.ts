import * as z from 'zod';
import type { Order } from '../api/client.js';
import { MAX_ORDER_COUNTER } from '../api/schemas.js';
import { ORDER_STATE_NAMES, ORDER_STATUS } from '../api/order-status.js';
import { timestampToIso } from '../reporting/calendar.js';
import { type DayRange, requireRange } from '../reporting/date-range.js';
import { ORDER_SORTS, type OrderListMeta, type OrderSort, listOrders, orderKeyOf } from '../reporting/order-listing.js';
import { type Span, spanOf } from '../reporting/span.js';
import { type ServedPage, SnapshotStore, resumeQuery, servePage } from './cursors.js';
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
  orderCountersOf,
  orderCountersOutput,
  orderRateForText,
  paging,
  pagingOutput,
  provisionalRateLines,
  rangeFields,
  rangeOutput,
  rangeWithTimezone,
  senderField,
  strictInput,
  timestampForText,
  NARROWER_RANGE_OR_SENDER_ADVICE,
} from './fields.js';
import { SENDER_NAME_RULE, orderSenderFilterIfGiven, orderSenderFilterOutput, orderSenderLines } from './sender-note.js';
import { spanLine, spanOutput } from './span-fields.js';
import { defineTool, scanOptionsFor } from './tool.js';

const NAME = 'list_orders';

const inputSchema = strictInput({
  ...rangeFields,
  sender: senderField.optional().describe(`Only orders sent with this sender ID. ${SENDER_NAME_RULE}`),
  status: z
    .enum(ORDER_STATE_NAMES, { error: `status must be one of ${ORDER_STATE_NAMES.join(', ')}` })
    .optional()
    .describe(
      `Only orders in this state: in_progress (${ORDER_STATUS.in_progress}, still going out), ` +
        `completed (${ORDER_STATUS.completed}), failed (${ORDER_STATUS.failed}).`,
    ),
  minMessages: z
    .number({ error: 'minMessages must be a whole number of messages, 1 or more' })
    .int({ error: 'minMessages must be a whole number of messages, 1 or more' })
    .min(1, { error: 'minMessages must be a whole number of messages, 1 or more' })
    .max(MAX_ORDER_COUNTER, { error: `minMessages must be at most ${MAX_ORDER_COUNTER.toLocaleString('en-US')}: no order holds more messages` })
    .optional()
    .describe('Only orders of at least this many messages (their total), to tell campaigns from one-off sends; 100 is a fair bar for a campaign.'),
  sort: z
    .enum(ORDER_SORTS, { error: `sort must be one of ${ORDER_SORTS.join(', ')}` })
    .optional()
    .describe(
      'The order of the list: newest (the default: by submission time, newest first), oldest, most_undelivered (most ' +
        'undelivered messages first; on a tie the lower rate, then the newest), lowest_rate (lowest delivery rate first; ' +
        'on a tie the most undelivered, then the newest). Orders with no rate (nothing settled) come last in both. Ties ' +
        'left after that go to the larger order id (the smaller one for oldest).',
    ),
  limit: limitField(50, 500, 'in the order of sort'),
  cursor: cursorField,
});

/** How the text says the order of the list. */
const SORTED_BY: Record<OrderSort, string> = {
  newest: 'newest first',
  oldest: 'oldest first',
  most_undelivered: 'most undelivered first',
  lowest_rate: 'lowest delivery rate first',
};

const orderOutput = z.object({
  ...orderCountersOutput,
  submitAt: z.string().describe('When the API received the order, ISO 8601 with the Istanbul offset.'),
  sendAt: z.string().describe('When the order was handed to the carrier; later than submitAt when scheduled.'),
  sender: z.string(),
});

const outputSchema = z.object({
  range: rangeOutput,
  totalOrders: z.number().int().describe('All orders in the range that match the filters.'),
  belowMinMessages: z.number().int().optional().describe('With minMessages: orders that pass the other filters but have fewer messages.'),
  sort: z.enum(ORDER_SORTS).describe('The order of the list.'),
  span: spanOutput('matching orders (by submission day)'),
  orders: z.array(orderOutput).describe('At most limit orders, in the order sort names; fewer when more would pass the answer size budget.'),
  ...pagingOutput('orders'),
  dropped: droppedOutput,
  senderFilter: orderSenderFilterOutput.optional(),
});

type OrderList = z.infer<typeof outputSchema>;

/** What a listing keeps for its cursors: its figures, with the span as it was when the orders were read. */
type ListMeta = Omit<OrderListMeta, 'coverage'> & { span: Span };

function present(order: Order): z.infer<typeof orderOutput> {
  return {
    ...orderCountersOf(order),
    submitAt: timestampToIso(order.submitAt),
    sendAt: timestampToIso(order.sendAt),
    sender: order.sender,
  };
}

function orderLine(order: z.infer<typeof orderOutput>): string {
  const scheduled = order.sendAt !== order.submitAt ? `, scheduled for ${timestampForText(order.sendAt)}` : '';
  const waiting = order.waiting > 0 ? `, ${formatCount(order.waiting)} waiting` : '';
  return (
    `- #${order.id} ${timestampForText(order.submitAt)} ${order.state} (${order.status}) sender ${JSON.stringify(order.sender)}: ` +
    `${counted(order.total, 'message')}, ${formatCount(order.delivered)} delivered, ${formatCount(order.undelivered)} undelivered` +
    `${waiting}${scheduled}; ${orderRateForText(order)}`
  );
}

function render(list: OrderList): string {
  const { range, belowMinMessages: below } = list;
  const head =
    `Orders submitted ${range.start}..${range.end} (${range.timezone}): ${counted(list.totalOrders, 'order')} match` +
    (list.totalOrders === 1 ? 'es' : '') +
    (below === undefined ? '' : ` (${counted(below, 'smaller order')} left out by minMessages)`) +
    (list.orders.length === 0 ? '.' : `; ${list.orders.length} shown below, ${SORTED_BY[list.sort]}.`);
  const lines = [
    head,
    spanLine(range, list.span, 'matching orders'),
    ...orderSenderLines(list.senderFilter),
    ...droppedLines(list.dropped),
    ...list.orders.map(orderLine),
    ...provisionalRateLines(list.orders),
  ];
  lines.push(...continuationLines(NAME, 'orders', list.nextCursor));
  return lines.join('\n');
}

export const listOrdersTool = defineTool({
  name: NAME,
  group: 'reports',
  title: 'List SMS orders',
  useFor: 'to see individual orders (for example the ones still in progress)',
  deadlineAdvice: NARROWER_RANGE_OR_SENDER_ADVICE,
  description:
    'Lists the SMS orders (campaigns or single sends) submitted in a date range, newest first or sorted, with each ' +
    'order\'s status, delivered/undelivered/waiting counts and delivery rate, optionally only one sender, one status ' +
    'or orders of at least minMessages messages. Use it for "which orders are still going out?" (status in_progress), ' +
    '"which orders failed yesterday?", or "which campaigns did worst last month?" (sort lowest_rate, minMessages 100). ' +
    'It handles the API\'s ' +
    '10-day limit and paging; page through long lists with nextCursor. For totals use summarize_delivery instead: it ' +
    'is cheaper and exact. It has no per-recipient numbers and no message texts. Needs period or start.',
  inputSchema,
  outputSchema,
  annotations: READ_ONLY_ANNOTATIONS,
  createState: (services) => ({ snapshots: new SnapshotStore<Order, ListMeta>(services.snapshotLimits) }),
  async handler(params, context) {
    const { limit, cursor, ...given } = params;
    // A first call keeps its sort in the cursor's query even when it is the default, so a sort
    // given beside the cursor later is checked against the one the listing was made with.
    const query = cursor === undefined ? { ...given, sort: given.sort ?? 'newest' } : given;
    const resumed = await resumeQuery(context.cursors, NAME, cursor, query, (args): DayRange => requireRange(args, context));
    const { sender, minMessages, sort = 'newest' } = resumed.args;
    const status = resumed.args.status ? ORDER_STATUS[resumed.args.status] : undefined;
    const answer = (page: ServedPage<Order, ListMeta>): OrderList => ({
      range: rangeWithTimezone(resumed.resolved),
      totalOrders: page.meta.totalOrders,
      ...(page.meta.belowMinMessages === undefined ? {} : { belowMinMessages: page.meta.belowMinMessages }),
      sort,
      span: page.meta.span,
      orders: page.items.map(present),
      ...paging(page.nextCursor),
      dropped: page.meta.dropped,
      ...orderSenderFilterIfGiven(page.meta.senderFilter),
    });
    const page = await servePage({
      tool: NAME,
      resumed,
      limit,
      keyOf: orderKeyOf(sort),
      cursors: context.cursors,
      snapshots: context.state.snapshots,
      compute: async (after, keep) => {
        const readAt = context.clock();
        const listing = await listOrders(context.api, { range: resumed.resolved, sender, status, minMessages, sort }, after, keep, scanOptionsFor(context));
        const { coverage, ...meta } = listing.meta;
        return { ...listing, meta: { ...meta, span: spanOf(resumed.resolved, coverage, readAt) } };
      },
      fits: fitsBudget(answer, render),
    });
    return answer(page);
  },
  render,
});
