import { afterEach, describe, expect, it } from 'vitest';
import type { Order } from '../src/api/schemas.js';
import { type FailedNumberTruth, failedNumbersOf, ordersBetween, totals } from './support/ground-truth.js';
import { type Connected, FIXTURE_ACCOUNT, connect, textOf } from './support/harness.js';
import { cancelWhileReadingRecipients } from './support/cancellation.js';
import { success } from './support/scripted.js';

let session: Connected | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

interface FailedNumbers {
  range: { start: string; end: string; timezone: string };
  ordersScanned: number;
  ordersWithFailures: number;
  failedMessages: number;
  expectedFailedMessages: number;
  numbers: number;
  matched: number;
  failedMoreThanOnce: number;
  items: FailedNumberTruth[];
  mismatchedOrders: { count: number; orders: Array<{ orderId: number; expected: number; found: number }> };
  complete: boolean;
  notChecked: { count: number; orders: Array<{ orderId: number; reason: string }> };
  truncated: boolean;
  nextCursor?: string;
  dropped: { duplicates: number; outOfRange: number };
}

async function call(args: Record<string, unknown>, options: Parameters<typeof connect>[0] = {}) {
  session ??= await connect(options);
  const result = await session.mcp.callTool({ name: 'list_failed_numbers', arguments: args });
  return { result, text: textOf(result), data: result.structuredContent as FailedNumbers };
}

const recipientsOf = (order: Order) => FIXTURE_ACCOUNT.recipients?.(order) ?? [];
const LAST_MONTH = { start: '2026-03-01', end: '2026-03-31' };
const MARCH = ordersBetween(FIXTURE_ACCOUNT.orders, LAST_MONTH.start, LAST_MONTH.end);
const MARCH_FAILING = MARCH.filter((order) => order.undelivered > 0);
const MARCH_DAYS = [...new Set(MARCH.map((order) => order.submitAt.slice(0, 10)))].sort();

describe('list_failed_numbers', () => {
  it('aggregates the failed numbers of a month exactly, reading only the orders with failures', async () => {
    const truth = failedNumbersOf(MARCH, recipientsOf);
    const expected = totals(MARCH).undelivered;
    const { data, text } = await call({ period: 'last_month', limit: 500 });
    expect(data).toEqual({
      range: { ...LAST_MONTH, timezone: 'Europe/Istanbul' },
      ordersScanned: MARCH.length,
      span: { days: 31, daysWithData: MARCH_DAYS.length, firstDayWithData: MARCH_DAYS[0], lastDayWithData: MARCH_DAYS.at(-1), listedDaysWithData: [], soFar: false, until: null },
      ordersWithFailures: MARCH_FAILING.length,
      failedMessages: expected,
      expectedFailedMessages: expected,
      numbers: truth.length,
      matched: truth.length,
      failedMoreThanOnce: truth.filter((entry) => entry.failures > 1).length,
      items: truth.slice(0, 500),
      mismatchedOrders: { count: 0, orders: [] },
      complete: true,
      notChecked: { count: 0, orders: [] },
      truncated: true,
      nextCursor: data.nextCursor,
      dropped: { duplicates: 0, outOfRange: 0 },
    });
    expect(MARCH_FAILING.length).toBeLessThan(MARCH.length / 2);
    expect(truth.filter((entry) => entry.failures > 1).length).toBeGreaterThanOrEqual(3);
    // Recipients were read for the orders with failures only, each once.
    const read = session?.api.requests.filter((request) => request.endpoint === 'get-report') ?? [];
    expect([...new Set(read.map((request) => request.order))].sort()).toEqual(MARCH_FAILING.map((order) => order.id).sort());
    const repeaters = truth.filter((entry) => entry.failures > 1);
    expect(text).toContain(`${repeaters.length} numbers failed more than once: clean them from your lists`);
    for (const entry of repeaters.filter((candidate) => candidate.isPhoneNumber)) {
      expect(text).toContain(`- ${entry.number}: ${entry.failures} failures in ${entry.orders} orders, last ${entry.lastFailedAt.slice(0, 16).replace('T', ' ')}`);
    }
    expect(text).toContain("That equals the orders' undelivered counters");
  });

  it('pages through every number exactly once, from its snapshot', async () => {
    const truth = failedNumbersOf(MARCH, recipientsOf);
    let page = await call({ period: 'last_month', limit: 500 });
    const requests = session?.api.requests.length;
    const listed = [...page.data.items];
    while (page.data.nextCursor) {
      page = await call({ cursor: page.data.nextCursor, limit: 500 });
      expect(page.result.isError, page.text).toBeFalsy();
      listed.push(...page.data.items);
    }
    expect(listed).toEqual(truth);
    expect(session?.api.requests.length).toBe(requests);
  });

  it("equals summarize_delivery's undelivered for the same range and sender, and filters by minFailures", async () => {
    const sender = 'ACME MARKET';
    const range = { start: '2026-02-01', end: '2026-04-20' };
    const orders = ordersBetween(FIXTURE_ACCOUNT.orders, range.start, range.end).filter((order) => order.sender === sender);
    const truth = failedNumbersOf(orders, recipientsOf).filter((entry) => entry.failures >= 2);
    const summary = await call({ ...range, sender: 'acme market', minFailures: 2 });
    const delivery = await session?.mcp.callTool({ name: 'summarize_delivery', arguments: { ...range, sender: 'acme market' } });
    const undelivered = (delivery?.structuredContent as { undelivered: number }).undelivered;
    expect(summary.data.failedMessages).toBe(undelivered);
    expect(summary.data.expectedFailedMessages).toBe(undelivered);
    expect(summary.data.matched).toBe(truth.length);
    expect(summary.data.items).toEqual(truth);
    expect(summary.text).toContain(`${truth.length} numbers with at least the minimum failures asked for.`);
  });

  it('follows a cursor alone with the query it was issued for, minFailures included', async () => {
    const truth = failedNumbersOf(MARCH, recipientsOf).filter((entry) => entry.failures >= 2);
    expect(truth.length).toBeGreaterThan(2);
    const first = await call({ period: 'last_month', minFailures: 2, limit: 2 });
    const rest = await call({ cursor: first.data.nextCursor, limit: 500 });
    expect(rest.result.isError, rest.text).toBeFalsy();
    expect([...first.data.items, ...rest.data.items]).toEqual(truth);
  });

  it('refuses a range past ILETIMERKEZI_MAX_REPORT_ORDERS with the count, before reading any recipient', async () => {
    const { result, text } = await call({ period: 'last_month' }, { maxReportOrders: 10 });
    expect(result.isError).toBe(true);
    expect(text).toBe(
      `The range holds ${MARCH_FAILING.length} orders with failures, more than the 10 whose recipients one call may read ` +
        '(ILETIMERKEZI_MAX_REPORT_ORDERS), so nothing was read. Ask for a narrower range, or pass sender to look at one sender.',
    );
    expect(session?.api.requests.filter((request) => request.endpoint === 'get-report')).toHaveLength(0);
  });

  it('names the orders whose recipients disagree with their counters', async () => {
    const [first, second] = MARCH_FAILING as [Order, Order];
    // The API drops one failed recipient of each of two orders, as if it updated them between calls.
    const script = (request: { endpoint: string; order?: number; page?: number }) => {
      if (request.endpoint !== 'get-report' || (request.order !== first.id && request.order !== second.id)) return undefined;
      const order = request.order === first.id ? first : second;
      const all = recipientsOf(order);
      const dropped = all.findIndex((recipient) => recipient.status === 112);
      const kept = all.filter((_, index) => index !== dropped);
      const page = request.page ?? 1;
      return success({ order: { ...order, message: kept.slice((page - 1) * 1000, page * 1000) } });
    };
    const { data, text } = await call({ period: 'last_month', limit: 5 }, { fake: { script } });
    const expected = totals(MARCH).undelivered;
    expect(data.failedMessages).toBe(expected - 2);
    expect(data.expectedFailedMessages).toBe(expected);
    const mismatched = [first, second].map((order) => ({ orderId: order.id, expected: order.undelivered, found: order.undelivered - 1 })).sort((a, b) => a.orderId - b.orderId);
    expect(data.mismatchedOrders).toEqual({ count: 2, orders: mismatched });
    expect(text).toContain(`MISMATCH: the recipients show ${(expected - 2).toLocaleString('en-US')} undelivered`);
    for (const order of mismatched) expect(text).toContain(`#${order.orderId} (counter ${order.expected}, recipients ${order.found})`);
  });

  it('reports progress through the scan and then the recipients, always forward, in percent', async () => {
    session = await connect();
    const updates: Array<{ progress: number; total?: number }> = [];
    const result = await session.mcp.callTool({ name: 'list_failed_numbers', arguments: { period: 'last_month' } }, {
      onprogress: (update) => updates.push(update),
    });
    expect(result.isError).toBeFalsy();
    for (let index = 1; index < updates.length; index += 1) expect(updates[index]?.progress).toBeGreaterThan(updates[index - 1]?.progress ?? 0);
    // The scan is the first half, the recipients the second (test/progress.test.ts watches the phases on a slow fake).
    expect(updates.every((update) => update.total === 100)).toBe(true);
    expect(updates.at(-1)).toMatchObject({ progress: 100, total: 100 });
  });

  it('stops reading recipients when the client cancels', async () => {
    const cancelled = await cancelWhileReadingRecipients('list_failed_numbers', { period: 'last_month' }, 5);
    session = cancelled.session;
    expect(cancelled.reports).toBeLessThan(MARCH_FAILING.length);
  });
});
