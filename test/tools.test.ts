import { afterEach, describe, expect, it } from 'vitest';
import type { Order } from '../src/api/schemas.js';
import { isOptOut } from '../src/reporting/text.js';
import { type Connected, FIXTURE_ACCOUNT, connect, textOf } from './support/harness.js';
import { DEMO_OPT_OUT_TEXTS, demoOptOutKind, newestFirst, optOutTallies, ordersBetween, rateOf, totals } from './support/ground-truth.js';

let session: Connected | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

interface Counters {
  orders: number;
  total: number;
  delivered: number;
  undelivered: number;
  waiting: number;
}

interface RangeOutput {
  start: string;
  end: string;
  timezone: 'Europe/Istanbul';
}

/** Each tool's structured content, written out because the tools keep their output types private. */
interface ToolData {
  summarize_delivery: Counters & {
    range: RangeOutput;
    deliveryRate: number | null;
    statusCounts: Record<'in_progress' | 'completed' | 'failed' | 'other', number>;
    provisional: boolean;
    inconsistentOrders: number;
    groups?: Array<Counters & { key: string; provisional: boolean; deliveryRate: number | null }>;
  };
  list_orders: {
    range: RangeOutput;
    totalOrders: number;
    orders: Array<Omit<Counters, 'orders'> & { id: number; status: number; state: 'in_progress' | 'completed' | 'failed' | 'other'; submitAt: string; sendAt: string; sender: string }>;
    truncated: boolean;
    nextCursor?: string;
  };
  read_inbox: {
    range: RangeOutput | null;
    totalRows: number;
    fetched: number;
    complete: boolean;
    matched: number;
    messages: Array<{ id: string; date: string; sender: string; number: string; text: string; optOut: boolean; optOutKind: 'clear' | 'possible' | null }>;
    optOuts: { count: number; distinctSenders: number; senders: string[] };
    possibleOptOuts: { count: number; distinctSenders: number; senders: string[] };
    truncated: boolean;
    nextCursor?: string;
  };
}

async function call<Name extends keyof ToolData>(name: Name, args: Record<string, unknown>, options: Parameters<typeof connect>[0] = {}) {
  session ??= await connect(options);
  const result = await session.mcp.callTool({ name, arguments: args });
  return { result, text: textOf(result), data: result.structuredContent as ToolData[Name] };
}

/** The fixture's "now" is 2026-04-22 12:30 Istanbul. */
const LAST_MONTH = { start: '2026-03-01', end: '2026-03-31' };

describe('summarize_delivery', () => {
  it('answers last month with totals equal to the fixture data', async () => {
    const { result, text, data } = await call('summarize_delivery', { period: 'last_month' });
    const truth = totals(ordersBetween(FIXTURE_ACCOUNT.orders, LAST_MONTH.start, LAST_MONTH.end));
    expect(result.isError).toBeFalsy();
    expect(data).toEqual({
      range: { ...LAST_MONTH, timezone: 'Europe/Istanbul' },
      orders: truth.orders,
      total: truth.total,
      delivered: truth.delivered,
      undelivered: truth.undelivered,
      waiting: 0,
      deliveryRate: truth.delivered / (truth.delivered + truth.undelivered),
      statusCounts: truth.statusCounts,
      provisional: false,
      inconsistentOrders: 0,
      span: { days: 31, daysWithData: 31, firstDayWithData: LAST_MONTH.start, lastDayWithData: LAST_MONTH.end, listedDaysWithData: [], soFar: false, until: null },
      dropped: { duplicates: 0, outOfRange: 0 },
    });
    expect(truth.statusCounts.failed).toBeGreaterThan(0);
    expect(text).toContain(`Undelivered (failed): ${truth.undelivered.toLocaleString('en-US')}.`);
    expect(text).toContain('Status 114 means the sending pipeline finished, not that every message was delivered');
    expect(text).not.toContain('PROVISIONAL');
    expect(Buffer.byteLength(text)).toBeLessThan(2048);
  });

  it('flags a range with waiting messages as provisional', async () => {
    const { data, text } = await call('summarize_delivery', { period: 'last_7_days' });
    const truth = totals(ordersBetween(FIXTURE_ACCOUNT.orders, '2026-04-16', '2026-04-22'));
    expect(truth.waiting).toBeGreaterThan(0);
    expect(data.waiting).toBe(truth.waiting);
    expect(data.provisional).toBe(true);
    expect(data.statusCounts).toEqual(truth.statusCounts);
    expect(text).toContain(`PROVISIONAL: ${truth.waiting.toLocaleString('en-US')} messages are still waiting`);
  });

  it.each(['sender', 'day', 'week', 'month'] as const)('groups by %s with sums equal to the totals and to the data', async (groupBy) => {
    const range = { start: '2026-01-10', end: '2026-04-22' };
    const { data } = await call('summarize_delivery', { ...range, groupBy });
    const orders = ordersBetween(FIXTURE_ACCOUNT.orders, range.start, range.end);
    const keyOf = (order: Order): string => {
      const day = order.submitAt.slice(0, 10);
      if (groupBy === 'sender') return order.sender;
      if (groupBy === 'month') return day.slice(0, 7);
      if (groupBy === 'day') return day;
      const date = new Date(`${day}T00:00:00Z`);
      date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
      return date.toISOString().slice(0, 10);
    };
    const expected = new Map<string, Order[]>();
    for (const order of orders) expected.set(keyOf(order), [...(expected.get(keyOf(order)) ?? []), order]);
    // A period grouping is the range's complete series: every day, week or month, oldest first, with or without orders.
    const series: string[] = [];
    if (groupBy !== 'sender') {
      const first = groupBy === 'week' ? '2026-01-05' : groupBy === 'month' ? '2026-01-01' : range.start;
      for (let day = new Date(`${first}T00:00:00Z`); day.toISOString().slice(0, 10) <= range.end; day.setUTCDate(day.getUTCDate() + (groupBy === 'week' ? 7 : 1))) {
        const key = groupBy === 'month' ? day.toISOString().slice(0, 7) : day.toISOString().slice(0, 10);
        if (series.at(-1) !== key) series.push(key);
      }
    }
    const groups = data.groups as NonNullable<ToolData['summarize_delivery']['groups']>;
    if (groupBy === 'sender') {
      expect(groups.map((group) => group.key).sort()).toEqual([...expected.keys()].sort());
      const volumes = groups.map((group) => group.total);
      expect(volumes).toEqual([...volumes].sort((a, b) => b - a));
    } else {
      expect(groups.map((group) => group.key)).toEqual(series);
      expect(series.length).toBe({ day: 103, week: 16, month: 4 }[groupBy]);
    }
    for (const group of groups) {
      const truth = totals(expected.get(group.key) ?? []);
      expect(group).toEqual({
        key: group.key,
        orders: truth.orders,
        total: truth.total,
        delivered: truth.delivered,
        undelivered: truth.undelivered,
        waiting: truth.waiting,
        provisional: truth.waiting > 0,
        deliveryRate: truth.delivered + truth.undelivered === 0 ? null : truth.delivered / (truth.delivered + truth.undelivered),
      });
    }
    for (const field of ['orders', 'total', 'delivered', 'undelivered', 'waiting'] as const) {
      expect(groups.reduce((sum, group) => sum + group[field], 0)).toBe(data[field]);
    }
  });

  it('matches the sender case-insensitively under Turkish folding', async () => {
    const { data } = await call('summarize_delivery', { period: 'last_month', sender: 'acme bilgi' });
    const truth = totals(ordersBetween(FIXTURE_ACCOUNT.orders, LAST_MONTH.start, LAST_MONTH.end).filter((o) => o.sender === 'ACME BİLGİ'));
    expect(truth.orders).toBeGreaterThan(0);
    expect(data.orders).toBe(truth.orders);
    expect(data.undelivered).toBe(truth.undelivered);
  });

  it('sends progress notifications in percent that increase from the start to the end', async () => {
    session = await connect();
    const updates: Array<{ progress: number; total?: number }> = [];
    await session.mcp.callTool({ name: 'summarize_delivery', arguments: { start: '2026-01-01', end: '2026-04-22' } }, {
      onprogress: (update) => updates.push(update),
    });
    // Spaced out, so a fast call shows its start, a step or a few, and its end (test/progress.test.ts has the rules).
    expect(updates.length).toBeGreaterThanOrEqual(2);
    expect(updates.every((update) => update.total === 100)).toBe(true);
    for (let index = 1; index < updates.length; index += 1) {
      expect(updates[index]?.progress).toBeGreaterThan(updates[index - 1]?.progress ?? 0);
    }
    expect(updates[0]?.progress).toBe(0);
    expect(updates.at(-1)?.progress).toBe(100);
  });

  it('refuses a call without a range, before any API call', async () => {
    const { result, text } = await call('summarize_delivery', {});
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    expect(text).toContain('a date range is required');
    expect(session?.api.requests).toHaveLength(0);
  });

  it('says where the credentials come from when none are set', async () => {
    const { result, text } = await call('summarize_delivery', { period: 'today' }, { client: { credentials: undefined } });
    expect(result.isError).toBe(true);
    expect(text).toContain('ILETIMERKEZI_API_KEY and ILETIMERKEZI_API_HASH');
    expect(text).toContain('Settings → Security → API Access');
    expect(session?.api.requests).toHaveLength(0);
  });
});

describe('list_orders', () => {
  const RANGE = { start: '2026-02-01', end: '2026-04-22' };

  it('lists the newest orders first with the total count', async () => {
    const { data, text } = await call('list_orders', { ...RANGE, limit: 10 });
    const truth = newestFirst(ordersBetween(FIXTURE_ACCOUNT.orders, RANGE.start, RANGE.end));
    expect(data.totalOrders).toBe(truth.length);
    expect(data.orders.map((order: { id: number }) => order.id)).toEqual(truth.slice(0, 10).map((order) => order.id));
    const newest = truth[0] as Order;
    expect(data.orders[0]).toEqual({
      id: newest.id,
      status: newest.status,
      state: newest.status === 113 ? 'in_progress' : newest.status === 114 ? 'completed' : 'failed',
      total: newest.total,
      delivered: newest.delivered,
      undelivered: newest.undelivered,
      waiting: newest.waiting,
      deliveryRate: rateOf(newest),
      provisional: newest.waiting > 0 || newest.status === 113,
      submitAt: `${newest.submitAt.replace(' ', 'T')}+03:00`,
      sendAt: `${newest.sendAt.replace(' ', 'T')}+03:00`,
      sender: newest.sender,
    });
    expect(data.truncated).toBe(true);
    expect(text).toContain(`${truth.length.toLocaleString('en-US')} orders match; 10 shown below, newest first.`);
    expect(text).toContain(`cursor "${data.nextCursor}"`);
  });

  it('yields every matching order exactly once by following nextCursor, without refetching', async () => {
    const truth = newestFirst(ordersBetween(FIXTURE_ACCOUNT.orders, RANGE.start, RANGE.end));
    const first = await call('list_orders', { ...RANGE, limit: 37 });
    const requestsAfterFirst = session?.api.requests.length;
    const ids: number[] = first.data.orders.map((order: { id: number }) => order.id);
    let cursor: string | undefined = first.data.nextCursor;
    let pages = 1;
    while (cursor) {
      const next = await call('list_orders', { cursor, limit: 37 });
      expect(next.result.isError).toBeFalsy();
      ids.push(...next.data.orders.map((order: { id: number }) => order.id));
      cursor = next.data.nextCursor;
      pages += 1;
    }
    expect(pages).toBe(Math.ceil(truth.length / 37));
    expect(ids).toEqual(truth.map((order) => order.id));
    expect(session?.api.requests.length).toBe(requestsAfterFirst);
  });

  it('recomputes a page by keyset when its snapshot is gone, still exactly once', async () => {
    session = await connect();
    const truth = newestFirst(ordersBetween(FIXTURE_ACCOUNT.orders, RANGE.start, RANGE.end));
    const first = await session.mcp.callTool({ name: 'list_orders', arguments: { ...RANGE, limit: 100 } });
    const cursor = (first.structuredContent as { nextCursor: string }).nextCursor;
    expect(cursor).toMatch(/^[\w-]{22}\.[\w-]{22}$/);
    // A second server session cannot use the first one's snapshot or signature.
    const other = await connect();
    const refused = await other.mcp.callTool({ name: 'list_orders', arguments: { cursor } });
    await other.close();
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toContain('not issued by this server session');
    const second = await session.mcp.callTool({ name: 'list_orders', arguments: { cursor, limit: 100 } });
    expect((second.structuredContent as { orders: Array<{ id: number }> }).orders.map((o) => o.id)).toEqual(
      truth.slice(100, 200).map((order) => order.id),
    );
  });

  it('filters in-progress orders and shows a scheduled send', async () => {
    const inProgress = await call('list_orders', { period: 'last_7_days', status: 'in_progress' });
    const truth = newestFirst(ordersBetween(FIXTURE_ACCOUNT.orders, '2026-04-16', '2026-04-22').filter((o) => o.status === 113));
    expect(truth.length).toBeGreaterThan(0);
    expect(inProgress.data.orders.map((order: { id: number }) => order.id)).toEqual(truth.map((order) => order.id));
    expect(inProgress.data.totalOrders).toBe(truth.length);
    expect(inProgress.data.truncated).toBe(false);
    expect(inProgress.data.nextCursor).toBeUndefined();

    const scheduled = FIXTURE_ACCOUNT.orders.find((order) => order.sendAt !== order.submitAt) as Order;
    const day = scheduled.submitAt.slice(0, 10);
    const listed = await call('list_orders', { start: day, end: day, sender: 'acme market', limit: 500 });
    expect(listed.text).toContain(`#${scheduled.id} ${scheduled.submitAt.slice(0, 16)}`);
    expect(listed.text).toContain(`scheduled for ${scheduled.sendAt.slice(0, 16)}`);
  });

  it('refuses a cursor from another query or another tool', async () => {
    const first = await call('list_orders', { ...RANGE, limit: 5 });
    const changed = await call('list_orders', { cursor: first.data.nextCursor, start: '2026-03-01' });
    expect(changed.result.isError).toBe(true);
    expect(changed.text).toContain('Invalid cursor: it was issued for a different query');
    const crossTool = await call('read_inbox', { cursor: first.data.nextCursor });
    expect(crossTool.result.isError).toBe(true);
    expect(crossTool.text).toContain('Invalid cursor: it belongs to list_orders, not read_inbox');
  });
});

describe('read_inbox', () => {
  const OPT_OUT_TEXTS = DEMO_OPT_OUT_TEXTS;

  it('reads the whole inbox, newest first, with opt-outs for review', async () => {
    const { data, text } = await call('read_inbox', {});
    const inbox = FIXTURE_ACCOUNT.inbox;
    const optOuts = inbox.filter((message) => OPT_OUT_TEXTS.includes(message.text));
    expect(optOuts).toHaveLength(8);
    expect(inbox.filter((message) => isOptOut(message.text)).map((m) => m.id)).toEqual(optOuts.map((m) => m.id));
    expect(data).toMatchObject({ range: null, totalRows: inbox.length, fetched: inbox.length, complete: true, matched: inbox.length, truncated: false });
    // Seven clear opt-outs, and one possible: "…, RET değil".
    const tallies = optOutTallies(inbox, demoOptOutKind);
    expect([tallies.optOuts.count, tallies.possibleOptOuts.count]).toEqual([7, 1]);
    expect({ optOuts: data.optOuts, possibleOptOuts: data.possibleOptOuts }).toEqual(tallies);
    const dates = data.messages.map((message: { date: string }) => message.date);
    expect(dates).toEqual([...dates].sort().reverse());
    expect(data.messages.filter((m: { optOut: boolean }) => m.optOut).map((m: { id: string }) => m.id).sort()).toEqual(optOuts.map((m) => m.id).sort());
    const textById = new Map(inbox.map((message) => [message.id, message.text]));
    for (const message of data.messages) expect(message.optOutKind).toBe(demoOptOutKind(textById.get(message.id) ?? ''));
    expect(text).toContain('Opt-outs (RET) among them: 7 from 7 senders');
    expect(text).toContain('Possible opt-outs, review: 1 message from 1 sender has RET inside a longer text (more than 3 words)');
    expect(text).toContain('[POSSIBLE OPT-OUT, review]: "Ürünü iade (RETURN) etmek istiyorum, RET değil"');
    expect(text).toContain('UNTRUSTED third-party content');
    expect(text).toMatch(/<untrusted-sms-[0-9a-f]{12}>\n[\s\S]*\n<\/untrusted-sms-[0-9a-f]{12}>/);
  });

  it('filters opt-outs this week and by text under Turkish folding', async () => {
    const week = await call('read_inbox', { period: 'this_week', optOutOnly: true });
    const expected = FIXTURE_ACCOUNT.inbox.filter((m) => m.date.slice(0, 10) >= '2026-04-20' && OPT_OUT_TEXTS.includes(m.text));
    expect(week.data.matched).toBe(expected.length);
    expect(week.data.optOuts.count).toBe(expected.length);
    expect(week.data.messages.map((m: { id: string }) => m.id).sort()).toEqual(expected.map((m) => m.id).sort());

    // optOutOnly keeps the possible ones too, marked, and counts them apart.
    const sevenDays = await call('read_inbox', { period: 'last_7_days', optOutOnly: true });
    const lastWeek = FIXTURE_ACCOUNT.inbox.filter((m) => m.date.slice(0, 10) >= '2026-04-16' && OPT_OUT_TEXTS.includes(m.text));
    expect(sevenDays.data.matched).toBe(lastWeek.length);
    expect({ optOuts: sevenDays.data.optOuts, possibleOptOuts: sevenDays.data.possibleOptOuts }).toEqual(optOutTallies(lastWeek, demoOptOutKind));
    expect(sevenDays.data.possibleOptOuts.count).toBe(1);
    expect(sevenDays.data.messages.map((m) => m.optOutKind).sort()).toEqual(lastWeek.map((m) => demoOptOutKind(m.text)).sort());

    const bilgi = await call('read_inbox', { contains: 'bilgi' });
    expect(bilgi.data.messages.map((m: { text: string }) => m.text)).toEqual(['BİLGİ']);
  });

  it('says when the API returned only part of the inbox', async () => {
    const { data, text } = await call('read_inbox', { limit: 3 }, { fake: { inboxRowLimit: 10 } });
    expect(data).toMatchObject({ totalRows: FIXTURE_ACCOUNT.inbox.length, fetched: 10, complete: false, matched: 10, truncated: true });
    expect(data.messages).toHaveLength(3);
    expect(text).toContain(`INCOMPLETE: the API returned only 10 of the ${FIXTURE_ACCOUNT.inbox.length} messages`);
  });

  it('pages through matches with a cursor', async () => {
    const first = await call('read_inbox', { limit: 7 });
    const second = await call('read_inbox', { limit: 7, cursor: first.data.nextCursor });
    const third = await call('read_inbox', { limit: 7, cursor: second.data.nextCursor });
    const ids = [first, second, third].flatMap((page) => page.data.messages.map((m: { id: string }) => m.id));
    expect(third.data.nextCursor).toBeUndefined();
    expect(new Set(ids).size).toBe(FIXTURE_ACCOUNT.inbox.length);
    expect(session?.api.requests).toHaveLength(1);
  });
});

describe('tools/list', () => {
  it('registers nine read-only tools and matches the schema snapshot', async () => {
    session = await connect();
    const { tools } = await session.mcp.listTools();
    expect(tools.map((tool) => tool.name)).toEqual([
      'summarize_delivery',
      'list_orders',
      'list_recipients',
      'list_failed_numbers',
      'read_inbox',
      'audit_opt_outs',
      'trace_number',
      'check_blacklist',
      'read_balance',
    ]);
    for (const tool of tools) {
      expect(tool.annotations).toEqual({ readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true });
      expect(tool.inputSchema.additionalProperties).toBe(false);
      expect(tool.outputSchema).toBeDefined();
    }
    await expect(JSON.stringify(tools, null, 2)).toMatchFileSnapshot('./__snapshots__/tools-list.json');
  });
});
