import { afterEach, describe, expect, it } from 'vitest';
import type { Order } from '../src/api/schemas.js';
import { FinalRecipientCache } from '../src/reporting/recipient-cache.js';
import { readOrderRecipients } from '../src/reporting/recipients.js';
import { type SharedStore, sizeOf } from '../src/state/store.js';
import { failedNumbersOf, ordersBetween, reportRequests, totals } from './support/ground-truth.js';
import { type Connected, FIXTURE_ACCOUNT, connect, fakeAndClientPerTest } from './support/harness.js';

/**
 * A final order's recipients never change: once read, they are served from the account's cache,
 * and a follow-up question reads only the orders that were not final. Final is 114 or 115 with
 * nothing waiting, submitted before today in Istanbul (the fixtures' today is 2026-04-22).
 */

let session: Connected | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

const TODAY = '2026-04-22';
const LAST_30_DAYS = { start: '2026-03-24', end: TODAY };
const recipientsOf = (order: Order) => FIXTURE_ACCOUNT.recipients?.(order) ?? [];
const isFinal = (order: Order) => (order.status === 114 || order.status === 115) && order.waiting === 0 && order.submitAt.slice(0, 10) < TODAY;

/** get-report requests by order id, of the requests made since `since`. */
function reportRequestsSince(since: number): Map<number, number> {
  const counts = new Map<number, number>();
  for (const request of session?.api.requests.slice(since) ?? []) {
    if (request.endpoint === 'get-report') counts.set(request.order ?? 0, (counts.get(request.order ?? 0) ?? 0) + 1);
  }
  return counts;
}

/** What reading these orders whole takes, by order id: the truth the request counts are held to. */
const walksOf = (orders: readonly Order[]) => new Map(orders.map((order) => [order.id, reportRequests(order.total)]));

async function call(name: string, args: Record<string, unknown>) {
  session ??= await connect();
  const since = session.api.requests.length;
  const result = await session.mcp.callTool({ name, arguments: args });
  return { data: result.structuredContent as Record<string, unknown>, reads: reportRequestsSince(since) };
}

describe('the recipients of final orders', () => {
  const failing = ordersBetween(FIXTURE_ACCOUNT.orders, LAST_30_DAYS.start, LAST_30_DAYS.end).filter((order) => order.undelivered > 0);
  const notFinal = failing.filter((order) => !isFinal(order));

  it('are read once: a second list_failed_numbers over the same range reads only the orders that were not final', async () => {
    expect(notFinal.length).toBeGreaterThan(0);
    expect(notFinal.length).toBeLessThan(failing.length / 4);
    const first = await call('list_failed_numbers', { ...LAST_30_DAYS, limit: 500 });
    expect(first.reads).toEqual(walksOf(failing));
    const second = await call('list_failed_numbers', { ...LAST_30_DAYS, limit: 500 });
    expect(second.reads).toEqual(walksOf(notFinal));
    // The same answer, which is the data's.
    const truth = failedNumbersOf(ordersBetween(FIXTURE_ACCOUNT.orders, LAST_30_DAYS.start, LAST_30_DAYS.end), recipientsOf);
    for (const { data } of [first, second]) {
      expect(data).toMatchObject({ failedMessages: totals(failing).undelivered, numbers: truth.length, complete: true, items: truth.slice(0, 500) });
    }
    expect({ ...second.data, nextCursor: undefined }).toEqual({ ...first.data, nextCursor: undefined });
  });

  it('serve every tool of the account: list_recipients of a final order list_failed_numbers read costs no request', async () => {
    await call('list_failed_numbers', LAST_30_DAYS);
    const order = [...failing].filter(isFinal).sort((a, b) => b.total - a.total)[0] as Order;
    expect(order.total).toBeGreaterThan(1000);
    const { data, reads } = await call('list_recipients', { orderId: order.id, status: 'undelivered', limit: 1000 });
    expect(reads.size).toBe(0);
    const served = recipientsOf(order);
    expect(data).toMatchObject({
      order: { id: order.id, status: order.status, total: order.total, undelivered: order.undelivered, submitAt: `${order.submitAt.replace(' ', 'T')}+03:00` },
      recipientCounts: { delivered: order.delivered, undelivered: order.undelivered, waiting: 0, other: 0 },
      consistent: true,
      matched: order.undelivered,
    });
    expect((data.recipients as Array<{ status: number }>).length).toBe(served.filter((recipient) => recipient.status === 112).length);
  });

  it('of an order still going out, or submitted today though settled, are read again on every call', async () => {
    const going = notFinal.find((order) => order.status === 113) as Order;
    const settledToday = FIXTURE_ACCOUNT.orders.find((order) => order.submitAt.startsWith(TODAY) && order.status === 114 && order.waiting === 0) as Order;
    const final = FIXTURE_ACCOUNT.orders.find((order) => order.submitAt.startsWith('2026-04-21') && isFinal(order)) as Order;
    for (const order of [going, settledToday, final]) {
      for (let round = 0; round < 2; round += 1) {
        const { reads } = await call('list_recipients', { orderId: order.id });
        expect(reads).toEqual(round === 1 && order === final ? new Map() : walksOf([order]));
      }
    }
  });
});

describe('the recipient cache', () => {
  const open = fakeAndClientPerTest();
  const finalOrders = FIXTURE_ACCOUNT.orders.filter((order) => isFinal(order) && order.total > 100).slice(0, 3);

  /** Reads an order through `cache`, and says how many get-report requests it took. */
  async function read(opened: Awaited<ReturnType<typeof open>>, cache: FinalRecipientCache, order: Order): Promise<number> {
    const since = opened.fake.requests.length;
    await readOrderRecipients(opened.client, order.id, () => {}, { known: order, finalRecipients: { cache, today: TODAY } });
    return opened.fake.requests.slice(since).filter((request) => request.endpoint === 'get-report').length;
  }

  /** The bytes each order takes in the cache, as the store counts them, in the order offered. */
  async function entrySizes(opened: Awaited<ReturnType<typeof open>>, orders: readonly Order[]): Promise<number[]> {
    const sizes: number[] = [];
    const measuring: SharedStore = {
      get: () => Promise.resolve(undefined),
      set: (_key, value) => {
        sizes.push(sizeOf(value));
        return Promise.resolve(true);
      },
    };
    const cache = new FinalRecipientCache({ ttlMs: 60_000, maxBytes: 1, now: () => 0, store: measuring });
    for (const order of orders) await read(opened, cache, order);
    return sizes;
  }

  it('is bounded in bytes: the oldest order goes first, and an order larger than the bound is never kept', async () => {
    const opened = await open();
    const [a, b, c] = finalOrders as [Order, Order, Order];
    const sizes = await entrySizes(opened, [a, b, c]);
    expect(sizes).toHaveLength(3);
    const [sizeA = 0, sizeB = 0, sizeC = 0] = sizes;
    const cache = new FinalRecipientCache({ ttlMs: 60_000, maxBytes: sizeA + sizeB + sizeC - 1, now: () => 0 });
    expect(await read(opened, cache, a)).toBe(reportRequests(a.total));
    expect(await read(opened, cache, b)).toBe(reportRequests(b.total));
    expect(await read(opened, cache, c)).toBe(reportRequests(c.total));
    // C took A's room: B and C are served, A is read again (and then takes B's room).
    expect(await read(opened, cache, b)).toBe(0);
    expect(await read(opened, cache, c)).toBe(0);
    expect(await read(opened, cache, a)).toBe(reportRequests(a.total));
    expect(await read(opened, cache, b)).toBe(reportRequests(b.total));

    const tooSmall = new FinalRecipientCache({ ttlMs: 60_000, maxBytes: sizeA - 1, now: () => 0 });
    expect(await read(opened, tooSmall, a)).toBe(reportRequests(a.total));
    expect(await read(opened, tooSmall, a)).toBe(reportRequests(a.total));
  });

  it('keeps an order in well under the bytes get-report served it in, so 32 MB holds over a million recipients', async () => {
    const opened = await open();
    const largest = [...FIXTURE_ACCOUNT.orders].filter(isFinal).sort((a, b) => b.total - a.total)[0] as Order;
    const [size = 0] = await entrySizes(opened, [largest]);
    const served = JSON.stringify(recipientsOf(largest)).length;
    expect(size).toBeLessThan(served * 0.6);
    expect((32 * 1024 * 1024) / (size / largest.total)).toBeGreaterThan(1_000_000);
    expect(new FinalRecipientCache().limits.maxBytes).toBe(32 * 1024 * 1024);
  });

  it('forgets an order after its time to live', async () => {
    const opened = await open();
    let now = 0;
    const cache = new FinalRecipientCache({ ttlMs: 1_000, maxBytes: 1024 * 1024, now: () => now });
    const [order] = finalOrders as [Order];
    expect(await read(opened, cache, order)).toBe(reportRequests(order.total));
    now = 999;
    expect(await read(opened, cache, order)).toBe(0);
    now = 1_000;
    expect(await read(opened, cache, order)).toBe(reportRequests(order.total));
  });
});
