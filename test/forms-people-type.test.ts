import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboxMessage, Order } from '../src/api/schemas.js';
import { TOOLS } from '../src/tools/index.js';
import {
  DEMO_OPT_OUT_TEXTS,
  ORDER_SORT_TRUTH,
  demoOptOutKind,
  expectedNumber,
  failedNumbersOf,
  newestFirst,
  ordersBetween,
  totals,
  traceOf,
} from './support/ground-truth.js';
import { type Connected, FIXTURE_ACCOUNT, connect, textOf } from './support/harness.js';
import { distinctSenders, inboxSendersByMessages, sendersByMessages } from './support/sender-truth.js';
import { PHONE_FORMS_OF_5325556677 } from './support/phone-forms.js';

/**
 * Every filter of every tool, in the forms people type, through the real MCP client against the
 * demo account: each form either answers exactly what the fixture data holds, or is refused with
 * a reason. Expected figures come from the fixture by plain loops; expected senders are named
 * here by hand, not by the server's matching rule.
 */

let session: Connected;
beforeAll(async () => {
  session = await connect();
});
afterAll(async () => {
  await session.close();
});

interface Answer {
  isError: boolean;
  text: string;
  data: Record<string, unknown>;
}

/** Every tool input this file has sent, as tool.field: the table's coverage, checked at its end. */
const exercised = new Set<string>();

async function ask(tool: string, args: Record<string, unknown>): Promise<Answer> {
  for (const field of Object.keys(args)) exercised.add(`${tool}.${field}`);
  const result = await session.mcp.callTool({ name: tool, arguments: args });
  return { isError: result.isError === true, text: textOf(result), data: (result.structuredContent ?? {}) as Record<string, unknown> };
}

const TIMEZONE = 'Europe/Istanbul';
const LAST_7_DAYS = { start: '2026-04-16', end: '2026-04-22' };
const LAST_MONTH = { start: '2026-03-01', end: '2026-03-31' };
const WEEK_ORDERS = ordersBetween(FIXTURE_ACCOUNT.orders, LAST_7_DAYS.start, LAST_7_DAYS.end);
const recipientsOf = (order: Order) => FIXTURE_ACCOUNT.recipients?.(order) ?? [];

/** A sender as typed, the demo sender it must find, and how: ignoring case, or only with Turkish letters folded. */
type SenderForm = [typed: string, sender: string, match: 'exact' | 'folded'];

const SENDER_FORMS: SenderForm[] = [
  ['ACME BİLGİ', 'ACME BİLGİ', 'exact'],
  ['acme bilgi', 'ACME BİLGİ', 'exact'],
  ['Acme Bilgi', 'ACME BİLGİ', 'exact'],
  ['ACME BI\u0307LGI\u0307', 'ACME BİLGİ', 'exact'], // İ written as I and a combining dot
  ['  ACME BİLGİ ', 'ACME BİLGİ', 'exact'],
  ['ACME BILGI', 'ACME BİLGİ', 'folded'],
  ['acme bılgı', 'ACME BİLGİ', 'folded'],
  ['Acme  Bilgi', 'ACME BİLGİ', 'folded'],
  ['kargotakip', 'KARGOTAKIP', 'exact'],
  ['KARGOTAKİP', 'KARGOTAKIP', 'folded'],
  ['istklinik', 'ISTKLINIK', 'exact'],
  ['İSTKLİNİK', 'ISTKLINIK', 'folded'],
  ['EMARKA TEST', 'eMarka Test', 'exact'],
  ['acme market', 'ACME MARKET', 'exact'],
];

const PHONE_FORMS = PHONE_FORMS_OF_5325556677;

/** Inputs that name no sender of the demo's orders. */
const UNKNOWN_SENDERS = ['ACME BILGISAYAR', 'ACME', '+905325556677', 'NOPE'];

function bySender(orders: readonly Order[], sender: string): Order[] {
  return orders.filter((order) => order.sender === sender);
}

function counters(orders: readonly Order[]) {
  const { orders: count, total, delivered, undelivered, waiting, statusCounts } = totals([...orders]);
  return { orders: count, total, delivered, undelivered, waiting, statusCounts };
}

function matchedFilter(typed: string, sender: string, match: 'exact' | 'folded', orders: readonly Order[]) {
  return { sender: typed, match, matchedSenders: [sender], distinctSenders: distinctSenders(orders) };
}

function unmatchedFilter(typed: string, orders: readonly Order[]) {
  return { sender: typed, match: 'none', matchedSenders: [], sendersInRange: sendersByMessages(orders), distinctSenders: distinctSenders(orders) };
}

function expectNoMatchText(text: string, typed: string, orders: readonly Order[]): void {
  expect(text).toContain(`Sender ${JSON.stringify(typed)} matched no order submitted in this range`);
  const [largest] = sendersByMessages(orders);
  expect(text).toContain(`${JSON.stringify(largest?.sender)} (${largest?.messages.toLocaleString('en-US')} messages in ${largest?.orders} orders)`);
  expect(text).not.toContain('No message has settled yet');
}

describe('summarize_delivery: sender', () => {
  it.each(SENDER_FORMS)('%j finds the orders of %j (%s)', async (typed, sender, match) => {
    const orders = bySender(WEEK_ORDERS, sender);
    const answer = await ask('summarize_delivery', { period: 'last_7_days', sender: typed });
    expect(answer.isError, answer.text).toBe(false);
    expect(answer.data).toMatchObject({ ...counters(orders), senderFilter: matchedFilter(typed, sender, match, WEEK_ORDERS) });
    expect(orders.length).toBeGreaterThan(0);
  });

  it.each(UNKNOWN_SENDERS)('%j matches nothing, and the answer names the senders that exist', async (typed) => {
    const answer = await ask('summarize_delivery', { period: 'last_7_days', sender: typed });
    expect(answer.isError, answer.text).toBe(false);
    expect(answer.data).toMatchObject({ orders: 0, total: 0, deliveryRate: null, senderFilter: unmatchedFilter(typed, WEEK_ORDERS) });
    expectNoMatchText(answer.text, typed, WEEK_ORDERS);
  });
});

describe('summarize_delivery: groupBy', () => {
  const weekSenders = sendersByMessages(WEEK_ORDERS, Number.MAX_SAFE_INTEGER).map((entry) => entry.sender);
  it.each([
    ['day', ['2026-04-16', '2026-04-17', '2026-04-18', '2026-04-19', '2026-04-20', '2026-04-21', '2026-04-22']],
    ['week', ['2026-04-13', '2026-04-20']],
    ['month', ['2026-04']],
    ['sender', weekSenders],
  ] as const)('groupBy %j gives the groups %j', async (groupBy, keys) => {
    const answer = await ask('summarize_delivery', { period: 'last_7_days', groupBy });
    expect((answer.data.groups as Array<{ key: string }>).map((group) => group.key)).toEqual(keys);
  });

  it.each([['Day'], ['daily'], ['weekly'], ['by sender'], ['SENDER']])('groupBy %j is refused with the groupings it takes', async (groupBy) => {
    const answer = await ask('summarize_delivery', { period: 'last_7_days', groupBy });
    expect(answer.isError).toBe(true);
    expect(answer.text).toContain('groupBy must be one of sender, day, week, month');
  });
});

describe('list_orders: sender and status', () => {
  it.each(SENDER_FORMS)('%j lists the orders of %j (%s)', async (typed, sender, match) => {
    const orders = bySender(WEEK_ORDERS, sender);
    const answer = await ask('list_orders', { period: 'last_7_days', sender: typed, limit: 500 });
    expect(answer.isError, answer.text).toBe(false);
    expect(answer.data).toMatchObject({ totalOrders: orders.length, senderFilter: matchedFilter(typed, sender, match, WEEK_ORDERS) });
    expect((answer.data.orders as Order[]).map((order) => order.id)).toEqual(newestFirst(orders).map((order) => order.id));
  });

  it.each(UNKNOWN_SENDERS)('%j matches nothing, and the answer names the senders that exist', async (typed) => {
    const answer = await ask('list_orders', { period: 'last_7_days', sender: typed });
    expect(answer.data).toMatchObject({ totalOrders: 0, orders: [], senderFilter: unmatchedFilter(typed, WEEK_ORDERS) });
    expectNoMatchText(answer.text, typed, WEEK_ORDERS);
  });

  it.each([
    ['in_progress', 113, undefined],
    ['completed', 114, undefined],
    ['failed', 115, undefined],
    ['completed', 114, 'ACME BILGI'],
    ['in_progress', 113, 'kargotakip'],
  ] as const)('status %j (%i) with sender %j', async (status, code, typed) => {
    const orders = WEEK_ORDERS.filter((order) => order.status === code && (typed === undefined || order.sender === (typed === 'ACME BILGI' ? 'ACME BİLGİ' : 'KARGOTAKIP')));
    const answer = await ask('list_orders', { period: 'last_7_days', status, limit: 500, ...(typed ? { sender: typed } : {}) });
    expect(answer.data.totalOrders).toBe(orders.length);
    expect((answer.data.orders as Order[]).map((order) => order.id)).toEqual(newestFirst(orders).map((order) => order.id));
  });

  it.each([['IN_PROGRESS'], ['In progress'], ['pending'], ['113'], [113]])('status %j is refused with the states it takes', async (status) => {
    const answer = await ask('list_orders', { period: 'last_7_days', status });
    expect(answer.isError).toBe(true);
    expect(answer.text).toContain('status must be one of in_progress, completed, failed');
  });
});

describe('list_orders: minMessages and sort', () => {
  it.each([1, 100, 1_000])('minMessages %i', async (minMessages) => {
    const answer = await ask('list_orders', { period: 'last_7_days', minMessages, limit: 500 });
    const kept = WEEK_ORDERS.filter((order) => order.total >= minMessages);
    expect(answer.data).toMatchObject({ totalOrders: kept.length, belowMinMessages: WEEK_ORDERS.length - kept.length });
    expect((answer.data.orders as Array<{ id: number }>).map((order) => order.id)).toEqual(newestFirst(kept).map((order) => order.id));
  });

  it.each([[0], [-1], [1.5], ['100']])('minMessages %j is refused', async (minMessages) => {
    const answer = await ask('list_orders', { period: 'last_7_days', minMessages });
    expect(answer.isError).toBe(true);
    expect(answer.text).toContain('minMessages must be a whole number of messages, 1 or more');
  });

  it.each(['newest', 'oldest', 'most_undelivered', 'lowest_rate'] as const)('sort %j', async (sort) => {
    const answer = await ask('list_orders', { period: 'last_7_days', sort, limit: 20 });
    const expected = [...WEEK_ORDERS].sort(ORDER_SORT_TRUTH[sort]).slice(0, 20);
    expect((answer.data.orders as Array<{ id: number }>).map((order) => order.id)).toEqual(expected.map((order) => order.id));
  });

  it.each([['Newest'], ['newest first'], ['failures'], ['rate']])('sort %j is refused with the orders it takes', async (sort) => {
    const answer = await ask('list_orders', { period: 'last_7_days', sort });
    expect(answer.isError).toBe(true);
    expect(answer.text).toContain('sort must be one of newest, oldest, most_undelivered, lowest_rate');
  });
});

describe('list_failed_numbers: sender and minFailures', () => {
  it.each(SENDER_FORMS.filter(([typed]) => ['ACME BİLGİ', 'acme bılgı', 'ACME BILGI', 'KARGOTAKİP', 'istklinik'].includes(typed)))(
    '%j reads the failures of %j (%s)',
    async (typed, sender, match) => {
      const orders = bySender(WEEK_ORDERS, sender);
      const truth = failedNumbersOf(orders, recipientsOf);
      const answer = await ask('list_failed_numbers', { period: 'last_7_days', sender: typed, limit: 500 });
      expect(answer.data).toMatchObject({
        ordersScanned: orders.length,
        ordersWithFailures: orders.filter((order) => order.undelivered > 0).length,
        failedMessages: totals(orders).undelivered,
        expectedFailedMessages: totals(orders).undelivered,
        numbers: truth.length,
        items: truth,
        senderFilter: matchedFilter(typed, sender, match, WEEK_ORDERS),
      });
    },
  );

  it.each(UNKNOWN_SENDERS)('%j matches nothing, and the answer names the senders that exist', async (typed) => {
    const answer = await ask('list_failed_numbers', { period: 'last_7_days', sender: typed });
    expect(answer.data).toMatchObject({ ordersScanned: 0, failedMessages: 0, numbers: 0, items: [], senderFilter: unmatchedFilter(typed, WEEK_ORDERS) });
    expectNoMatchText(answer.text, typed, WEEK_ORDERS);
  });

  it.each([1, 2, 3])('minFailures %i', async (minFailures) => {
    const truth = failedNumbersOf(WEEK_ORDERS, recipientsOf);
    const answer = await ask('list_failed_numbers', { period: 'last_7_days', minFailures, limit: 500 });
    expect(answer.data).toMatchObject({ numbers: truth.length, matched: truth.filter((entry) => entry.failures >= minFailures).length });
    expect(answer.data.items).toEqual(truth.filter((entry) => entry.failures >= minFailures).slice(0, 500));
  });

  it.each([[0], [-1], [1.5], ['2']])('minFailures %j is refused', async (minFailures) => {
    const answer = await ask('list_failed_numbers', { period: 'last_7_days', minFailures });
    expect(answer.isError).toBe(true);
    expect(answer.text).toContain('minFailures must be a whole number from 1');
  });
});

describe('list_recipients: orderId and status', () => {
  // A campaign of yesterday still going out: recipients in all three states.
  const order = FIXTURE_ACCOUNT.orders.find((candidate) => candidate.status === 113 && candidate.undelivered > 0 && candidate.total >= 200) as Order;
  const recipients = recipientsOf(order);
  const countOf = (status: number) => recipients.filter((recipient) => recipient.status === status).length;

  it.each([
    [undefined, recipients.length],
    ['undelivered', countOf(112)],
    ['waiting', countOf(110)],
    ['delivered', countOf(111)],
  ] as const)('status %j', async (status, matched) => {
    const answer = await ask('list_recipients', { orderId: order.id, ...(status ? { status } : {}) });
    expect(answer.isError, answer.text).toBe(false);
    expect(answer.data).toMatchObject({ matched, recipientCounts: { delivered: countOf(111), undelivered: countOf(112), waiting: countOf(110), other: 0 } });
    expect(matched).toBeGreaterThan(0);
  });

  it.each([[String(order.id)], [`#${order.id}`], [0], [-5], [1.5]])('orderId %j is refused, saying it takes the id list_orders shows', async (orderId) => {
    const answer = await ask('list_recipients', { orderId });
    expect(answer.isError).toBe(true);
    expect(answer.text).toContain('orderId must be a positive whole number, the id list_orders shows');
  });

  it.each([['failed'], ['UNDELIVERED'], [112]])('status %j is refused with the states it takes', async (status) => {
    const answer = await ask('list_recipients', { orderId: order.id, status });
    expect(answer.isError).toBe(true);
    expect(answer.text).toContain('status must be one of undelivered, waiting, delivered');
  });
});

describe('read_inbox: sender, contains, optOutOnly', () => {
  const inbox = FIXTURE_ACCOUNT.inbox;
  const newest = (messages: readonly InboxMessage[]) =>
    [...messages].sort((a, b) => (a.date === b.date ? Number(b.id) - Number(a.id) : a.date < b.date ? 1 : -1)).map((message) => message.id);
  const idsOf = (answer: Answer) => (answer.data.messages as Array<{ id: string }>).map((message) => message.id);
  const inRange = (range: { start: string; end: string }) => inbox.filter((message) => message.date.slice(0, 10) >= range.start && message.date.slice(0, 10) <= range.end);

  it.each(PHONE_FORMS)('the number %j finds the messages of +905325556677', async (typed) => {
    const answer = await ask('read_inbox', { sender: typed });
    expect(answer.isError, answer.text).toBe(false);
    expect(idsOf(answer)).toEqual(newest(inbox.filter((message) => message.sender === '+905325556677')));
    expect(answer.data.matched).toBe(1);
    expect(answer.data.senderFilter).toEqual({
      sender: typed,
      readAs: 'phone-number',
      value: '+905325556677',
      match: 'exact',
      matchedSenders: ['+905325556677'],
      distinctSenders: distinctSenders(inbox),
    });
  });

  it.each([
    ['0532 123 45 67', 'today', '+905321234567'],
    ['5447771122', 'this_week', '+905447771122'],
    ['7889', undefined, '7889'],
    [' 7889 ', undefined, '7889'],
    ['7889', 'this_week', '7889'],
  ] as const)('%j over %s finds the messages of %j', async (typed, period, sender) => {
    const answer = await ask('read_inbox', { sender: typed, ...(period ? { period } : {}) });
    const range = period === 'today' ? { start: '2026-04-22', end: '2026-04-22' } : period === 'this_week' ? { start: '2026-04-20', end: '2026-04-22' } : undefined;
    const expected = (range ? inRange(range) : inbox).filter((message) => message.sender === sender);
    expect(idsOf(answer)).toEqual(newest(expected));
    expect(expected.length).toBeGreaterThan(0);
  });

  it.each([
    ['İŞ BANKASI', 'exact'],
    ['iş bankası', 'exact'],
    ['IS BANKASI', 'folded'],
    ['is bankasi', 'folded'],
    ['Is Bankası', 'folded'],
  ] as const)('the sender ID %j finds "İŞ BANKASI" (%s)', async (typed, match) => {
    const answer = await ask('read_inbox', { sender: typed });
    expect(idsOf(answer)).toEqual(newest(inbox.filter((message) => message.sender === 'İŞ BANKASI')));
    expect(answer.data.senderFilter).toMatchObject({ readAs: 'sender-id', value: typed.trim(), match, matchedSenders: ['İŞ BANKASI'] });
  });

  it.each([
    ['+905325556677', 'last_7_days', LAST_7_DAYS],
    ['4455', undefined, undefined],
    ['ACME', undefined, undefined],
    ['0532 000 00 00', 'this_week', { start: '2026-04-20', end: '2026-04-22' }],
  ] as const)('%j over %s matches nothing, and the answer lists the senders of the range, untrusted', async (typed, period, range) => {
    const answer = await ask('read_inbox', { sender: typed, ...(period ? { period } : {}) });
    const messages = range ? inRange(range) : inbox;
    expect(answer.data).toMatchObject({
      matched: 0,
      messages: [],
      senderFilter: { sender: typed, match: 'none', matchedSenders: [], sendersInRange: inboxSendersByMessages(messages), distinctSenders: distinctSenders(messages) },
    });
    const lines = answer.text.split('\n');
    expect(answer.text).toContain(`The ${distinctSenders(messages)} senders of the range are listed, by messages, in the untrusted section below.`);
    const opening = lines.findIndex((line) => line.startsWith('<untrusted-sms-'));
    expect(lines[opening + 1]).toBe(
      `senders of the range, by messages: ${inboxSendersByMessages(messages)
        .map((entry) => `${JSON.stringify(entry.sender)} (${entry.messages} message${entry.messages === 1 ? '' : 's'})`)
        .join(', ')}`,
    );
    // Third-party senders appear nowhere outside the untrusted section.
    expect(lines.slice(0, opening).join('\n')).not.toContain(JSON.stringify(inboxSendersByMessages(messages)[0]?.sender));
  });

  it.each([
    ['0532 555', '"0532 555" is not a number to look for: it is not a valid phone number (7 digits in all'],
    ['0532', '"0532" is not a number to look for: it is not a valid phone number (4 digits in all'],
    ['12', '"12" is not a number to look for'],
    ['+7889', '"+7889" is not a number to look for'],
    ['0532 555 66 77 88', '"0532 555 66 77 88" is not a number to look for: it is not a valid phone number (13 digits in all'],
    ['ACME MARKETING', '"ACME MARKETING" is longer than any SMS sender ID (at most 11 characters)'],
    ['!!!', '"!!!" is neither a phone number, a short code nor a sender ID'],
    ['---', '"---" is not a number to look for'],
  ])('the sender %j is refused with the reason', async (typed, reason) => {
    const answer = await ask('read_inbox', { sender: typed });
    expect(answer.isError).toBe(true);
    expect(answer.text).toContain(`Invalid sender: ${reason}`);
    expect(answer.text).toContain('Give a phone number (+905321234567, 0532 123 45 67, 5321234567…), a short code (7889)');
  });

  it.each([
    ['bilgi', ['BİLGİ']],
    ['BİLGİ', ['BİLGİ']],
    ['BILGI', ['BİLGİ']],
    ['siparis', ['Siparişim ne zaman gelir? Teşekkürler 🙏']],
    ['SİPARİŞ', ['Siparişim ne zaman gelir? Teşekkürler 🙏']],
    ['kargo', ['Kargo takip numaram çalışmıyor', 'ILT KARGOTAKIP rEt']],
    ['iptal', ['İPTAL']],
    ['calismiyor', ['Kargo takip numaram çalışmıyor']],
    ['anket', ['ACME ANKET A', 'ACME ANKET B']],
    ['zzz', []],
  ] as const)('contains %j', async (contains, texts) => {
    const answer = await ask('read_inbox', { contains });
    expect(idsOf(answer)).toEqual(newest(inbox.filter((message) => (texts as readonly string[]).includes(message.text))));
  });

  it('contains and sender together', async () => {
    const answer = await ask('read_inbox', { sender: '7889', contains: 'Anket' });
    expect(idsOf(answer)).toEqual(newest(inbox.filter((message) => message.text.startsWith('ACME ANKET'))));
  });

  it.each([
    [true, inbox.filter((message) => DEMO_OPT_OUT_TEXTS.includes(message.text))],
    [false, inbox],
  ])('optOutOnly %j', async (optOutOnly, expected) => {
    const answer = await ask('read_inbox', { optOutOnly, limit: 500 });
    expect(idsOf(answer)).toEqual(newest(expected));
  });
});

describe('audit_opt_outs: checkSends and scheduleHorizonDays', () => {
  /** The earliest day in the last 7 days on which the inbox holds an opt-out, clear or possible. */
  const earliestOptOut = FIXTURE_ACCOUNT.inbox
    .filter((message) => message.date.slice(0, 10) >= LAST_7_DAYS.start && demoOptOutKind(message.text) !== null)
    .map((message) => message.date.slice(0, 10))
    .sort()[0];
  const daysBefore = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);

  it.each([
    [false, false],
    [true, true],
  ])('checkSends %j', async (checkSends, checked) => {
    const answer = await ask('audit_opt_outs', { period: 'last_7_days', checkSends });
    expect(answer.data.sendsChecked).toBe(checked);
    if (!checked) expect(answer.data.sendsScanned).toBeNull();
  });

  it.each([['yes'], [1], ['true']])('checkSends %j is refused', async (checkSends) => {
    const answer = await ask('audit_opt_outs', { period: 'last_7_days', checkSends });
    expect(answer.isError).toBe(true);
    expect(answer.text).toContain('checkSends must be true or false');
  });

  it.each([0, 3])('scheduleHorizonDays %i scans from that many days before the earliest opt-out, leaving no gap', async (scheduleHorizonDays) => {
    expect(earliestOptOut).toBeDefined();
    const answer = await ask('audit_opt_outs', { period: 'last_7_days', scheduleHorizonDays });
    expect(answer.data.scheduleGap).toBeNull();
    expect((answer.data.sendsScanned as { start: string }).start).toBe(daysBefore(earliestOptOut ?? '', scheduleHorizonDays));
  });

  it.each([[-1], [1.5], [367], ['3']])('scheduleHorizonDays %j is refused', async (scheduleHorizonDays) => {
    const answer = await ask('audit_opt_outs', { period: 'last_7_days', scheduleHorizonDays });
    expect(answer.isError).toBe(true);
    expect(answer.text).toContain('scheduleHorizonDays must be a whole number of days from 0 to 366');
  });
});

describe('trace_number: number', () => {
  const day = { start: '2026-04-12', end: '2026-04-12' };
  const truth = traceOf(ordersBetween(FIXTURE_ACCOUNT.orders, day.start, day.end), recipientsOf, '+905325556677');

  it.each(PHONE_FORMS)('%j traces +905325556677', async (number) => {
    const answer = await ask('trace_number', { number, ...day });
    expect(answer.isError, answer.text).toBe(false);
    expect(answer.data.number).toBe('+905325556677');
    expect((answer.data.orders as Array<{ orderId: number }>).map((order) => order.orderId)).toEqual(truth.map((order) => order.orderId));
    expect(truth).toHaveLength(1);
  });

  it.each([
    ['7889', 'it is a short code, and orders go to phone numbers'],
    ['0532 555', 'it is not a valid phone number (7 digits in all'],
    ['ACME BİLGİ', 'it is not written like a phone number'],
    ['', 'it is not written like a phone number'],
  ])('%j is refused with the reason', async (number, reason) => {
    const answer = await ask('trace_number', { number });
    expect(answer.isError).toBe(true);
    expect(answer.text).toContain(`Invalid number: ${JSON.stringify(number)} cannot be traced: ${reason}`);
  });
});

describe('check_blacklist: numbers', () => {
  it('reads every form of a number as one number, and reports back what is not one', async () => {
    const onBlacklist = new Set((FIXTURE_ACCOUNT.blacklist ?? []).map((entry) => expectedNumber(entry.number).number));
    const numbers = [...PHONE_FORMS, '0532 123 45 67', '7889', 'ACME BİLGİ'];
    const answer = await ask('check_blacklist', { numbers });
    const distinct = ['+905325556677', '+905321234567'];
    expect(answer.data).toMatchObject({
      phoneNumbers: 2,
      blocked: distinct.filter((number) => onBlacklist.has(number)),
      clear: distinct.filter((number) => !onBlacklist.has(number)).length,
      notPhoneNumbers: { count: 2 },
    });
    expect((answer.data.notPhoneNumbers as { entries: Array<{ index: number; value: string }> }).entries.map(({ index, value }) => [index, value])).toEqual([
      [PHONE_FORMS.length + 1, '7889'],
      [PHONE_FORMS.length + 2, 'ACME BİLGİ'],
    ]);
  });

  it.each([
    [[], 'numbers must hold at least one number'],
    ['0532 555 66 77', 'numbers must be an array of strings'],
    [[5325556677], 'each entry of numbers must be a string'],
  ])('%j is refused', async (numbers, message) => {
    const answer = await ask('check_blacklist', { numbers });
    expect(answer.isError).toBe(true);
    expect(answer.text).toContain(message);
  });
});

describe('the range, written several ways, is one range', () => {
  it.each([
    [{ period: 'last_month' }],
    [{ period: '2026-03' }],
    [{ start: '2026-03-01', end: '2026-03-31' }],
  ])('summarize_delivery and list_orders over %j', async (range) => {
    const orders = ordersBetween(FIXTURE_ACCOUNT.orders, LAST_MONTH.start, LAST_MONTH.end);
    const summary = await ask('summarize_delivery', range);
    expect(summary.data).toMatchObject({ range: { ...LAST_MONTH, timezone: TIMEZONE }, ...counters(orders) });
    const listed = await ask('list_orders', { ...range, limit: 1 });
    expect(listed.data).toMatchObject({ range: { ...LAST_MONTH, timezone: TIMEZONE }, totalOrders: orders.length });
  });

  it.each([[{ period: 'last_7_days' }], [{ start: '2026-04-16' }], [{ start: '2026-04-16', end: '2026-04-22' }], [{ start: '2026-04-16', end: '2026-05-30' }]])(
    'read_inbox over %j',
    async (range) => {
      const answer = await ask('read_inbox', { ...range, limit: 500 });
      const expected = FIXTURE_ACCOUNT.inbox.filter((message) => message.date.slice(0, 10) >= LAST_7_DAYS.start);
      expect(answer.data).toMatchObject({ range: { ...LAST_7_DAYS, timezone: TIMEZONE }, matched: expected.length });
    },
  );

  it.each([
    [{ period: 'last_month' }],
    [{ period: '2026-03' }],
    [{ start: '2026-03-01', end: '2026-03-31' }],
  ])('list_failed_numbers and trace_number over %j', async (range) => {
    const orders = ordersBetween(FIXTURE_ACCOUNT.orders, LAST_MONTH.start, LAST_MONTH.end);
    const failing = await ask('list_failed_numbers', { ...range, limit: 1 });
    expect(failing.data).toMatchObject({ range: { ...LAST_MONTH, timezone: TIMEZONE }, numbers: failedNumbersOf(orders, recipientsOf).length });
    const traced = await ask('trace_number', { ...range, number: '0532 555 66 77', limit: 500 });
    expect(traced.data.range).toEqual({ ...LAST_MONTH, timezone: TIMEZONE });
    expect((traced.data.orders as Array<{ orderId: number }>).map((order) => order.orderId)).toEqual(
      traceOf(orders, recipientsOf, '+905325556677').map((order) => order.orderId),
    );
  });

  it('audit_opt_outs answers the same whichever way this month is written', async () => {
    const forms = [{ period: 'this_month' }, { period: '2026-04' }, { start: '2026-04-01' }, { start: '2026-04-01', end: '2026-04-22' }];
    const answers = [];
    for (const form of forms) answers.push((await ask('audit_opt_outs', form)).data);
    expect(answers[0]).toMatchObject({ range: { start: '2026-04-01', end: '2026-04-22', timezone: TIMEZONE } });
    // The first call's blacklist reading serves the others.
    const { blacklistRead, ...first } = answers[0] as Record<string, unknown>;
    for (const answer of answers.slice(1)) {
      const { blacklistRead: reading, ...rest } = answer;
      expect(rest).toEqual(first);
      expect(reading).toEqual({ ...(blacklistRead as object), reused: true });
    }
  });
});

describe('the table', () => {
  // Runs last, after every row above has asked its questions. cursor and limit are left out:
  // test/cursor-alone.test.ts follows every tool's cursor, and pages with limit, to the end.
  it('covers every input field of every tool', () => {
    const inputs = TOOLS.flatMap((tool) => Object.keys(tool.inputSchema.shape).map((field) => `${tool.name}.${field}`));
    const paging = (input: string) => input.endsWith('.cursor') || input.endsWith('.limit');
    expect([...exercised].filter((input) => !paging(input)).sort()).toEqual(inputs.filter((input) => !paging(input)).sort());
  });
});
