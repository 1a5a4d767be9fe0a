import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboxMessage, Order } from '../src/api/schemas.js';
import { DEMO_OPT_OUT_TEXTS, failedNumbersOf, newestFirst, ordersBetween, totals } from './support/ground-truth.js';
import { type Connected, FIXTURE_ACCOUNT, connect, textOf } from './support/harness.js';
import { distinctSenders, inboxSendersByMessages, sendersByMessages } from './support/sender-truth.js';

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

async function ask(tool: string, args: Record<string, unknown>): Promise<Answer> {
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

  it.each([
    '+905325556677',
    '905325556677',
    '05325556677',
    '5325556677',
    '+90 532 555 66 77',
    '0532 555 66 77',
    '(0532) 555-66-77',
    '0532.555.66.77',
    '0532-555-66-77',
    '+90 (532) 555 66 77',
    '0090 532 555 66 77',
    '532 555 66 77',
  ])('the number %j finds the messages of +905325556677', async (typed) => {
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
