import * as z from 'zod';
import type { Order } from '../api/client.js';
import { ORDER_STATE_NAMES, ORDER_STATUS, orderStateOf } from '../api/order-status.js';
import { timestampToIso } from '../reporting/calendar.js';
import { type DayRange, requireRange } from '../reporting/date-range.js';
import { type OrderListMeta, listOrders, orderKey } from '../reporting/order-listing.js';
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
  orderCountersOutput,
  paging,
  pagingOutput,
  rangeFields,
  rangeOutput,
  rangeWithTimezone,
  senderField,
  strictInput,
  timestampForText,
} from './fields.js';
import { spanLine, spanOutput } from './span-fields.js';
import { defineTool, scanOptionsFor } from './tool.js';

const NAME = 'list_orders';

const inputSchema = strictInput({
  ...rangeFields,
  sender: senderField.optional().describe('Only orders sent with this sender ID (exact, case-insensitive).'),
  status: z
    .enum(ORDER_STATE_NAMES, { error: `status must be one of ${ORDER_STATE_NAMES.join(', ')}` })
    .optional()
    .describe(
      `Only orders in this state: in_progress (${ORDER_STATUS.in_progress}, still going out), ` +
        `completed (${ORDER_STATUS.completed}), failed (${ORDER_STATUS.failed}).`,
    ),
  limit: limitField(50, 500),
  cursor: cursorField,
});

const orderOutput = z.object({
  ...orderCountersOutput,
  submitAt: z.string().describe('When the API received the order, ISO 8601 with the Istanbul offset.'),
  sendAt: z.string().describe('When the order was handed to the carrier; later than submitAt when scheduled.'),
  sender: z.string(),
});

const outputSchema = z.object({
  range: rangeOutput,
  totalOrders: z.number().int().describe('All orders in the range that match the filters.'),
  span: spanOutput('matching orders (by submission day)'),
  orders: z.array(orderOutput).describe('At most limit orders, newest first; fewer when more would pass the answer size budget.'),
  ...pagingOutput('orders'),
  dropped: droppedOutput,
});

type OrderList = z.infer<typeof outputSchema>;

/** What a listing keeps for its cursors: its figures, with the span as it was when the orders were read. */
type ListMeta = Omit<OrderListMeta, 'coverage'> & { span: Span };

function present(order: Order): z.infer<typeof orderOutput> {
  return {
    id: order.id,
    status: order.status,
    state: orderStateOf(order.status),
    total: order.total,
    delivered: order.delivered,
    undelivered: order.undelivered,
    waiting: order.waiting,
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
    `${formatCount(order.total)} messages, ${formatCount(order.delivered)} delivered, ${formatCount(order.undelivered)} undelivered` +
    `${waiting}${scheduled}`
  );
}

function render(list: OrderList): string {
  const { range } = list;
  const head =
    `Orders submitted ${range.start}..${range.end} (${range.timezone}): ${counted(list.totalOrders, 'order')} match` +
    (list.totalOrders === 1 ? 'es' : '') +
    (list.orders.length === 0 ? '.' : `; ${list.orders.length} shown below, newest first.`);
  const lines = [head, spanLine(range, list.span, 'matching orders'), ...droppedLines(list.dropped), ...list.orders.map(orderLine)];
  lines.push(...continuationLines(NAME, 'orders', list.nextCursor));
  return lines.join('\n');
}

export const listOrdersTool = defineTool({
  name: NAME,
  title: 'List SMS orders',
  useFor: 'to see individual orders (for example the ones still in progress)',
  description:
    'Lists the SMS orders (campaigns or single sends) submitted in a date range, newest first, with each order\'s ' +
    'status and delivered/undelivered/waiting counts, optionally only one sender or one status. Use it for "which ' +
    'orders are still going out?" (status in_progress) or "which orders failed yesterday?". It handles the API\'s ' +
    '10-day limit and paging; page through long lists with nextCursor. For totals use summarize_delivery instead: it ' +
    'is cheaper and exact. It has no per-recipient numbers and no message texts. Needs period or start.',
  inputSchema,
  outputSchema,
  annotations: READ_ONLY_ANNOTATIONS,
  createState: (services) => ({ snapshots: new SnapshotStore<Order, ListMeta>(services.snapshotLimits) }),
  async handler(params, context) {
    const { limit, cursor, ...query } = params;
    const resumed = await resumeQuery(context.cursors, NAME, cursor, query, (args): DayRange => requireRange(args, context));
    const status = resumed.args.status ? ORDER_STATUS[resumed.args.status] : undefined;
    const answer = (page: ServedPage<Order, ListMeta>): OrderList => ({
      range: rangeWithTimezone(resumed.resolved),
      totalOrders: page.meta.totalOrders,
      span: page.meta.span,
      orders: page.items.map(present),
      ...paging(page.nextCursor),
      dropped: page.meta.dropped,
    });
    const page = await servePage({
      tool: NAME,
      resumed,
      limit,
      keyOf: orderKey,
      cursors: context.cursors,
      snapshots: context.state.snapshots,
      compute: async (after, keep) => {
        const readAt = context.clock();
        const listing = await listOrders(context.api, { range: resumed.resolved, sender: resumed.args.sender, status }, after, keep, scanOptionsFor(context));
        const { coverage, ...meta } = listing.meta;
        return { ...listing, meta: { ...meta, span: spanOf(resumed.resolved, coverage, readAt) } };
      },
      fits: fitsBudget(answer, render),
    });
    return answer(page);
  },
  render,
});
