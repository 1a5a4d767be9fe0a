import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../src/api/schemas.js';
import { generateDemoAccount } from '../src/demo/account.js';
import { shiftDays, today } from '../src/reporting/calendar.js';
import { type SimulatedApi, startSimulatedApi } from '../src/simulator/api-server.js';
import { TEST_CREDENTIALS, textOf } from './support/harness.js';
import { failedNumbersOf, newestFirst, ordersBetween, reportRequests, totals } from './support/ground-truth.js';
import { type AccountRouter, startAccountRouter } from './support/account-router.js';
import { accountHeaders, httpClient } from './support/hosted.js';
import { type HttpProcess, spawnHttpServer } from './support/http-process.js';
import { type RedisInstance, startRedis } from './support/redis-server.js';

const OTHER_CREDENTIALS = { key: 'KEY-replica-77aa-leakprobe', hash: 'HASH-replica-31bf-leakprobe' };
const SECRET = 'shared-cursor-secret-0123456789abcdef';
const ids = (data: unknown) => (data as { orders: Array<{ id: number }> }).orders.map((order) => order.id);
const endpointsSince = (fake: SimulatedApi | undefined, before: number) => (fake?.requests ?? []).slice(before).map((request) => request.endpoint);

/** Two server processes behind one Redis, as two replicas behind a load balancer. */
describe('replicas sharing a real redis-server', () => {
  const now = new Date();
  const end = today(() => now);
  const mine = generateDemoAccount({ now });
  const theirs = generateDemoAccount({ now, seed: 7, ordersPerDay: 6 });
  let redis: RedisInstance;
  let fakes: SimulatedApi[];
  let router: AccountRouter;
  let a: HttpProcess;
  let b: HttpProcess;

  beforeAll(async () => {
    redis = await startRedis();
    fakes = await Promise.all([
      startSimulatedApi({ account: mine, credentials: TEST_CREDENTIALS }),
      startSimulatedApi({ account: theirs, credentials: OTHER_CREDENTIALS }),
    ]);
    router = await startAccountRouter(new Map([[TEST_CREDENTIALS.key, fakes[0] as SimulatedApi], [OTHER_CREDENTIALS.key, fakes[1] as SimulatedApi]]));
    const env = { ILETIMERKEZI_BASE_URL: router.baseUrl, ILETIMERKEZI_REDIS_URL: redis.url, ILETIMERKEZI_CURSOR_SECRET: SECRET };
    [a, b] = await Promise.all([spawnHttpServer(env), spawnHttpServer(env)]);
  });

  afterAll(async () => {
    const codes = await Promise.all([a?.stop(), b?.stop()]);
    await router?.close();
    await Promise.all((fakes ?? []).map((fake) => fake.close()));
    await redis?.stop();
    expect(codes).toEqual([0, 0]);
    const logged = [...a.lines, ...b.lines].join('\n');
    for (const secret of [TEST_CREDENTIALS.key, TEST_CREDENTIALS.hash, OTHER_CREDENTIALS.key, OTHER_CREDENTIALS.hash, SECRET]) expect(logged).not.toContain(secret);
  });

  it('continues on replica B a cursor that replica A issued, from A\'s snapshot', async () => {
    const range = { start: shiftDays(end, -60), end };
    const truth = newestFirst(ordersBetween(mine.orders, range.start, range.end)).map((order) => order.id);
    const onA = await httpClient(a.url, accountHeaders(TEST_CREDENTIALS));
    const onB = await httpClient(b.url, accountHeaders(TEST_CREDENTIALS));
    const first = await onA.callTool({ name: 'list_orders', arguments: { ...range, limit: 40 } });
    const before = fakes[0]?.requests.length ?? 0;
    const cursor = (first.structuredContent as { nextCursor: string }).nextCursor;
    const second = await onB.callTool({ name: 'list_orders', arguments: { cursor, limit: 40 } });
    expect(second.isError).toBeFalsy();
    expect([...ids(first.structuredContent), ...ids(second.structuredContent)]).toEqual(truth.slice(0, 80));
    // Only whether the key still stands: the page itself came from A's snapshot.
    expect(endpointsSince(fakes[0], before)).toEqual(['get-balance']);
    await Promise.all([onA.close(), onB.close()]);
  });

  it('serves from B, with no get-reports request, a final window that A cached', async () => {
    const range = { start: shiftDays(end, -120), end: shiftDays(end, -31) };
    const onA = await httpClient(a.url, accountHeaders(TEST_CREDENTIALS));
    const onB = await httpClient(b.url, accountHeaders(TEST_CREDENTIALS));
    const first = await onA.callTool({ name: 'summarize_delivery', arguments: range });
    const before = fakes[0]?.requests.length ?? 0;
    const second = await onB.callTool({ name: 'summarize_delivery', arguments: { ...range, groupBy: 'month' } });
    expect(endpointsSince(fakes[0], before)).toEqual(['get-balance']);
    const truth = totals(ordersBetween(mine.orders, range.start, range.end));
    for (const result of [first, second]) expect(result.structuredContent).toMatchObject({ orders: truth.orders, total: truth.total, undelivered: truth.undelivered });
    // The other account asks about the same days: its own windows, fetched from its own API.
    const otherBefore = fakes[1]?.requests.length ?? 0;
    const onBOther = await httpClient(b.url, accountHeaders(OTHER_CREDENTIALS));
    const other = await onBOther.callTool({ name: 'summarize_delivery', arguments: range });
    expect(other.structuredContent).toMatchObject({ orders: ordersBetween(theirs.orders, range.start, range.end).length });
    expect(fakes[1]?.requests.length ?? 0).toBeGreaterThan(otherBefore);
    await Promise.all([onA.close(), onB.close(), onBOther.close()]);
  });

  it('serves on B the recipients of final orders that A read: B reads only the orders not final yet, and proves the key', async () => {
    const range = { start: shiftDays(end, -29), end };
    const failing = ordersBetween(mine.orders, range.start, range.end).filter((order) => order.undelivered > 0);
    const isFinal = (order: Order) => (order.status === 114 || order.status === 115) && order.waiting === 0 && order.submitAt.slice(0, 10) < end;
    const notFinal = failing.filter((order) => !isFinal(order));
    expect(notFinal.length).toBeGreaterThan(0);
    const walks = (orders: Order[]) => new Map(orders.map((order) => [order.id, reportRequests(order.total)]));
    const readsSince = (before: number) => {
      const counts = new Map<number, number>();
      for (const request of fakes[0]?.requests.slice(before) ?? []) {
        if (request.endpoint === 'get-report') counts.set(request.order ?? 0, (counts.get(request.order ?? 0) ?? 0) + 1);
      }
      return counts;
    };
    const onA = await httpClient(a.url, accountHeaders(TEST_CREDENTIALS));
    const onB = await httpClient(b.url, accountHeaders(TEST_CREDENTIALS));
    let before = fakes[0]?.requests.length ?? 0;
    const first = await onA.callTool({ name: 'list_failed_numbers', arguments: { ...range, limit: 500 } });
    expect(readsSince(before)).toEqual(walks(failing));
    before = fakes[0]?.requests.length ?? 0;
    const second = await onB.callTool({ name: 'list_failed_numbers', arguments: { ...range, limit: 500 } });
    expect(readsSince(before)).toEqual(walks(notFinal));
    const truth = failedNumbersOf(failing, (order) => mine.recipients?.(order) ?? []);
    for (const result of [first, second]) expect(result.structuredContent).toMatchObject({ failedMessages: totals(failing).undelivered, items: truth.slice(0, 500) });

    // A final order answered wholly from A's reading: only the proof that the key still stands.
    const order = failing.filter(isFinal).sort((x, y) => y.total - x.total)[0] as Order;
    before = fakes[0]?.requests.length ?? 0;
    const listed = await onB.callTool({ name: 'list_recipients', arguments: { orderId: order.id } });
    expect(endpointsSince(fakes[0], before)).toEqual(['get-balance']);
    expect(listed.structuredContent).toMatchObject({ matched: order.total, consistent: true, recipientCounts: { undelivered: order.undelivered } });
    await Promise.all([onA.close(), onB.close()]);
  });

  it('refuses to let account Y continue account X\'s cursor on another replica', async () => {
    const onA = await httpClient(a.url, accountHeaders(TEST_CREDENTIALS));
    const onB = await httpClient(b.url, accountHeaders(OTHER_CREDENTIALS));
    const listed = await onA.callTool({ name: 'list_orders', arguments: { period: 'last_30_days', limit: 5 } });
    const cursor = (listed.structuredContent as { nextCursor: string }).nextCursor;
    const stolen = await onB.callTool({ name: 'list_orders', arguments: { cursor } });
    expect(stolen.isError).toBe(true);
    expect(textOf(stolen)).toContain('belongs to another account');
    await Promise.all([onA.close(), onB.close()]);
  });

  it('names every key by the account\'s HMAC, never by its credentials', async () => {
    const inspect = new Redis(redis.url);
    const keys = await inspect.keys('*');
    inspect.disconnect();
    expect(keys.length).toBeGreaterThan(5);
    const accounts = new Set<string>();
    const kinds = new Set<string>();
    for (const key of keys) {
      const match = /^iletimerkezi-mcp:\{(snapshots|windows|recipients|key-checks)\}:(?:([0-9a-f]{64}):(?:(?:snapshot|cursor|window):.+|order:\d+|key-check)|~(?:index|sizes|bytes|owners|held|loads|account:[0-9a-f]{64}))$/.exec(key);
      expect(match, key).not.toBeNull();
      if (match?.[1]) kinds.add(match[1]);
      if (match?.[2]) accounts.add(match[2]);
      for (const secret of [TEST_CREDENTIALS.key, TEST_CREDENTIALS.hash, OTHER_CREDENTIALS.key, OTHER_CREDENTIALS.hash]) expect(key).not.toContain(secret);
    }
    expect(accounts.size).toBe(2);
    // The key checks of both accounts went to Redis too, beside the cursors, windows and recipients.
    expect([...kinds].sort()).toEqual(['key-checks', 'recipients', 'snapshots', 'windows']);
  });

  it('keeps answering exactly when Redis goes away, and says so once in the log', async () => {
    // This outage's lines only: on a loaded machine an earlier slow reply may have made one of its own.
    const before = a.lines.length;
    await redis.stop();
    const onA = await httpClient(a.url, accountHeaders(TEST_CREDENTIALS));
    const range = { start: shiftDays(end, -150), end: shiftDays(end, -40) };
    const truth = totals(ordersBetween(mine.orders, range.start, range.end));
    for (let round = 0; round < 3; round += 1) {
      const result = await onA.callTool({ name: 'summarize_delivery', arguments: range });
      expect(result.structuredContent).toMatchObject({ orders: truth.orders, total: truth.total, undelivered: truth.undelivered });
    }
    const listed = await onA.callTool({ name: 'list_orders', arguments: { ...range, limit: 10 } });
    const next = await onA.callTool({ name: 'list_orders', arguments: { cursor: (listed.structuredContent as { nextCursor: string }).nextCursor, limit: 10 } });
    expect(ids(next.structuredContent)).toEqual(newestFirst(ordersBetween(mine.orders, range.start, range.end)).slice(10, 20).map((o) => o.id));
    await onA.close();
    expect(a.lines.slice(before).filter((line) => line.includes('"event":"redis-unavailable"'))).toHaveLength(1);
  });
});
