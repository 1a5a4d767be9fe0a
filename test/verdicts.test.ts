import { afterEach, describe, expect, it } from 'vitest';
import type { InboxMessage, Order } from '../src/api/schemas.js';
import { generateDemoAccount } from '../src/demo/account.js';
import type { SimulatedAccount } from '../src/simulator/api-server.js';
import { DEMO_OPT_OUT_TEXTS, auditCounts, auditOf, demoOptOutKind, ordersBetween, totals } from './support/ground-truth.js';
import { type Connected, FIXTURE_ACCOUNT, connect, textOf } from './support/harness.js';

/**
 * Verdicts and figures that know what they covered: every answer over a range states its span,
 * "clean" needs something audited, and grouped results are complete series with their rates.
 */

let session: Connected | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

async function call(name: string, args: Record<string, unknown>, options: Parameters<typeof connect>[0] = {}) {
  session ??= await connect(options);
  const result = await session.mcp.callTool({ name, arguments: args });
  return { result, text: textOf(result), data: result.structuredContent as Record<string, unknown> & { span: unknown } };
}

/** Monday 2026-12-07, 01:53 in Istanbul: this week is two hours old. */
const EARLY_MONDAY = new Date('2026-12-06T22:53:00Z');
const EARLY_MONDAY_ACCOUNT = generateDemoAccount({ now: EARLY_MONDAY });
const earlyMonday = { clock: () => EARLY_MONDAY, fake: { account: EARLY_MONDAY_ACCOUNT } };
const UNTIL = '2026-12-07T01:53:00+03:00';
const LAST_7_DAYS = { start: '2026-12-01', end: '2026-12-07' };

/** The span expected from the days of some dated records, by plain loops over the fixture data. */
function expectedSpan(dates: readonly string[], range: { start: string; end: string }, days: number, until: string | null) {
  const withData = [...new Set(dates.map((date) => date.slice(0, 10)))].filter((day) => day >= range.start && day <= range.end).sort();
  return {
    days,
    daysWithData: withData.length,
    firstDayWithData: withData[0] ?? null,
    lastDayWithData: withData.at(-1) ?? null,
    listedDaysWithData: withData.length <= 5 ? withData : [],
    soFar: until !== null,
    until,
  };
}

/** The day `days` before a timestamp's day, by plain UTC day arithmetic. */
const daysBefore = (timestamp: string, days: number) => new Date(Date.parse(`${timestamp.slice(0, 10)}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

const inboxBetween = (inbox: readonly InboxMessage[], range: { start: string; end: string }) =>
  inbox.filter((message) => message.date.slice(0, 10) >= range.start && message.date.slice(0, 10) <= range.end);

describe('a verdict states its span', () => {
  it('audits "this_week" early on a Monday as nothing to audit, not clean, and points to the last 7 days', async () => {
    const { data, text } = await call('audit_opt_outs', { period: 'this_week' }, earlyMonday);
    expect(inboxBetween(EARLY_MONDAY_ACCOUNT.inbox, { start: '2026-12-07', end: '2026-12-07' })).toEqual([]);
    expect(data).toMatchObject({
      range: { start: '2026-12-07', end: '2026-12-07', timezone: 'Europe/Istanbul' },
      verdict: 'nothing_to_audit',
      span: { days: 1, daysWithData: 0, firstDayWithData: null, lastDayWithData: null, soFar: true, until: UNTIL },
      optOuts: 0,
      inbox: { totalRows: EARLY_MONDAY_ACCOUNT.inbox.length, fetched: EARLY_MONDAY_ACCOUNT.inbox.length, complete: true, inRange: 0 },
    });
    expect(text).toContain('Covered so far: Mon 2026-12-07 00:00 – 01:53 (Istanbul time); inbox messages on 0 of 1 day.');
    expect(text).toContain('Verdict: nothing to audit in this range.');
    expect(text).not.toContain('Verdict: clean');
    expect(text).not.toContain('Blacklist: every checkable opted-out number is on it');
    expect(text).toContain('This range has only 1 day: for a rolling view of opt-outs, audit period "last_7_days"');

    // The rolling week it points to holds the opt-outs, one of them not blacklisted.
    const week = await call('audit_opt_outs', { period: 'last_7_days' });
    const truth = auditOf(
      EARLY_MONDAY_ACCOUNT,
      (order) => EARLY_MONDAY_ACCOUNT.recipients?.(order) ?? [],
      LAST_7_DAYS,
      demoOptOutKind,
      '2026-12-07',
      '2026-12-07 01:53:00',
    );
    const received = inboxBetween(EARLY_MONDAY_ACCOUNT.inbox, LAST_7_DAYS);
    // Partial, not action needed alone: without a scheduling horizon, earlier orders scheduled into the week were not seen.
    expect(week.data).toMatchObject({
      verdict: 'partial',
      complete: false,
      scheduleGap: { submittedBefore: daysBefore(truth.map((item) => item.optedOutAt).sort()[0] ?? '', 30), reason: 'horizon_unknown' },
      optOuts: auditCounts(truth, 'clear').count,
      notBlacklisted: 1,
      inbox: { inRange: received.length },
      span: expectedSpan(received.map((message) => message.date), LAST_7_DAYS, 7, UNTIL),
    });
    expect(week.data.span).toEqual({
      days: 7,
      daysWithData: 5,
      firstDayWithData: '2026-12-01',
      lastDayWithData: '2026-12-06',
      listedDaysWithData: ['2026-12-01', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06'],
      soFar: true,
      until: UNTIL,
    });
    expect(truth.filter((item) => item.blacklisted === false).map((item) => item.number)).toEqual(['+905078889900']);
    expect(week.text).toContain(
      'Covered so far: Tue 2026-12-01 00:00 – Mon 2026-12-07 01:53 (Istanbul time); inbox messages on 5 of 7 days (2026-12-01, 2026-12-03, 2026-12-04, 2026-12-05, 2026-12-06).',
    );
    expect(week.text).not.toContain('last_7_days"');
  });

  it('calls an audit clean only when it audited an opt-out, and a range without one nothing to audit, with the short-range hint when short', async () => {
    const message: InboxMessage = { id: '1', date: '2026-04-10 10:00:00', sender: '+905321234567', number: '+908501234567', text: 'Teşekkürler' };
    const account: SimulatedAccount = { orders: [], inbox: [message] };
    // A message, but no opt-out: nothing was checked, and opt-outs from before the range are not this audit's.
    const withMessage = await call('audit_opt_outs', { start: '2026-04-09', end: '2026-04-10' }, { fake: { account } });
    expect(withMessage.data).toMatchObject({
      verdict: 'nothing_to_audit',
      optOuts: 0,
      possibleOptOuts: { count: 0 },
      inbox: { inRange: 1 },
      span: { days: 2, daysWithData: 1, firstDayWithData: '2026-04-10', lastDayWithData: '2026-04-10', listedDaysWithData: ['2026-04-10'], soFar: false, until: null },
    });
    expect(withMessage.text).toContain('Covered: inbox messages on 1 of 2 days (2026-04-10).');
    expect(withMessage.text).toContain(
      'Verdict: nothing to audit in this range. The one inbox message received in it is not an opt-out (RET), so no opt-out was checked; ' +
        'this is not a clean result, and opt-outs received before the range are not covered.',
    );
    expect(withMessage.text).toContain('This range has only 2 days: for a rolling view of opt-outs, audit period "last_7_days"');
    await session?.close();
    session = undefined;

    // The same range with a blocked opt-out and no order at all: something was audited, and it is clean.
    const optOut: InboxMessage = { ...message, id: '2', date: '2026-04-10 11:00:00', text: 'RET' };
    const audited = await call(
      'audit_opt_outs',
      { start: '2026-04-09', end: '2026-04-10', scheduleHorizonDays: 30 },
      { fake: { account: { ...account, inbox: [message, optOut], blacklist: [{ number: '5321234567', at: '2026-04-10 11:05:00' }] } } },
    );
    expect(audited.data).toMatchObject({ verdict: 'clean', optOuts: 1, notBlacklisted: 0, messagedAfterOptOut: 0, complete: true });
    expect(audited.text).toContain('Verdict: clean.');

    const empty = await call('audit_opt_outs', { start: '2026-03-01', end: '2026-03-31' });
    expect(empty.data).toMatchObject({ verdict: 'nothing_to_audit', inbox: { inRange: 0 }, span: { days: 31, daysWithData: 0, soFar: false } });
    expect(empty.text).toContain('Covered: inbox messages on 0 of 31 days.');
    expect(empty.text).toContain('Verdict: nothing to audit in this range.');
    expect(empty.text).not.toContain('rolling view');
  });

  it('summarize_delivery states what it covered: so far for a range reaching today, the days with orders for any range', async () => {
    const monday = await call('summarize_delivery', { period: 'this_week' }, earlyMonday);
    expect(monday.data).toMatchObject({ orders: 0, span: { days: 1, daysWithData: 0, firstDayWithData: null, lastDayWithData: null, soFar: true, until: UNTIL } });
    expect(monday.text).toContain('Covered so far: Mon 2026-12-07 00:00 – 01:53 (Istanbul time); orders on 0 of 1 day.');

    const week = await call('summarize_delivery', { period: 'last_7_days' });
    const orders = ordersBetween(EARLY_MONDAY_ACCOUNT.orders, LAST_7_DAYS.start, LAST_7_DAYS.end);
    expect(week.data.orders).toBe(orders.length);
    expect(week.data.span).toEqual(expectedSpan(orders.map((order) => order.submitAt), LAST_7_DAYS, 7, UNTIL));
    expect(week.data.span).toEqual({ days: 7, daysWithData: 6, firstDayWithData: '2026-12-01', lastDayWithData: '2026-12-06', listedDaysWithData: [], soFar: true, until: UNTIL });
    expect(week.text).toContain('Covered so far: Tue 2026-12-01 00:00 – Mon 2026-12-07 01:53 (Istanbul time); orders on 6 of 7 days, first 2026-12-01, last 2026-12-06.');
  });

  it('summarize_delivery counts the days with orders of a past range, with no "so far"', async () => {
    const gappy: Order[] = ['2026-03-03 09:00:00', '2026-03-03 15:00:00', '2026-03-20 10:00:00'].map((at, index) => ({
      id: index + 1,
      status: 114,
      total: 10,
      delivered: 9,
      undelivered: 1,
      waiting: 0,
      submitAt: at,
      sendAt: at,
      sender: 'ACME',
    }));
    const { data, text } = await call('summarize_delivery', { period: 'last_month' }, { fake: { account: { orders: gappy, inbox: [] } } });
    expect(data.span).toEqual({ days: 31, daysWithData: 2, firstDayWithData: '2026-03-03', lastDayWithData: '2026-03-20', listedDaysWithData: ['2026-03-03', '2026-03-20'], soFar: false, until: null });
    expect(text.split('\n')[1]).toBe('Covered: orders on 2 of 31 days (2026-03-03, 2026-03-20).');
  });

  it('list_orders, list_failed_numbers and read_inbox state their span, taken when the data was read', async () => {
    const orders = ordersBetween(EARLY_MONDAY_ACCOUNT.orders, LAST_7_DAYS.start, LAST_7_DAYS.end);
    const span = expectedSpan(orders.map((order) => order.submitAt), LAST_7_DAYS, 7, UNTIL);
    const line = 'Covered so far: Tue 2026-12-01 00:00 – Mon 2026-12-07 01:53 (Istanbul time); ';

    const listed = await call('list_orders', { period: 'last_7_days', limit: 5 }, earlyMonday);
    expect(listed.data.span).toEqual(span);
    expect(listed.text.split('\n')[1]).toBe(`${line}matching orders on 6 of 7 days, first 2026-12-01, last 2026-12-06.`);
    // The next page repeats the span of the reading it continues.
    const next = await call('list_orders', { cursor: listed.data.nextCursor });
    expect(next.data.span).toEqual(span);

    const failing = await call('list_failed_numbers', { period: 'last_7_days' });
    expect(failing.data.span).toEqual(span);
    expect(failing.text.split('\n')[1]).toBe(`${line}orders on 6 of 7 days, first 2026-12-01, last 2026-12-06.`);

    const inbox = await call('read_inbox', { period: 'last_7_days', optOutOnly: true });
    const optOuts = inboxBetween(EARLY_MONDAY_ACCOUNT.inbox, LAST_7_DAYS).filter((message) => DEMO_OPT_OUT_TEXTS.includes(message.text));
    expect(inbox.data.span).toEqual(expectedSpan(optOuts.map((message) => message.date), LAST_7_DAYS, 7, UNTIL));
    expect(inbox.data.span).toEqual({ days: 7, daysWithData: 3, firstDayWithData: '2026-12-03', lastDayWithData: '2026-12-06', listedDaysWithData: ['2026-12-03', '2026-12-04', '2026-12-06'], soFar: true, until: UNTIL });
    expect(inbox.text.split('\n')[1]).toBe(`${line}matching messages on 3 of 7 days (2026-12-03, 2026-12-04, 2026-12-06).`);

    const whole = await call('read_inbox', {});
    expect(whole.data.span).toBeNull();
    expect(whole.text).not.toContain('Covered');
  });

  it("read_balance states its basis's days with orders, and that a message may use more than one credit", async () => {
    const { data, text } = await call('read_balance', {});
    const basis = { start: '2026-03-23', end: '2026-04-21' };
    const orders = ordersBetween(FIXTURE_ACCOUNT.orders, basis.start, basis.end);
    expect(data.span).toEqual(expectedSpan(orders.map((order) => order.submitAt), basis, 30, null));
    expect(data.span).toMatchObject({ daysWithData: 30 });
    expect(text).toContain('Covered: orders on 30 of 30 days.');
    const runway = 250_000 / (totals(orders).total / 30);
    expect(text).toContain(
      `the SMS credit lasts about ${runway.toFixed(1)} days, counting one credit a message. ` +
        'A long message, or one with Turkish characters (ç, ğ, ı, ö, ş, ü), may use more than one credit, so the credit may run out sooner.',
    );
  });
});

describe('grouped results are complete series', () => {
  const order = (id: number, submitAt: string, counters: { total: number; delivered: number; undelivered: number; waiting?: number }, sender = 'ACME'): Order => ({
    id,
    status: (counters.waiting ?? 0) > 0 ? 113 : 114,
    waiting: 0,
    ...counters,
    submitAt,
    sendAt: submitAt,
    sender,
  });
  const orders: Order[] = [
    order(1, '2026-02-20 09:00:00', { total: 10, delivered: 8, undelivered: 2 }),
    order(2, '2026-04-01 09:00:00', { total: 100, delivered: 90, undelivered: 10 }),
    order(3, '2026-04-01 11:00:00', { total: 20, delivered: 20, undelivered: 0 }),
    order(4, '2026-04-03 10:00:00', { total: 5, delivered: 0, undelivered: 0, waiting: 5 }),
  ];
  const account: SimulatedAccount = { orders, inbox: [] };
  const zero = (key: string) => ({ key, orders: 0, total: 0, delivered: 0, undelivered: 0, waiting: 0, provisional: false, deliveryRate: null });

  it('lists every day of the range in time order, zeros included, each with its delivery rate', async () => {
    const { data, text } = await call('summarize_delivery', { start: '2026-03-30', end: '2026-04-04', groupBy: 'day' }, { fake: { account } });
    expect(data.groups).toEqual([
      zero('2026-03-30'),
      zero('2026-03-31'),
      { key: '2026-04-01', orders: 2, total: 120, delivered: 110, undelivered: 10, waiting: 0, provisional: false, deliveryRate: 110 / 120 },
      zero('2026-04-02'),
      { key: '2026-04-03', orders: 1, total: 5, delivered: 0, undelivered: 0, waiting: 5, provisional: true, deliveryRate: null },
      zero('2026-04-04'),
    ]);
    expect(text.slice(text.indexOf('By group:'))).toBe(
      [
        'By group:',
        '- "2026-03-30" – "2026-03-31": no orders (2 groups)',
        '- "2026-04-01": 2 orders, 120 messages, 110 delivered, 10 undelivered; delivery rate 91.7%',
        '- "2026-04-02": no orders',
        '- "2026-04-03": 1 order, 5 messages, 0 delivered, 0 undelivered, 5 waiting (provisional); nothing settled',
        '- "2026-04-04": no orders',
      ].join('\n'),
    );
  });

  it('folds each run of days without orders into one line, so a long series shows the days that had orders', async () => {
    // this_year at the harness's 2026-04-22: 112 days, of which 3 had orders.
    const { data, text } = await call('summarize_delivery', { period: 'this_year', groupBy: 'day' }, { fake: { account } });
    const groups = data.groups as Array<{ key: string; orders: number }>;
    expect([groups.length, groups[0]?.key, groups.at(-1)?.key]).toEqual([112, '2026-01-01', '2026-04-22']);
    expect(groups.filter((group) => group.orders > 0).map((group) => group.key)).toEqual(['2026-02-20', '2026-04-01', '2026-04-03']);
    expect(text.slice(text.indexOf('By group:'))).toBe(
      [
        'By group:',
        '- "2026-01-01" – "2026-02-19": no orders (50 groups)',
        '- "2026-02-20": 1 order, 10 messages, 8 delivered, 2 undelivered; delivery rate 80.0%',
        '- "2026-02-21" – "2026-03-31": no orders (39 groups)',
        '- "2026-04-01": 2 orders, 120 messages, 110 delivered, 10 undelivered; delivery rate 91.7%',
        '- "2026-04-02": no orders',
        '- "2026-04-03": 1 order, 5 messages, 0 delivered, 0 undelivered, 5 waiting (provisional); nothing settled',
        '- "2026-04-04" – "2026-04-22": no orders (19 groups)',
      ].join('\n'),
    );
  });

  it('lists every week (keyed by its Monday) and every month of the range, zeros included', async () => {
    const weeks = await call('summarize_delivery', { start: '2026-03-25', end: '2026-04-14', groupBy: 'week' }, { fake: { account } });
    expect(weeks.data.groups).toEqual([
      zero('2026-03-23'),
      { key: '2026-03-30', orders: 3, total: 125, delivered: 110, undelivered: 10, waiting: 5, provisional: true, deliveryRate: 110 / 120 },
      zero('2026-04-06'),
      zero('2026-04-13'),
    ]);
    const months = await call('summarize_delivery', { start: '2026-02-15', end: '2026-04-10', groupBy: 'month' });
    expect(months.data.groups).toEqual([
      { key: '2026-02', orders: 1, total: 10, delivered: 8, undelivered: 2, waiting: 0, provisional: false, deliveryRate: 0.8 },
      zero('2026-03'),
      { key: '2026-04', orders: 3, total: 125, delivered: 110, undelivered: 10, waiting: 5, provisional: true, deliveryRate: 110 / 120 },
    ]);
  });

  it('sorts senders by messages, with their rates, and names the best and the worst of at least 100 messages', async () => {
    const day = '2026-04-10';
    const senders: Order[] = [
      // Many orders but few messages: C comes after the senders with more messages, whatever its order count.
      ...[1, 2, 3, 4, 5].map((id) => order(id, `${day} 0${id}:00:00`, { total: 10, delivered: 10, undelivered: 0 }, 'C')),
      order(6, `${day} 10:00:00`, { total: 1_000, delivered: 950, undelivered: 50 }, 'A'),
      order(7, `${day} 11:00:00`, { total: 500, delivered: 490, undelivered: 10 }, 'B'),
      order(8, `${day} 12:00:00`, { total: 200, delivered: 0, undelivered: 0, waiting: 200 }, 'D'),
      order(9, `${day} 13:00:00`, { total: 120, delivered: 100, undelivered: 20 }, 'E'),
    ];
    const { data, text } = await call('summarize_delivery', { start: day, end: day, groupBy: 'sender' }, { fake: { account: { orders: senders, inbox: [] } } });
    const groups = data.groups as Array<{ key: string; total: number; deliveryRate: number | null }>;
    expect(groups.map((group) => [group.key, group.total, group.deliveryRate])).toEqual([
      ['A', 1_000, 0.95],
      ['B', 500, 0.98],
      ['D', 200, null],
      ['E', 120, 100 / 120],
      ['C', 50, 1],
    ]);
    expect(data.senderRates).toEqual({
      minMessages: 100,
      best: { key: 'B', deliveryRate: 0.98, total: 500 },
      worst: { key: 'E', deliveryRate: 100 / 120, total: 120 },
    });
    expect(text).toContain('Among senders with at least 100 messages: best delivery rate "B" 98.0% (500 messages), worst "E" 83.3% (120 messages).');
  });

  it('says when no sender has enough messages to be rated', async () => {
    const { data, text } = await call('summarize_delivery', { start: '2026-02-20', end: '2026-02-20', groupBy: 'sender' }, { fake: { account } });
    expect(data.senderRates).toEqual({ minMessages: 100, best: null, worst: null });
    expect(text).toContain('No sender has at least 100 messages with some settled, so none is named best or worst.');
  });

  it('refuses, before any request, a period series longer than one answer holds, and serves the longer grouping', async () => {
    const range = { start: '2025-01-01', end: '2026-04-22' };
    const { result, text } = await call('summarize_delivery', { ...range, groupBy: 'day' }, { maxRangeDays: 600 });
    expect(result.isError).toBe(true);
    expect(text).toContain('Invalid groupBy: grouping 2025-01-01..2026-04-22 by day gives 477 groups, more than the 400 one answer holds');
    expect(session?.api.requests).toHaveLength(0);
    const weeks = await call('summarize_delivery', { ...range, groupBy: 'week' });
    expect(weeks.result.isError).toBeFalsy();
    expect((weeks.data.groups as unknown[]).length).toBe(69);
    // A day series of 400 days, longer than the default longest range (366), fits in one bounded answer.
    const days = await session?.mcp.callTool({ name: 'summarize_delivery', arguments: { start: '2025-03-19', end: '2026-04-22', groupBy: 'day' } });
    const groups = (days?.structuredContent as { groups: Array<{ key: string; orders: number }> }).groups;
    expect([groups.length, groups[0]?.key, groups.at(-1)?.key]).toEqual([400, '2025-03-19', '2026-04-22']);
    // The text folds the days before the account's first order into one line, then has room for 30 days with orders.
    const firstWithOrders = groups.findIndex((group) => group.orders > 0);
    expect(groups.slice(firstWithOrders, firstWithOrders + 30).every((group) => group.orders > 0)).toBe(true);
    const lines = textOf(days).split('\n');
    const byGroup = lines.slice(lines.indexOf('By group:') + 1);
    expect(byGroup[0]).toBe(`- "2025-03-19" – "${groups[firstWithOrders - 1]?.key}": no orders (${firstWithOrders} groups)`);
    expect(byGroup.slice(1, 31).map((line) => line.slice(3, 13))).toEqual(groups.slice(firstWithOrders, firstWithOrders + 30).map((group) => group.key));
    expect(byGroup.slice(31)).toEqual([`…and ${400 - firstWithOrders - 30} more groups in structuredContent.groups.`]);
    expect(Buffer.byteLength(JSON.stringify(days))).toBeLessThan(256 * 1024);
  });
});
