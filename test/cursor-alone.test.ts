import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboxMessage, Order } from '../src/api/schemas.js';
import type { SimulatedAccount, WireRecipient } from '../src/simulator/api-server.js';
import { ORDER_SORT_TRUTH, auditOf, expectedNumber, failedNumbersOf, newestFirst, ordersBetween, rateOf, recipientsInListOrder, traceOf } from './support/ground-truth.js';
import { type Connected, FIXTURE_ACCOUNT, connect, textOf } from './support/harness.js';

/**
 * Every tool with a cursor, followed with the cursor alone, no other argument, as each schema
 * says: the pages together are the whole answer computed from the account's data, each item
 * once; every cursor, in the text and the data alike, is one string of at most 80 characters;
 * and an argument beside a cursor that differs from the cursor's own query is refused.
 */

const MAX_CURSOR_CHARS = 80;
/** The fixture's now: 2026-04-22 12:30 Istanbul. */
const TODAY = '2026-04-22';
const NOW = '2026-04-22 12:30:00';
const LAST_7_DAYS = { start: '2026-04-16', end: TODAY };

const recipientsOf = (order: Order): readonly WireRecipient[] => FIXTURE_ACCOUNT.recipients?.(order) ?? [];

/** `YYYY-MM-DD HH:MM:SS` plus some minutes, as the API writes Istanbul times. */
function minutesAfter(timestamp: string, minutes: number): string {
  return new Date(Date.parse(`${timestamp.replace(' ', 'T')}Z`) + minutes * 60_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** Numbers an order of today reached, so that some opt-outs below were messaged afterwards. */
const REACHED_TODAY = FIXTURE_ACCOUNT.orders
  .filter((order) => order.sendAt.startsWith(TODAY) && order.sendAt <= NOW)
  .flatMap((order) => recipientsOf(order).map((recipient) => expectedNumber(recipient.number)))
  .filter((number) => number.isPhoneNumber)
  .map((number) => number.number)
  .slice(0, 10);

const OPT_OUT_TEXTS = ['RET', 'ret', 'RET ACME'];

/**
 * An inbox long enough for several pages of the default size: 130 messages, 120 of them in the
 * last 7 days, 80 of those opt-outs from distinct numbers (a quarter of them blacklisted).
 */
function longInbox(): { inbox: InboxMessage[]; blacklisted: string[] } {
  const inbox: InboxMessage[] = [];
  const blacklisted: string[] = [];
  for (let index = 0; index < 130; index += 1) {
    const recent = index < 120;
    const date = recent ? minutesAfter('2026-04-16 00:00:07', index * 71) : minutesAfter('2026-03-02 08:00:03', (index - 120) * 613);
    const optOut = recent && index % 3 !== 2;
    const national = `532100${String(index).padStart(4, '0')}`;
    const sender = optOut && index < REACHED_TODAY.length * 3 ? (REACHED_TODAY[Math.floor(index / 3)] ?? `+90${national}`) : `+90${national}`;
    if (optOut && index % 4 === 0) blacklisted.push(`0${sender.slice(3)}`);
    const text = optOut ? (OPT_OUT_TEXTS[index % OPT_OUT_TEXTS.length] as string) : index % 2 === 0 ? 'Merhaba, kampanya ne zaman?' : 'Teşekkürler';
    inbox.push({ id: String(7000 + index), date, sender, number: '+908501234567', text });
  }
  return { inbox, blacklisted };
}

const { inbox: INBOX, blacklisted: BLACKLISTED } = longInbox();

/**
 * A number that one-message orders reached 130 times over two February days, outside every other
 * walk's range, so that its trace runs to several pages of the default size.
 */
const TRACED = '+905551230000';
const TRACE_RANGE = { start: '2026-02-10', end: '2026-02-11' };
const TRACE_ORDERS: Order[] = Array.from({ length: 130 }, (_, index) => {
  const at = minutesAfter('2026-02-10 08:00:11', index * 17);
  const delivered = index % 5 === 0 ? 0 : 1;
  return { id: 400_000_000 + index, status: 114, total: 1, delivered, undelivered: 1 - delivered, waiting: 0, submitAt: at, sendAt: at, sender: 'ACME' };
});
const TRACE_ROWS = new Map(TRACE_ORDERS.map((order) => [order.id, [{ number: `0${TRACED.slice(3)}`, status: order.delivered === 1 ? 111 : 112 }]]));

const ACCOUNT: SimulatedAccount = {
  ...FIXTURE_ACCOUNT,
  orders: [...FIXTURE_ACCOUNT.orders, ...TRACE_ORDERS].sort((a, b) => (a.submitAt < b.submitAt ? -1 : a.submitAt > b.submitAt ? 1 : a.id - b.id)),
  recipients: (order) => TRACE_ROWS.get(order.id) ?? recipientsOf(order),
  inbox: INBOX,
  blacklist: BLACKLISTED.map((number) => ({ number, at: '2026-04-01 09:00:00' })),
};

/** A campaign of thousands of recipients: the fixture's largest settled one. */
const CAMPAIGN = [...FIXTURE_ACCOUNT.orders].filter((order) => order.status === 114 && order.undelivered > 0).sort((a, b) => b.total - a.total)[0] as Order;
const ORDERS_RANGE = { start: '2026-03-01', end: '2026-04-20' };
const FAILURES_RANGE = { start: '2026-03-02', end: '2026-03-04' };

interface Walk {
  /** The tool, when the walk's name is not the tool's. */
  tool?: string;
  /** The first call's arguments: a query, and a small limit so the cursor has a lot to continue. */
  first: Record<string, unknown>;
  /** The items of one page's structured content, as compared with the truth. */
  items: (data: Record<string, unknown>) => unknown[];
  truth: () => unknown[];
  /** An argument beside the cursor that differs from the first call's, and how the refusal names it. */
  differing: Record<string, unknown>;
  refusal: string;
}

const shownRecipient = (recipient: WireRecipient) => ({
  ...expectedNumber(recipient.number),
  status: recipient.status,
  state: ({ 110: 'waiting', 111: 'delivered', 112: 'undelivered' } as Record<number, string>)[recipient.status] ?? 'other',
});

const listOf = (field: string) => (data: Record<string, unknown>) => data[field] as Array<Record<string, unknown>>;

const WALKS: Record<string, Walk> = {
  list_orders: {
    first: { ...ORDERS_RANGE, status: 'completed', limit: 7 },
    items: (data) => listOf('orders')(data).map((order) => order.id),
    truth: () => newestFirst(ordersBetween(FIXTURE_ACCOUNT.orders, ORDERS_RANGE.start, ORDERS_RANGE.end).filter((order) => order.status === 114)).map((order) => order.id),
    differing: { status: 'failed' },
    refusal: '(status was "completed", now "failed")',
  },
  'list_orders, sorted lowest_rate with minMessages': {
    tool: 'list_orders',
    first: { ...ORDERS_RANGE, sort: 'lowest_rate', minMessages: 2, limit: 7 },
    items: (data) => listOf('orders')(data).map((order) => [order.id, order.deliveryRate]),
    truth: () =>
      ordersBetween(FIXTURE_ACCOUNT.orders, ORDERS_RANGE.start, ORDERS_RANGE.end)
        .filter((order) => order.total >= 2)
        .sort(ORDER_SORT_TRUTH.lowest_rate)
        .map((order) => [order.id, rateOf(order)]),
    differing: { sort: 'most_undelivered' },
    refusal: '(sort was "lowest_rate", now "most_undelivered")',
  },
  list_recipients: {
    first: { orderId: CAMPAIGN.id, status: 'delivered', limit: 10 },
    items: listOf('recipients'),
    truth: () => recipientsOf(CAMPAIGN).filter((recipient) => recipient.status === 111).map(shownRecipient),
    differing: { orderId: CAMPAIGN.id + 1 },
    refusal: `(orderId was ${CAMPAIGN.id}, now ${CAMPAIGN.id + 1})`,
  },
  list_failed_numbers: {
    first: { ...FAILURES_RANGE, limit: 10 },
    items: listOf('items'),
    truth: () => failedNumbersOf(ordersBetween(FIXTURE_ACCOUNT.orders, FAILURES_RANGE.start, FAILURES_RANGE.end), recipientsOf),
    differing: { minFailures: 2 },
    refusal: '(minFailures was not given, now 2)',
  },
  read_inbox: {
    first: { period: 'last_7_days', limit: 5 },
    items: (data) => listOf('messages')(data).map((message) => message.id),
    truth: () => INBOX.filter((message) => message.date >= LAST_7_DAYS.start).sort((a, b) => (a.date < b.date ? 1 : -1)).map((message) => message.id),
    differing: { period: 'last_30_days' },
    refusal: '(period was "last_7_days", now "last_30_days")',
  },
  trace_number: {
    first: { number: TRACED, ...TRACE_RANGE, limit: 5 },
    items: (data) => listOf('orders')(data).map((order) => [order.orderId, order.recipientStatus]),
    truth: () =>
      traceOf(ordersBetween(ACCOUNT.orders, TRACE_RANGE.start, TRACE_RANGE.end), (order) => ACCOUNT.recipients?.(order) ?? [], TRACED).map((order) => [
        order.orderId,
        order.recipientStatus,
      ]),
    differing: { number: '+905551230001' },
    refusal: '(number was "+905551230000", now "+905551230001")',
  },
  audit_opt_outs: {
    first: { period: 'last_7_days', limit: 5 },
    items: (data) => listOf('items')(data).map((item) => [item.number, item.messageId, item.blacklisted, item.sendCount]),
    truth: () =>
      auditOf(ACCOUNT, recipientsOf, LAST_7_DAYS, (text) => (OPT_OUT_TEXTS.includes(text) ? 'clear' : null), TODAY, NOW).map((item) => [
        item.number,
        item.messageId,
        item.blacklisted,
        item.sends.length,
      ]),
    differing: { checkSends: false },
    refusal: '(checkSends was not given, now false)',
  },
};

let session: Connected;
beforeAll(async () => {
  session = await connect({ fake: { account: ACCOUNT } });
});
afterAll(async () => {
  await session?.close();
});

async function call(tool: string, args: Record<string, unknown>) {
  const result = await session.mcp.callTool({ name: tool, arguments: args });
  return { result, text: textOf(result), data: result.structuredContent as Record<string, unknown> & { nextCursor?: string } };
}

/** The cursors a text offers, wherever it names one. */
function cursorsInText(text: string): string[] {
  return [...text.matchAll(/cursor "([^"]*)"/g)].map((match) => match[1] as string);
}

describe('every tool with a cursor', () => {
  it('is every listing tool, and its schema requires nothing and sets no default a cursor alone would be read with', async () => {
    const { tools } = await session.mcp.listTools();
    const paged = tools.filter((tool) => tool.inputSchema.properties?.cursor !== undefined);
    expect(paged.map((tool) => tool.name).sort()).toEqual([...new Set(Object.entries(WALKS).map(([name, walk]) => walk.tool ?? name))].sort());
    for (const tool of paged) {
      expect(tool.inputSchema.required ?? [], tool.name).toEqual([]);
      const defaults = Object.entries(tool.inputSchema.properties ?? {}).filter(([, schema]) => (schema as { default?: unknown }).default !== undefined);
      expect(defaults.map(([field]) => field), tool.name).toEqual(['limit']);
      expect((tool.inputSchema.properties?.cursor as { maxLength?: number }).maxLength).toBe(MAX_CURSOR_CHARS);
    }
  });

  it.each(Object.entries(WALKS))('%s: the cursor alone continues its query to the end, each item once, every cursor the same short string in text and data', async (name, walk) => {
    const tool = walk.tool ?? name;
    const pages: unknown[][] = [];
    let page = await call(tool, walk.first);
    for (;;) {
      expect(page.result.isError, page.text).toBeFalsy();
      pages.push(walk.items(page.data));
      const { nextCursor } = page.data;
      expect(cursorsInText(page.text)).toEqual(nextCursor === undefined ? [] : [nextCursor]);
      expect(page.data.truncated).toBe(nextCursor !== undefined);
      if (nextCursor === undefined) break;
      expect(nextCursor.length).toBeLessThanOrEqual(MAX_CURSOR_CHARS);
      page = await call(tool, { cursor: nextCursor });
    }
    // The first page and at least two pages of the default size after it.
    expect(pages.length, tool).toBeGreaterThanOrEqual(3);
    expect(pages.flat()).toEqual(walk.truth());
  });

  it('list_recipients: the call its text advises, the cursor alone, is served, though orderId is required without a cursor', async () => {
    const first = await call('list_recipients', { orderId: CAMPAIGN.id, limit: 10 });
    const [advised] = cursorsInText(first.text);
    expect(first.text).toContain(`call list_recipients with cursor "${advised}" for the next page`);
    const next = await call('list_recipients', { cursor: advised });
    expect(next.result.isError, next.text).toBeFalsy();
    expect(next.data.recipients).toEqual(recipientsInListOrder(recipientsOf(CAMPAIGN)).slice(10, 110).map(shownRecipient));
    const neither = await call('list_recipients', { limit: 10 });
    expect(neither.result.isError).toBe(true);
    expect(neither.text).toBe('Invalid orderId: no order was named. Pass orderId as list_orders shows it, or pass cursor alone to continue a listing.');
  });

  it.each(Object.entries(WALKS))('%s: arguments beside the cursor that repeat its query are accepted, limit may change, and a different one is refused', async (name, walk) => {
    const tool = walk.tool ?? name;
    const first = await call(tool, walk.first);
    const cursor = first.data.nextCursor as string;
    const alone = await call(tool, { cursor });
    const { limit: _limit, ...query } = walk.first;
    const repeated = await call(tool, { ...query, cursor, limit: 3 });
    expect(repeated.result.isError, repeated.text).toBeFalsy();
    expect(walk.items(repeated.data)).toEqual(walk.items(alone.data).slice(0, 3));
    const before = session.api.requests.length;
    const refused = await call(tool, { cursor, ...walk.differing });
    expect(refused.result.isError).toBe(true);
    expect(refused.text).toContain(`Invalid cursor: it was issued for a different query ${walk.refusal}.`);
    expect(refused.text).toContain('pass cursor alone');
    expect(session.api.requests.length).toBe(before);
  });
});
