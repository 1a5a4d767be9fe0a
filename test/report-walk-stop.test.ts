import { afterEach, describe, expect, it } from 'vitest';
import type { Order } from '../src/api/schemas.js';
import type { SimulatedAccount, SimulatedRequest, SimulatorOptions, WireRecipient } from '../src/simulator/api-server.js';
import { failedNumbersOf, reportRequests } from './support/ground-truth.js';
import { type Connected, connect, textOf } from './support/harness.js';
import { success } from './support/scripted.js';

/**
 * A get-report walk stops before the empty page only when two signals agree: the page is shorter
 * than the 1000 rows asked for, and the recipients read so far reach the order's total. Whatever
 * else the API does (no counters, counters too high or too low, full pages, pages it cuts short
 * of the rows asked for), the walk goes on to the empty page and loses no recipient.
 */

let session: Connected | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

const AT = '2026-04-20 10:00:00';
const DAY = { start: '2026-04-20', end: '2026-04-20' };

/** Every seventh recipient undelivered; numbers as get-report writes them. */
function recipientsFor(total: number): WireRecipient[] {
  return Array.from({ length: total }, (_, index) => ({ number: `+90532${String(index).padStart(7, '0')}`, status: index % 7 === 3 ? 112 : 111 }));
}

function orderOf(id: number, total: number): Order {
  const undelivered = recipientsFor(total).filter((recipient) => recipient.status === 112).length;
  return { id, status: 114, total, delivered: total - undelivered, undelivered, waiting: 0, submitAt: AT, sendAt: AT, sender: 'ACME' };
}

const ORDERS = { three: orderOf(603, 3), twoHundred: orderOf(604, 200), quarterThousand: orderOf(602, 250), twoThousand: orderOf(601, 2000), twoAndAHalfThousand: orderOf(605, 2500) };
const ACCOUNT: SimulatedAccount = { orders: Object.values(ORDERS), inbox: [], recipients: (order) => recipientsFor(order.total) };

/** get-report for `order` as the script writes it: `header` beside its messages, in pages of 1000. */
function reportOf(order: Order, header: object, rows: readonly WireRecipient[] = recipientsFor(order.total)) {
  return (request: SimulatedRequest) => {
    if (request.endpoint !== 'get-report' || request.order !== order.id) return undefined;
    const page = request.page ?? 1;
    return success({ order: { ...header, message: rows.slice((page - 1) * 1000, page * 1000) } });
  };
}

async function call(tool: string, args: Record<string, unknown>, fake: Partial<SimulatorOptions> = {}) {
  session = await connect({ fake: { account: ACCOUNT, ...fake } });
  const result = await session.mcp.callTool({ name: tool, arguments: args });
  expect(result.isError, textOf(result)).toBeFalsy();
  const pages = (orderId: number) => session?.api.requests.filter((request) => request.endpoint === 'get-report' && request.order === orderId).map((request) => request.page);
  return { data: result.structuredContent as Record<string, unknown>, pages };
}

/** What list_recipients must show of an order read whole: every recipient counted, as the data holds them. */
function expectWhole(data: Record<string, unknown>, order: Order, consistent = true): void {
  expect(data).toMatchObject({
    recipientCounts: { delivered: order.delivered, undelivered: order.undelivered, waiting: 0, other: 0 },
    matched: order.total,
    consistent,
  });
}

describe('a get-report walk', () => {
  it('ends on a short page that brings the recipients to the total: an order of 3 in one request, one of 2,500 in three', async () => {
    for (const order of [ORDERS.three, ORDERS.twoAndAHalfThousand]) {
      const { data, pages } = await call('list_recipients', { orderId: order.id });
      expectWhole(data, order);
      expect(pages(order.id)).toEqual(order === ORDERS.three ? [1] : [1, 2, 3]);
      await session?.close();
    }
  });

  it('goes on past full pages to the empty one: an order of exactly 2,000 takes pages 1, 2 and the empty 3', async () => {
    const order = ORDERS.twoThousand;
    const { data, pages } = await call('list_recipients', { orderId: order.id });
    expectWhole(data, order);
    expect(pages(order.id)).toEqual([1, 2, 3]);
  });

  it('goes on past pages the API cuts short of the rows asked for, until they reach the total', async () => {
    // A server with pages of its own of 100: every page is short, so only the total tells the end.
    for (const [order, walked] of [[ORDERS.quarterThousand, [1, 2, 3]], [ORDERS.twoHundred, [1, 2]]] as const) {
      const { data, pages } = await call('list_recipients', { orderId: order.id }, { rowPageSize: 100 });
      expectWhole(data, order);
      expect(pages(order.id)).toEqual(walked);
      await session?.close();
    }
  });

  it('goes on to the empty page when get-report gives no counters and the caller knows no total', async () => {
    const order = ORDERS.three;
    const { data, pages } = await call('list_recipients', { orderId: order.id }, { legacyReport: true });
    expectWhole(data, order);
    expect(pages(order.id)).toEqual([1, 2]);
  });

  it('stops on the total get-reports gave when get-report gives none: list_failed_numbers finds every failure', async () => {
    const { data, pages } = await call('list_failed_numbers', { ...DAY, limit: 500 }, { legacyReport: true });
    const orders = Object.values(ORDERS);
    expect(data).toMatchObject({
      failedMessages: orders.reduce((sum, order) => sum + order.undelivered, 0),
      numbers: failedNumbersOf(orders, (order) => recipientsFor(order.total)).length,
      mismatchedOrders: { count: 0, orders: [] },
      complete: true,
    });
    // Orders with no failure are not read at all.
    for (const order of orders) expect(pages(order.id)).toHaveLength(order.undelivered > 0 ? reportRequests(order.total) : 0);
  });

  it('goes on to the empty page when the order\'s total is too high, and reads every recipient', async () => {
    const order = ORDERS.quarterThousand;
    const { data, pages } = await call('list_recipients', { orderId: order.id }, { script: reportOf(order, { ...order, total: order.total + 1 }) });
    expectWhole(data, order, false);
    expect(pages(order.id)).toEqual([1, 2]);
  });

  it('goes on to the empty page when the total get-reports gave is too high for what get-report serves', async () => {
    // get-report without counters, one failed recipient short of the order get-reports lists.
    const order = ORDERS.quarterThousand;
    const rows = recipientsFor(order.total);
    const served = rows.filter((_, index) => index !== rows.findIndex((recipient) => recipient.status === 112));
    const { data, pages } = await call('list_failed_numbers', { ...DAY, limit: 500 }, { script: reportOf(order, { id: order.id, status: order.status }, served) });
    expect(pages(order.id)).toEqual([1, 2]);
    expect(data.mismatchedOrders).toEqual({ count: 1, orders: [{ orderId: order.id, expected: order.undelivered, found: order.undelivered - 1 }] });
  });

  it('goes on to the empty page when the order\'s total is too low, and reads every recipient', async () => {
    const order = ORDERS.quarterThousand;
    const { data, pages } = await call('list_recipients', { orderId: order.id }, { script: reportOf(order, { ...order, total: order.total - 1 }) });
    expectWhole(data, order, false);
    expect(pages(order.id)).toEqual([1, 2]);
  });
});
