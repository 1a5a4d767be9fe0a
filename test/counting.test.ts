import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { IletimerkeziApi, Order } from '../src/api/client.js';
import { splitIntoWindows } from '../src/reporting/date-range.js';
import { summarizeDelivery } from '../src/reporting/delivery-summary.js';
import { ordersBetween, totals } from './support/ground-truth.js';
import { type Connected, FIXTURE_ACCOUNT, connect, textOf } from './support/harness.js';
import { expectedSummary } from './support/reliability.js';
import { memoryApi } from './support/memory-api.js';
import { pagedReports } from './support/scripted.js';

/** Two windows: 04-01..04-10 and 04-11..04-20. */
const RANGE = { start: '2026-04-01', end: '2026-04-20' };
const inRange = (window: { start: string; end: string }) => ordersBetween(FIXTURE_ACCOUNT.orders, window.start, window.end);

let session: Connected | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

async function summarize(ordersFor: (window: { start: string; end: string }) => Order[], args: object = RANGE) {
  session = await connect({ fake: { script: pagedReports(ordersFor) } });
  const result = await session.mcp.callTool({ name: 'summarize_delivery', arguments: { ...args } });
  return { result, text: textOf(result), data: result.structuredContent as Record<string, unknown> };
}

describe('every order counts exactly once per call, and only orders of the range', () => {
  it('counts an order that two windows both return once, and says so', async () => {
    const [first, second] = splitIntoWindows(RANGE) as [typeof RANGE, typeof RANGE];
    const boundary = { first: inRange(first).at(-1) as Order, second: inRange(second)[0] as Order };
    // Each window also returns the neighbouring window's boundary order, as a time-zone skew would.
    const { data, text } = await summarize((window) =>
      window.start === first.start ? [...inRange(first), boundary.second] : [boundary.first, ...inRange(second)],
    );
    expect(data).toEqual({ ...expectedSummary(FIXTURE_ACCOUNT.orders, RANGE.start, RANGE.end), dropped: { duplicates: 2, outOfRange: 0 } });
    expect(text).toContain('Left out: 2 orders the API served more than once (counted once).');
  });

  it('leaves out an order submitted outside the range that a window returns anyway', async () => {
    const august = { ...(FIXTURE_ACCOUNT.orders[0] as Order), id: 1, submitAt: '2026-03-25 10:00:00', sendAt: '2026-03-25 10:00:00' };
    const { data, text } = await summarize((window) => (window.start === RANGE.start ? [august, ...inRange(window)] : inRange(window)));
    expect(data).toEqual({ ...expectedSummary(FIXTURE_ACCOUNT.orders, RANGE.start, RANGE.end), dropped: { duplicates: 0, outOfRange: 1 } });
    expect(text).toContain('Left out: 1 order submitted outside the range (not counted).');
  });

  it('stays exact when the API ignores the date filter and every window returns the whole account', async () => {
    const all = FIXTURE_ACCOUNT.orders;
    const { data } = await summarize(() => all);
    const windows = splitIntoWindows(RANGE).length;
    const outside = all.length - inRange(RANGE).length;
    expect(data).toEqual({
      ...expectedSummary(all, RANGE.start, RANGE.end),
      dropped: { duplicates: all.length * (windows - 1), outOfRange: outside },
    });
  });

  it('lists and counts only the orders of the range, each once', async () => {
    const [first, second] = splitIntoWindows(RANGE) as [typeof RANGE, typeof RANGE];
    const stray = { ...(FIXTURE_ACCOUNT.orders[0] as Order), id: 2, submitAt: '2026-05-02 10:00:00', sendAt: '2026-05-02 10:00:00' };
    session = await connect({
      fake: { script: pagedReports((window) => (window.start === first.start ? [...inRange(first), ...inRange(second).slice(0, 3)] : [stray, ...inRange(second)])) },
    });
    const result = await session.mcp.callTool({ name: 'list_orders', arguments: { ...RANGE, limit: 500 } });
    const data = result.structuredContent as { totalOrders: number; orders: Array<{ id: number }>; dropped: unknown };
    const expected = inRange(RANGE);
    expect(data.totalOrders).toBe(expected.length);
    expect(data.orders.map((order) => order.id).sort((a, b) => a - b)).toEqual(expected.map((order) => order.id).sort((a, b) => a - b));
    expect(data.dropped).toEqual({ duplicates: 3, outOfRange: 1 });
  });

  it('is provisional while an order is in progress, even with nothing waiting', async () => {
    const template = FIXTURE_ACCOUNT.orders[0] as Order;
    const running = { ...template, id: 7, status: 113, total: 10, delivered: 4, undelivered: 6, waiting: 0, submitAt: '2026-04-02 09:00:00', sendAt: '2026-04-02 09:00:00' };
    const { data, text } = await summarize((window) => (window.start === RANGE.start ? [running] : []));
    expect(data).toMatchObject({ orders: 1, waiting: 0, provisional: true, statusCounts: { in_progress: 1, completed: 0, failed: 0, other: 0 } });
    expect(text).toContain('PROVISIONAL: 1 order is still in progress, so these figures may change');
  });
});

/** A get-reports in memory that serves each window's pages as `plan` says. */
function plannedApi(plan: Map<string, Order[][]>): IletimerkeziApi {
  return memoryApi({
    readOrdersPage(window, page, open) {
      const sink = open();
      for (const order of plan.get(`${window.start}|${window.end}`)?.[page - 1] ?? []) sink.add(order);
      sink.commit();
      return Promise.resolve(sink);
    },
  });
}

describe('counting, as a property', () => {
  it('counts each distinct order of the range once, whatever is repeated across windows and pages', async () => {
    const range = { start: '2026-03-01', end: '2026-04-20' };
    const windows = splitIntoWindows(range);
    const pool = ordersBetween(FIXTURE_ACCOUNT.orders, '2026-02-20', '2026-04-30');
    const extra = fc.array(fc.nat({ max: pool.length - 1 }), { maxLength: 4 });
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 40 }), extra), { minLength: 1, maxLength: 40 }),
        async (shape) => {
          // Each window's own orders in chunks, every chunk with strays mixed in: orders of other
          // windows or from outside the range, and repeats of this window's earlier pages. A stray
          // is never one of this window's later orders, so every page brings something new and
          // none looks like the API repeating itself.
          let step = 0;
          const plan = new Map<string, Order[][]>();
          for (const window of windows) {
            const own = ordersBetween(pool, window.start, window.end);
            const pages: Order[][] = [];
            for (let at = 0; at < own.length; ) {
              const [size, strays] = shape[step % shape.length] as [number, number[]];
              step += 1;
              const later = new Set(own.slice(at).map((order) => order.id));
              const mixed = strays.map((index) => pool[index] as Order).filter((order) => !later.has(order.id));
              pages.push([...mixed, ...own.slice(at, at + size)]);
              at += size;
            }
            plan.set(`${window.start}|${window.end}`, pages);
          }
          const summary = await summarizeDelivery(plannedApi(plan), { range }, {});
          const truth = totals(ordersBetween(pool, range.start, range.end));
          expect({ orders: summary.orders, total: summary.total, delivered: summary.delivered, undelivered: summary.undelivered }).toEqual({
            orders: truth.orders,
            total: truth.total,
            delivered: truth.delivered,
            undelivered: truth.undelivered,
          });
        },
      ),
      { numRuns: 60 },
    );
  });
});
