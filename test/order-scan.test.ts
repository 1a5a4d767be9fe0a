import { afterEach, describe, expect, it } from 'vitest';
import type { IletimerkeziClient, Order } from '../src/api/client.js';
import { UpstreamError } from '../src/errors.js';
import { splitIntoWindows } from '../src/reporting/date-range.js';
import { type ProgressUpdate, scanOrders } from '../src/reporting/order-scan.js';
import { committedInto, ignoreOrders } from './support/sinks.js';
import type { SimulatedApi, SimulatorOptions } from '../src/simulator/api-server.js';
import { FIXTURE_ACCOUNT, makeClient, startFake } from './support/harness.js';
import { ordersBetween } from './support/ground-truth.js';

let fake: SimulatedApi | undefined;
let client: IletimerkeziClient | undefined;

afterEach(async () => {
  await client?.close();
  await fake?.close();
});

async function setUp(options: Partial<SimulatorOptions> = {}, concurrency = 4) {
  fake = await startFake(options);
  client = makeClient(fake, { concurrency });
  return { fake, client };
}

const RANGE = { start: '2026-02-01', end: '2026-04-22' };

describe('scanOrders', () => {
  it('reads every order once, walking each window until its empty page', async () => {
    const { fake, client } = await setUp({ pageSize: 30 });
    const seen: Order[] = [];
    const stats = await scanOrders(client, RANGE, committedInto(seen));

    const expected = ordersBetween(FIXTURE_ACCOUNT.orders, RANGE.start, RANGE.end);
    expect(seen.map((order) => order.id).sort()).toEqual(expected.map((order) => order.id).sort());

    const windows = splitIntoWindows(RANGE);
    const expectedRequests = windows.map((window) => {
      const count = ordersBetween(FIXTURE_ACCOUNT.orders, window.start, window.end).length;
      return Math.ceil(count / 30) + 1;
    });
    expect(stats).toEqual({
      windows: windows.length,
      requests: expectedRequests.reduce((a, b) => a + b, 0),
      cachedWindows: 0,
      duplicatesDropped: 0,
      outOfRangeDropped: 0,
    });
    for (const [index, window] of windows.entries()) {
      const pages = fake.requests.filter((request) => request.start === window.start).map((request) => request.page);
      expect(pages).toEqual(Array.from({ length: expectedRequests[index] ?? 0 }, (_, page) => page + 1));
      expect(fake.requests.filter((request) => request.start === window.start).every((request) => request.end === window.end)).toBe(true);
    }
  });

  it('fetches windows concurrently, never above the limit', async () => {
    const { fake, client } = await setUp({ latencyMs: 25 }, 3);
    await scanOrders(client, RANGE, ignoreOrders);
    expect(fake.peakInFlight()).toBe(3);
  });

  it('counts an order served on two pages once', async () => {
    const window = { start: '2026-04-11', end: '2026-04-20' };
    const inWindow = ordersBetween(FIXTURE_ACCOUNT.orders, window.start, window.end);
    const pages = [inWindow.slice(0, 5), [inWindow[4] as Order, ...inWindow.slice(5, 9)], []];
    const { client } = await setUp({
      script: (request) => ({
        status: 200,
        body: { response: { status: { code: 200 }, orders: pages[(request.page ?? 1) - 1] ?? [] } },
      }),
    });
    const seen: Order[] = [];
    const stats = await scanOrders(client, window, committedInto(seen));
    expect(seen.map((order) => order.id)).toEqual(inWindow.slice(0, 9).map((order) => order.id));
    expect(stats.duplicatesDropped).toBe(1);
  });

  it('counts each order of a page once when the page breaks off after some orders and is read again', async () => {
    const window = { start: '2026-04-11', end: '2026-04-20' };
    const inWindow = ordersBetween(FIXTURE_ACCOUNT.orders, window.start, window.end).slice(0, 9);
    const whole = JSON.stringify({ response: { status: { code: 200 }, orders: inWindow } });
    // Cut just past the fifth order: five orders arrive whole before the body breaks.
    const cut = whole.indexOf('},{', whole.indexOf(`"id":${inWindow[4]?.id}`)) + 1;
    let firstPageAnswers = 0;
    const { fake, client } = await setUp({
      script: (request) => {
        if ((request.page ?? 1) > 1) return { status: 200, body: { response: { status: { code: 200 }, orders: [] } } };
        firstPageAnswers += 1;
        return { status: 200, body: firstPageAnswers === 1 ? whole.slice(0, cut) : whole };
      },
    });
    const seen: Order[] = [];
    const stats = await scanOrders(client, window, committedInto(seen));
    expect(fake.requests.map((request) => request.page)).toEqual([1, 1, 2]);
    expect(seen.map((order) => order.id)).toEqual(inWindow.map((order) => order.id));
    expect(stats.duplicatesDropped).toBe(0);
  });

  it('stops with an error when the API repeats a page forever', async () => {
    const { fake, client } = await setUp({ ignoresPage: ['get-reports'] });
    const window = { start: '2026-04-11', end: '2026-04-20' };
    let error: unknown;
    await scanOrders(client, window, ignoreOrders).catch((caught: unknown) => {
      error = caught;
    });
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).message).toContain('served page 2 of 2026-04-11..2026-04-20 with only orders already read');
    expect(fake.requests).toHaveLength(2);
  });

  it('reports progress in windows that only ever increases and ends at the total', async () => {
    const { client } = await setUp();
    const updates: ProgressUpdate[] = [];
    await scanOrders(client, RANGE, ignoreOrders, { onProgress: (update) => updates.push(update) });
    const windows = splitIntoWindows(RANGE).length;
    expect(updates.every((update) => update.total === windows)).toBe(true);
    for (let index = 1; index < updates.length; index += 1) {
      expect(updates[index]?.progress).toBeGreaterThan(updates[index - 1]?.progress ?? 0);
    }
    expect(updates.at(-1)?.progress).toBe(windows);
    expect(updates.at(-1)?.message).toBe(
      `${windows} of ${windows} ten-day windows done, ${ordersBetween(FIXTURE_ACCOUNT.orders, RANGE.start, RANGE.end).length} orders read`,
    );
  });

  it('cancels sibling windows when one fails', async () => {
    const { fake, client } = await setUp({
      latencyMs: 20,
      script: (request) => (request.start === '2026-02-01' ? { status: 200, body: { response: { status: { code: 402 } } } } : undefined),
    }, 2);
    await expect(scanOrders(client, RANGE, ignoreOrders)).rejects.toThrow('iletiMerkezi API error 402');
    const settledAt = fake.requests.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake.requests.length).toBe(settledAt);
    expect(settledAt).toBeLessThan(splitIntoWindows(RANGE).length);
  });
});
