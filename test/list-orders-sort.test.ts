import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Order } from '../src/api/schemas.js';
import { WORST_CAMPAIGNS } from '../src/tools/delivery-report-prompt.js';
import { ORDER_SORT_TRUTH, newestFirst, ordersBetween, rateOf } from './support/ground-truth.js';
import { type Connected, FIXTURE_ACCOUNT, connect, textOf } from './support/harness.js';

/**
 * list_orders sorted and cut by size, through the real MCP client against the demo account:
 * every order, its place and its rate as the fixture's data says, by plain comparisons.
 */

type Sort = keyof typeof ORDER_SORT_TRUTH;
const SORTS = Object.keys(ORDER_SORT_TRUTH) as Sort[];

/** The fixture's now is 2026-04-22 12:30 Istanbul. */
const LAST_MONTH = { start: '2026-03-01', end: '2026-03-31' };
/** The last 7 days: orders still going out, two of them with nothing settled yet. */
const LAST_7_DAYS = { start: '2026-04-16', end: '2026-04-22' };

interface ListedOrder {
  id: number;
  status: number;
  total: number;
  delivered: number;
  undelivered: number;
  waiting: number;
  deliveryRate: number | null;
  provisional: boolean;
}

interface Listed {
  isError: boolean;
  text: string;
  data: { totalOrders: number; belowMinMessages?: number; sort: Sort; orders: ListedOrder[]; nextCursor?: string; truncated: boolean };
}

let session: Connected;
beforeAll(async () => {
  session = await connect();
});
afterAll(async () => {
  await session.close();
});

async function list(args: Record<string, unknown>, on: Connected = session): Promise<Listed> {
  const result = await on.mcp.callTool({ name: 'list_orders', arguments: args });
  return { isError: result.isError === true, text: textOf(result), data: result.structuredContent as Listed['data'] };
}

const sorted = (orders: readonly Order[], sort: Sort) => [...orders].sort(ORDER_SORT_TRUTH[sort]);
const ids = (orders: ReadonlyArray<{ id: number }>) => orders.map((order) => order.id);
const percent = (rate: number) => `${(rate * 100).toFixed(1)}%`;

/** A first page of `limit`, then pages of the default 50: a cursor alone keeps the query, not the page size. */
const pagesOf = (count: number, limit: number) => 1 + Math.ceil(Math.max(0, count - limit) / 50);

/** Follows the cursor alone to the end, and returns every order listed. */
async function walk(first: Record<string, unknown>, on: Connected = session): Promise<{ orders: ListedOrder[]; pages: number }> {
  const orders: ListedOrder[] = [];
  let page = await list(first, on);
  let pages = 1;
  for (;;) {
    expect(page.isError, page.text).toBe(false);
    orders.push(...page.data.orders);
    if (!page.data.nextCursor) return { orders, pages };
    page = await list({ cursor: page.data.nextCursor }, on);
    pages += 1;
  }
}

describe('list_orders: sort', () => {
  it.each(SORTS)('%s lists every order of the last 7 days in that order, each with its rate', async (sort) => {
    const truth = sorted(ordersBetween(FIXTURE_ACCOUNT.orders, LAST_7_DAYS.start, LAST_7_DAYS.end), sort);
    const answer = await list({ ...LAST_7_DAYS, sort, limit: 500 });
    expect(answer.isError, answer.text).toBe(false);
    expect(answer.data.sort).toBe(sort);
    expect(answer.data.totalOrders).toBe(truth.length);
    expect(answer.data.orders.map((order) => [order.id, order.deliveryRate, order.provisional])).toEqual(
      truth.map((order) => [order.id, rateOf(order), order.waiting > 0 || order.status === 113]),
    );
  });

  it('newest is the default, and the sorts differ on this range', async () => {
    const orders = ordersBetween(FIXTURE_ACCOUNT.orders, LAST_7_DAYS.start, LAST_7_DAYS.end);
    const plain = await list({ ...LAST_7_DAYS, limit: 500 });
    expect(plain.data.sort).toBe('newest');
    expect(ids(plain.data.orders)).toEqual(ids(newestFirst(orders)));
    const listings = SORTS.map((sort) => ids(sorted(orders, sort)).join());
    expect(new Set(listings).size).toBe(SORTS.length);
  });

  it('puts the orders with nothing settled last, with a null rate that the text names', async () => {
    const unrated = ordersBetween(FIXTURE_ACCOUNT.orders, LAST_7_DAYS.start, LAST_7_DAYS.end).filter((order) => rateOf(order) === null);
    expect(unrated.length).toBeGreaterThan(0);
    for (const sort of ['lowest_rate', 'most_undelivered'] as const) {
      const answer = await list({ ...LAST_7_DAYS, sort, limit: 500 });
      const tail = answer.data.orders.slice(-unrated.length);
      expect(ids(tail)).toEqual(ids(newestFirst(unrated)));
      for (const order of tail) {
        expect(order.deliveryRate).toBeNull();
        const line = answer.text.split('\n').find((text) => text.startsWith(`- #${order.id} `));
        expect(line).toContain('no delivery rate yet (nothing settled)');
      }
    }
  });

  it('says which rates are provisional, in each line and once below, and only where messages wait or the order is in progress', async () => {
    const orders = ordersBetween(FIXTURE_ACCOUNT.orders, LAST_7_DAYS.start, LAST_7_DAYS.end);
    const answer = await list({ ...LAST_7_DAYS, sort: 'lowest_rate', limit: 500 });
    const lines = answer.text.split('\n');
    let provisional = 0;
    for (const order of orders) {
      const line = lines.find((text) => text.startsWith(`- #${order.id} `)) ?? '';
      const rate = rateOf(order);
      if (rate === null) continue;
      const waiting = order.waiting > 0 || order.status === 113;
      if (waiting) provisional += 1;
      expect(line).toContain(`delivery rate ${percent(rate)}`);
      expect(line.includes(`delivery rate ${percent(rate)} so far (provisional)`)).toBe(waiting);
    }
    expect(provisional).toBeGreaterThan(0);
    expect(answer.text).toContain('A provisional rate counts only the messages settled so far');
    const settled = await list({ ...LAST_MONTH, sort: 'lowest_rate', limit: 500 });
    expect(ordersBetween(FIXTURE_ACCOUNT.orders, LAST_MONTH.start, LAST_MONTH.end).every((order) => order.waiting === 0 && order.status !== 113)).toBe(true);
    expect(settled.text).not.toContain('provisional');
  });

  it('counts one message in the singular, as people write it', async () => {
    const single = ordersBetween(FIXTURE_ACCOUNT.orders, LAST_MONTH.start, LAST_MONTH.end).find((order) => order.total === 1);
    if (!single) throw new Error('the fixture has no one-message order last month');
    const day = single.submitAt.slice(0, 10);
    const answer = await list({ start: day, end: day, limit: 500 });
    const line = answer.text.split('\n').find((text) => text.startsWith(`- #${single.id} `));
    expect(line).toContain(': 1 message, ');
    expect(line).not.toContain('1 messages');
  });

  it('says the order of the list in its text', async () => {
    const answer = await list({ ...LAST_MONTH, sort: 'most_undelivered', limit: 5 });
    const truth = ordersBetween(FIXTURE_ACCOUNT.orders, LAST_MONTH.start, LAST_MONTH.end);
    expect(answer.text).toContain(`${truth.length} orders match; 5 shown below, most undelivered first.`);
  });
});

describe('list_orders: minMessages', () => {
  it.each([[100], [2], [3000]])('minMessages %d keeps only orders of at least that many messages, and counts the others', async (minMessages) => {
    const orders = ordersBetween(FIXTURE_ACCOUNT.orders, LAST_MONTH.start, LAST_MONTH.end);
    const kept = orders.filter((order) => order.total >= minMessages);
    const answer = await list({ ...LAST_MONTH, minMessages, sort: 'oldest', limit: 500 });
    expect(answer.isError, answer.text).toBe(false);
    expect(answer.data.totalOrders).toBe(kept.length);
    expect(answer.data.belowMinMessages).toBe(orders.length - kept.length);
    expect(ids(answer.data.orders)).toEqual(ids(sorted(kept, 'oldest')));
    expect(answer.text).toContain(`${kept.length} orders match (${(orders.length - kept.length).toLocaleString('en-US')} smaller orders left out by minMessages)`);
  });

  it('says so when no order is large enough', async () => {
    const orders = ordersBetween(FIXTURE_ACCOUNT.orders, LAST_MONTH.start, LAST_MONTH.end);
    const answer = await list({ ...LAST_MONTH, minMessages: 1_000_000 });
    expect(answer.data).toMatchObject({ totalOrders: 0, belowMinMessages: orders.length, orders: [] });
    expect(answer.text).toContain(`0 orders match (${orders.length} smaller orders left out by minMessages).`);
  });

  it.each([[0], [-1], [2.5], ['100'], [1_000_000_001]])('refuses minMessages %j with the reason', async (minMessages) => {
    const answer = await list({ ...LAST_MONTH, minMessages });
    expect(answer.isError).toBe(true);
    expect(answer.text).toContain('minMessages must be');
  });

  it('refuses a sort it does not know, naming the ones it does', async () => {
    const answer = await list({ ...LAST_MONTH, sort: 'worst' });
    expect(answer.isError).toBe(true);
    expect(answer.text).toContain('sort must be one of newest, oldest, most_undelivered, lowest_rate');
  });
});

describe('the worst campaigns of last month', () => {
  it('are one call, as the delivery_report prompt makes it, under 4 KB of text, each with its rate', async () => {
    const campaigns = ordersBetween(FIXTURE_ACCOUNT.orders, LAST_MONTH.start, LAST_MONTH.end).filter((order) => order.total >= WORST_CAMPAIGNS.minMessages);
    const truth = sorted(campaigns, 'lowest_rate').slice(0, WORST_CAMPAIGNS.limit);
    const answer = await list({ period: 'last_month', ...WORST_CAMPAIGNS });
    expect(answer.isError, answer.text).toBe(false);
    expect(ids(answer.data.orders)).toEqual(ids(truth));
    expect(answer.data.orders.map((order) => order.deliveryRate)).toEqual(truth.map(rateOf));
    for (const order of truth) expect(answer.text).toContain(`delivery rate ${percent(rateOf(order) ?? Number.NaN)}`);
    expect(Buffer.byteLength(answer.text)).toBeLessThan(4096);
  });
});

describe('list_orders: a sorted listing paged with the cursor alone', () => {
  const RANGE = { start: '2026-01-01', end: '2026-04-22' };

  it.each(SORTS)('%s with minMessages: every order once, in order, to the end', async (sort) => {
    const truth = sorted(ordersBetween(FIXTURE_ACCOUNT.orders, RANGE.start, RANGE.end).filter((order) => order.total >= 2), sort);
    const { orders, pages } = await walk({ ...RANGE, sort, minMessages: 2, limit: 60 });
    expect(pages).toBe(pagesOf(truth.length, 60));
    expect(ids(orders)).toEqual(ids(truth));
  });

  it.each(SORTS)('%s: the same when no snapshot can be kept and every page is recomputed from its key', async (sort) => {
    const recomputing = await connect({
      // Room for a cursor's state, none for a listing's snapshot.
      snapshotLimits: { maxBytes: 1_000_000, maxSnapshotBytes: 2_000, maxSnapshots: 1_000, ttlMs: 600_000, now: () => 0 },
    });
    try {
      const truth = sorted(ordersBetween(FIXTURE_ACCOUNT.orders, RANGE.start, RANGE.end), sort);
      const { orders, pages } = await walk({ ...RANGE, sort, limit: 150 }, recomputing);
      expect(pages).toBe(pagesOf(truth.length, 150));
      expect(ids(orders)).toEqual(ids(truth));
    } finally {
      await recomputing.close();
    }
  });

  it('keeps its sort: the default beside a newest cursor is accepted, another sort is refused either way', async () => {
    const newest = await list({ ...LAST_MONTH, limit: 5 });
    const repeated = await list({ cursor: newest.data.nextCursor, sort: 'newest', limit: 5 });
    expect(repeated.isError, repeated.text).toBe(false);
    const truth = newestFirst(ordersBetween(FIXTURE_ACCOUNT.orders, LAST_MONTH.start, LAST_MONTH.end));
    expect(ids(repeated.data.orders)).toEqual(ids(truth.slice(5, 10)));
    const other = await list({ cursor: newest.data.nextCursor, sort: 'lowest_rate' });
    expect(other.isError).toBe(true);
    expect(other.text).toContain('it was issued for a different query (sort was "newest", now "lowest_rate")');
    const worst = await list({ ...LAST_MONTH, sort: 'lowest_rate', limit: 5 });
    const back = await list({ cursor: worst.data.nextCursor, sort: 'newest' });
    expect(back.isError).toBe(true);
    expect(back.text).toContain('(sort was "lowest_rate", now "newest")');
    const bigger = await list({ cursor: worst.data.nextCursor, minMessages: 100 });
    expect(bigger.text).toContain('(minMessages was not given, now 100)');
  });
});

describe('list_recipients', () => {
  it('shows its order\'s rate, provisional while messages wait', async () => {
    const order = FIXTURE_ACCOUNT.orders.find((candidate) => candidate.status === 113 && candidate.undelivered > 0) as Order;
    const result = await session.mcp.callTool({ name: 'list_recipients', arguments: { orderId: order.id, limit: 1 } });
    const text = textOf(result);
    expect(result.structuredContent).toMatchObject({ order: { id: order.id, deliveryRate: rateOf(order), provisional: true } });
    expect(text.split('\n')[0]).toContain(`; delivery rate ${percent(rateOf(order) ?? Number.NaN)} so far (provisional).`);
    expect(text).toContain('A provisional rate counts only the messages settled so far');
  });
});
