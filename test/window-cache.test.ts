import { afterEach, describe, expect, it } from 'vitest';
import type { Order } from '../src/api/schemas.js';
import { splitIntoWindows } from '../src/reporting/date-range.js';
import { scanOrders } from '../src/reporting/order-scan.js';
import { committedInto, ignoreOrders } from './support/sinks.js';
import { FinalWindowCache, isFinal } from '../src/reporting/window-cache.js';
import { type Connected, FIXTURE_ACCOUNT, connect, makeClient, startFake } from './support/harness.js';
import { ordersBetween, totals } from './support/ground-truth.js';

let session: Connected | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

/** The fixture's today is 2026-04-22, so windows ending on 2026-04-19 or earlier can be final. */
const TODAY = '2026-04-22';
const order = (fields: Partial<Order>): Order => ({
  id: 1,
  status: 114,
  total: 10,
  delivered: 9,
  undelivered: 1,
  waiting: 0,
  submitAt: '2026-04-01 10:00:00',
  sendAt: '2026-04-01 10:00:00',
  sender: 'ACME',
  ...fields,
});

async function summarize(args: Record<string, unknown>) {
  session ??= await connect();
  const before = session.api.requests.length;
  const result = await session.mcp.callTool({ name: 'summarize_delivery', arguments: args });
  return { data: result.structuredContent, requests: session.api.requests.slice(before) };
}

describe('final windows', () => {
  it('answer a repeated question about old days with no request and the same figures', async () => {
    const range = { start: '2026-02-01', end: '2026-03-31' };
    const first = await summarize(range);
    const second = await summarize({ ...range, groupBy: 'sender' });
    expect(first.requests.length).toBeGreaterThan(splitIntoWindows(range).length);
    expect(second.requests).toHaveLength(0);
    const truth = totals(ordersBetween(FIXTURE_ACCOUNT.orders, range.start, range.end));
    expect(second.data).toMatchObject({ orders: truth.orders, total: truth.total, undelivered: truth.undelivered });
    const { groups: _groups, senderRates: _senderRates, ...withoutGroups } = second.data as Record<string, unknown>;
    expect(withoutGroups).toEqual(first.data);
  });

  it('refetch the windows that end within the last two days', async () => {
    const range = { start: '2026-04-01', end: TODAY };
    await summarize(range);
    const second = await summarize(range);
    const refetched = new Set(second.requests.map((request) => `${request.start}..${request.end}`));
    expect([...refetched].sort()).toEqual(['2026-04-11..2026-04-20', '2026-04-21..2026-04-22']);
  });

  it('serve list_orders too, after a summary of the same range', async () => {
    const range = { start: '2026-01-01', end: '2026-03-31' };
    await summarize(range);
    const before = session?.api.requests.length;
    const list = await session?.mcp.callTool({ name: 'list_orders', arguments: { ...range, status: 'failed' } });
    expect(session?.api.requests.length).toBe(before);
    const failed = ordersBetween(FIXTURE_ACCOUNT.orders, range.start, range.end).filter((o) => o.status === 115);
    expect((list?.structuredContent as { totalOrders: number }).totalOrders).toBe(failed.length);
  });

  it('are final only when old enough and nothing in them is waiting or in progress', () => {
    const old = { start: '2026-04-01', end: '2026-04-10' };
    expect(isFinal(old, [order({})], TODAY)).toBe(true);
    expect(isFinal({ start: '2026-04-11', end: '2026-04-19' }, [order({})], TODAY)).toBe(true);
    expect(isFinal({ start: '2026-04-11', end: '2026-04-20' }, [order({})], TODAY)).toBe(false);
    expect(isFinal(old, [order({}), order({ id: 2, waiting: 1, delivered: 8 })], TODAY)).toBe(false);
    expect(isFinal(old, [order({ status: 113 })], TODAY)).toBe(false);
  });

  it('are held within their bounds: bytes in all, orders a window, and age', async () => {
    let now = 0;
    const two = [order({ id: 1 }), order({ id: 2 })];
    const one = [order({ id: 3 })];
    // Sizes are JSON lengths: room for the first two windows below and nothing more.
    const maxBytes = JSON.stringify(two).length + JSON.stringify(one).length;
    const cache = new FinalWindowCache({ maxOrders: 3, maxOrdersPerWindow: 2, ttlMs: 1_000, now: () => now, maxBytes });
    const windows = [
      { start: '2026-03-01', end: '2026-03-10' },
      { start: '2026-03-11', end: '2026-03-20' },
      { start: '2026-03-21', end: '2026-03-30' },
    ] as const;
    await cache.offer(windows[0], two, TODAY);
    await cache.offer(windows[1], one, TODAY);
    expect(await cache.get(windows[0])).toEqual(two);
    await cache.offer(windows[2], [order({ id: 4 }), order({ id: 5 }), order({ id: 6 })], TODAY);
    expect(await cache.get(windows[2])).toBeUndefined();
    await cache.offer(windows[2], [order({ id: 4 }), order({ id: 5 })], TODAY);
    expect(await cache.get(windows[0])).toBeUndefined();
    expect(await cache.get(windows[1])).toHaveLength(1);
    expect(await cache.get(windows[2])).toHaveLength(2);
    now = 1_000;
    expect(await cache.get(windows[1])).toBeUndefined();
  });

  it('are gathered within one budget shared by the windows of a scan', async () => {
    const fake = await startFake();
    const client = makeClient(fake);
    const range = { start: '2026-01-01', end: '2026-03-31' };
    const windows = splitIntoWindows(range);
    const sizes = windows.map((window) => ordersBetween(FIXTURE_ACCOUNT.orders, window.start, window.end).length);
    const budget = Math.max(...sizes) * 2;
    const cache = new FinalWindowCache({ maxOrders: budget, maxOrdersPerWindow: budget, ttlMs: 60_000, now: () => 0, maxBytes: 64 * 1024 * 1024 });
    const finalWindows = { cache, today: TODAY };
    await scanOrders(client, range, ignoreOrders, { finalWindows });
    const held = await Promise.all(windows.map((window) => cache.get(window)));
    const cached = windows.filter((_window, index) => held[index] !== undefined);
    expect(cached.length).toBeGreaterThanOrEqual(1);
    expect(held.reduce((sum, orders) => sum + (orders?.length ?? 0), 0)).toBeLessThanOrEqual(budget);

    const before = fake.requests.length;
    const read: Order[] = [];
    const stats = await scanOrders(client, range, committedInto(read), { finalWindows });
    const counted = read.length;
    await client.close();
    await fake.close();
    expect(counted).toBe(ordersBetween(FIXTURE_ACCOUNT.orders, range.start, range.end).length);
    expect(stats.cachedWindows).toBe(cached.length);
    const refetched = new Set(fake.requests.slice(before).map((request) => request.start));
    expect([...refetched].sort()).toEqual(windows.filter((window) => !cached.includes(window)).map((window) => window.start));
  });
});
