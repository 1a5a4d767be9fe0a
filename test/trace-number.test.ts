import { afterEach, describe, expect, it } from 'vitest';
import type * as z from 'zod';
import type { InboxMessage, Order } from '../src/api/schemas.js';
import type { SimulatedAccount } from '../src/simulator/api-server.js';
import { newestSentFirst, ordersBetween, reportRequests, traceOf } from './support/ground-truth.js';
import { traceNumberTool } from '../src/tools/trace-number.js';
import { cancelWhileReadingRecipients } from './support/cancellation.js';
import { type Connected, FIXTURE_ACCOUNT, connect, textOf } from './support/harness.js';

/**
 * trace_number through the real MCP client against the fake API, every figure checked against
 * the fixture's own orders, recipients, blacklist and inbox by plain loops (test/support/ground-truth.ts).
 */

let session: Connected | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

interface Answer {
  isError: boolean;
  text: string;
  data: z.infer<typeof traceNumberTool.definition.outputSchema>;
}

async function call(args: Record<string, unknown>, options: Parameters<typeof connect>[0] = {}): Promise<Answer> {
  session ??= await connect(options);
  const result = await session.mcp.callTool({ name: 'trace_number', arguments: args });
  return { isError: result.isError === true, text: textOf(result), data: result.structuredContent as Answer['data'] };
}

const endpoints = (from = 0) => (session?.api.requests ?? []).slice(from).map((request) => request.endpoint);
const iso = (timestamp: string) => `${timestamp.replace(' ', 'T')}+03:00`;
const recipientsOf = (order: Order) => FIXTURE_ACCOUNT.recipients?.(order) ?? [];
const asListed = (orders: ReturnType<typeof traceOf>) => orders.map((order) => ({ ...order, sendAt: iso(order.sendAt) }));

/** The last 30 days at the fixture's moment, 2026-04-22 12:30 Istanbul. */
const LAST_30_DAYS = { start: '2026-03-24', end: '2026-04-22' };
const ORDERS_30 = ordersBetween(FIXTURE_ACCOUNT.orders, LAST_30_DAYS.start, LAST_30_DAYS.end);

/** The demo's customer who opted out and still got a campaign: written by get-report as 05325556677. */
const OPTED_OUT = '+905325556677';
/** A number the demo's lists keep failing on, in orders across every window of a month. */
const DEAD = '+905321110001';

describe('trace_number', () => {
  it('reads the number in every form people type, and answers the same for each', async () => {
    const day = { start: '2026-04-12', end: '2026-04-12' };
    const truth = traceOf(ordersBetween(FIXTURE_ACCOUNT.orders, day.start, day.end), recipientsOf, OPTED_OUT);
    expect(truth.map((order) => order.orderId)).toEqual([319_999_993]);
    const forms = ['+905325556677', '905325556677', '05325556677', '5325556677', '0532 555 66 77', '(0532) 555-66-77', '0532.555.66.77', '+90 532 555 66 77', '  0532 555 66 77 '];
    const answers: Answer[] = [];
    for (const number of forms) answers.push(await call({ number, ...day }));
    for (const [index, answer] of answers.entries()) {
      expect(answer.isError, forms[index]).toBe(false);
      expect(answer.data.number).toBe(OPTED_OUT);
      expect(answer.data.orders).toEqual(asListed(truth));
      expect(answer.data.counts).toEqual({ delivered: 1, undelivered: 0, waiting: 0, other: 0 });
    }
  });

  it('refuses what is not a phone number, with the reason, before any API call', async () => {
    const cases: Array<[string, string]> = [
      ['7889', 'it is a short code, and orders go to phone numbers'],
      ['0532 555', 'it is not a valid phone number (7 digits in all'],
      ['Ali Veli', 'it is not written like a phone number'],
      ['053255566770', 'it is not a valid phone number (12 digits in all'],
    ];
    for (const [number, reason] of cases) {
      const answer = await call({ number });
      expect(answer.isError, number).toBe(true);
      expect(answer.text).toContain(`Invalid number: ${JSON.stringify(number)} cannot be traced: ${reason}`);
      expect(answer.text).toContain('Pass one phone number as people write it');
    }
    const none = await call({ period: 'last_7_days' });
    expect(none.text).toContain('Invalid number: no number was named.');
    expect(none.text).toContain('Or pass cursor alone to continue a listing.');
    expect(endpoints()).toEqual([]);
  });

  it('answers for a number in no order: nothing sent, not on the blacklist, no message', async () => {
    const answer = await call({ number: '0555 999 99 99', period: 'last_30_days' });
    expect(traceOf(ORDERS_30, recipientsOf, '+905559999999')).toEqual([]);
    expect(answer.data).toMatchObject({
      number: '+905559999999',
      range: { ...LAST_30_DAYS, timezone: 'Europe/Istanbul' },
      orders: [],
      ordersToNumber: 0,
      counts: { delivered: 0, undelivered: 0, waiting: 0, other: 0 },
      lastDeliveredAt: null,
      lastUndeliveredAt: null,
      blacklisted: false,
      lastOptOut: null,
      inbox: [],
      inboxMessages: 0,
      ordersInRange: ORDERS_30.length,
      ordersRead: ORDERS_30.length,
      ordersNotRead: 0,
      complete: true,
    });
    expect(answer.text.split('\n').slice(0, 3)).toEqual([
      `+905559999999: not sent in the orders submitted 2026-03-24..2026-04-22 (Europe/Istanbul); none of the ${ORDERS_30.length} orders read went to it.`,
      'Not on the blacklist.',
      `Read ${ORDERS_30.length} of the ${ORDERS_30.length} orders submitted in the range.`,
    ]);
  });

  it('follows a number across the orders of every window of the range, newest first, whatever limit is, and pages with a cursor', async () => {
    const truth = traceOf(ORDERS_30, recipientsOf, DEAD);
    // The story spans the month: orders in each of its three 10-day windows.
    for (const [start, end] of [['2026-03-24', '2026-04-02'], ['2026-04-03', '2026-04-12'], ['2026-04-13', '2026-04-22']]) {
      expect(truth.some((order) => order.sendAt.slice(0, 10) >= (start as string) && order.sendAt.slice(0, 10) <= (end as string))).toBe(true);
    }
    const first = await call({ number: '5321110001', limit: 4 });
    expect(first.data.range).toEqual({ ...LAST_30_DAYS, timezone: 'Europe/Istanbul' });
    expect(first.data.ordersToNumber).toBe(truth.length);
    expect(first.data.counts).toEqual({
      delivered: truth.filter((order) => order.recipientStatus === 'delivered').length,
      undelivered: truth.filter((order) => order.recipientStatus === 'undelivered').length,
      waiting: truth.filter((order) => order.recipientStatus === 'waiting').length,
      other: truth.filter((order) => order.recipientStatus === 'other').length,
    });
    expect(first.data.counts.undelivered).toBe(truth.length);
    expect(first.data.lastUndeliveredAt).toBe(iso(truth[0]?.sendAt ?? ''));
    expect(first.data.lastDeliveredAt).toBeNull();
    expect(first.text.split('\n')[0]).toBe(
      `+905321110001: sent ${truth.length} times in the orders submitted 2026-03-24..2026-04-22 (Europe/Istanbul): ` +
        `undelivered ${truth.length} times (last ${(truth[0]?.sendAt ?? '').slice(0, 16)}).`,
    );
    const before = session?.api.requests.length ?? 0;
    const pages = [first];
    while (pages.at(-1)?.data.nextCursor) pages.push(await call({ cursor: pages.at(-1)?.data.nextCursor, limit: 4 }));
    expect(pages.flatMap((page) => page.data.orders)).toEqual(asListed(truth));
    expect(pages.length).toBe(Math.ceil(truth.length / 4));
    // The next pages come from the first call's snapshot: not one more request.
    expect(endpoints(before)).toEqual([]);
  });

  it('says the number is on the blacklist and when its opt-out came, and lists its inbox messages as untrusted text', async () => {
    const optOut = FIXTURE_ACCOUNT.inbox.find((message) => message.sender === OPTED_OUT) as InboxMessage;
    expect(FIXTURE_ACCOUNT.blacklist?.some((entry) => entry.number.endsWith('5325556677'))).toBe(true);
    const answer = await call({ number: '0532 555 66 77', period: 'last_30_days' });
    expect(answer.data).toMatchObject({
      blacklisted: true,
      blacklistRead: { at: '2026-04-22T12:30:00+03:00', reused: false },
      lastOptOut: { at: iso(optOut.date), messageId: optOut.id },
      inbox: [{ id: optOut.id, date: iso(optOut.date), text: optOut.text, textTruncated: false, optOut: true }],
      inboxMessages: 1,
      orders: asListed(traceOf(ORDERS_30, recipientsOf, OPTED_OUT)),
      lastDeliveredAt: '2026-04-12T11:00:00+03:00',
      complete: true,
    });
    // The campaign that still reached it after its RET, found by plain comparison of the fixture's times.
    const after = traceOf(ORDERS_30, recipientsOf, OPTED_OUT).filter((order) => order.sendAt > optOut.date);
    expect(after.map((order) => order.sendAt)).toEqual(['2026-04-12 11:00:00']);
    expect(answer.data.lastOptOut).toMatchObject({ kind: 'clear', ordersAfter: 1, firstOrderAfterAt: '2026-04-12T11:00:00+03:00' });
    const lines = answer.text.split('\n');
    expect(lines.slice(0, 3)).toEqual([
      '+905325556677: sent once in the orders submitted 2026-03-24..2026-04-22 (Europe/Istanbul): delivered once (last 2026-04-12 11:00).',
      `On the blacklist now; it replied RET on ${optOut.date.slice(0, 16)} (inbox message id ${JSON.stringify(optOut.id)}).`,
      'SENT AFTER ITS OPT-OUT: 1 order read went out to it after that opt-out, the first on 2026-04-12 11:00. audit_opt_outs checks every opted-out number of a range.',
    ]);
    const campaign = FIXTURE_ACCOUNT.orders.find((order) => order.id === 319_999_993) as Order;
    const campaignRate = ((100 * campaign.delivered) / (campaign.delivered + campaign.undelivered)).toFixed(1);
    expect(lines).toContain(`- #319999993 sent 2026-04-12 11:00 by "ACME MARKET": delivered (order completed, delivery rate ${campaignRate}%)`);
    // The stranger's text comes only inside the nonce-tagged section.
    const open = lines.findIndex((line) => /^<untrusted-sms-[0-9a-f]{12}>$/.test(line));
    expect(lines[open + 1]).toBe(`${optOut.date.slice(0, 16)} id ${JSON.stringify(optOut.id)} [OPT-OUT]: ${JSON.stringify(optOut.text)}`);
    expect(lines[open + 2]).toBe(lines[open]?.replace('<', '</'));
    expect(lines.slice(0, open).join('\n')).not.toContain(optOut.text);
  });

  it('says so when a number that opted out is NOT on the blacklist', async () => {
    const answer = await call({ number: '05078889900', period: 'last_7_days' });
    const optOut = FIXTURE_ACCOUNT.inbox.find((message) => message.sender === '+905078889900') as InboxMessage;
    const after = traceOf(ordersBetween(FIXTURE_ACCOUNT.orders, '2026-04-16', '2026-04-22'), recipientsOf, '+905078889900').filter((order) => order.sendAt > optOut.date);
    expect(after).toEqual([]);
    expect(answer.data).toMatchObject({ blacklisted: false, lastOptOut: { at: iso(optOut.date), messageId: optOut.id, ordersAfter: 0, firstOrderAfterAt: null } });
    expect(answer.text).not.toContain('SENT AFTER');
    expect(answer.text.split('\n')[1]).toBe(
      `NOT on the blacklist, although it replied RET on ${optOut.date.slice(0, 16)} (inbox message id ${JSON.stringify(optOut.id)}): ` +
        'review that message, and add the number to the blacklist in the panel if it asked to opt out.',
    );
  });

  it('reads at most ILETIMERKEZI_MAX_REPORT_ORDERS orders, the newest sent first, and says how many of how many', async () => {
    const bound = 50;
    const newest = newestSentFirst(ORDERS_30).slice(0, bound);
    const oldestRead = newest.at(-1) as Order;
    const answer = await call({ number: '05321110001', period: 'last_30_days' }, { maxReportOrders: bound });
    expect(answer.isError).toBe(false);
    // get-report was asked about exactly the 50 newest orders, and no other.
    const asked = new Set((session?.api.requests ?? []).filter((request) => request.endpoint === 'get-report').map((request) => request.order));
    expect([...asked].sort()).toEqual(newest.map((order) => order.id).sort());
    expect(answer.data).toMatchObject({
      orders: asListed(traceOf(newest, recipientsOf, DEAD)),
      ordersInRange: ORDERS_30.length,
      ordersRead: bound,
      ordersNotRead: ORDERS_30.length - bound,
      readBackTo: iso(oldestRead.sendAt),
      complete: false,
    });
    expect(answer.text).toContain(
      `PARTIAL: read the newest ${bound} of the ${ORDERS_30.length} orders submitted in the range, as many as ILETIMERKEZI_MAX_REPORT_ORDERS allows; ` +
        `the ${ORDERS_30.length - bound} orders sent at or before ${oldestRead.sendAt.slice(0, 16)} were not read.`,
    );
  });
});

describe('trace_number when one of its parts fails', () => {
  it('fails with that part\'s error, and stops the others\' requests', async () => {
    const refused = { status: 401, body: { response: { status: { code: 401, message: 'Üyelik bilgileri hatalı' } } } };
    const answer = await call(
      { number: '0532 111 00 01', period: 'last_30_days' },
      { fake: { latencyMs: 20, script: (request) => (request.endpoint === 'get-blacklist' ? refused : undefined) } },
    );
    expect(answer.isError).toBe(true);
    expect(answer.text).toContain('401');
    const settled = session?.api.requests.length ?? 0;
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Nothing went on after the failure: the scan and get-report reads stopped with it.
    expect(session?.api.requests.length).toBe(settled);
    expect(endpoints().filter((endpoint) => endpoint === 'get-report').length).toBeLessThan(ORDERS_30.length);
  });
});

describe('trace_number over time', () => {
  /** Final as the recipient cache may keep it: 114 or 115, nothing waiting, submitted before the fixtures' today. */
  const isFinal = (order: Order) => (order.status === 114 || order.status === 115) && order.waiting === 0 && order.submitAt.slice(0, 10) < LAST_30_DAYS.end;
  const sentByNow = ORDERS_30.filter((order) => order.sendAt <= '2026-04-22 12:30:00');
  /** get-report requests by order id since `from`. */
  const reads = (from: number) => {
    const counts = new Map<number, number>();
    for (const request of (session?.api.requests ?? []).slice(from)) {
      if (request.endpoint === 'get-report') counts.set(request.order ?? 0, (counts.get(request.order ?? 0) ?? 0) + 1);
    }
    return counts;
  };
  const walksOf = (orders: readonly Order[]) => new Map(orders.map((order) => [order.id, reportRequests(order.total)]));

  it('reads again, the second time, only the recipients of the orders that were not final', async () => {
    const notFinal = sentByNow.filter((order) => !isFinal(order));
    expect(notFinal.length).toBeGreaterThan(0);
    expect(notFinal.length).toBeLessThan(sentByNow.length / 10);
    const first = await call({ number: DEAD, ...LAST_30_DAYS, limit: 500 });
    expect(reads(0)).toEqual(walksOf(sentByNow));
    const since = session?.api.requests.length ?? 0;
    const second = await call({ number: DEAD, ...LAST_30_DAYS, limit: 500 });
    expect(reads(since)).toEqual(walksOf(notFinal));
    expect(second.data.orders).toEqual(asListed(traceOf(ORDERS_30, recipientsOf, DEAD)));
    expect({ ...second.data, blacklistRead: null }).toEqual({ ...first.data, blacklistRead: null });
  });

  it('stops reading recipients when the client cancels', async () => {
    const cancelled = await cancelWhileReadingRecipients('trace_number', { number: DEAD, ...LAST_30_DAYS }, 5);
    session = cancelled.session;
    expect(cancelled.reports).toBeLessThan(sentByNow.length);
  });

  it('stops at the call deadline, says how far it got, and advises a shorter range', async () => {
    const answer = await call({ number: DEAD, ...LAST_30_DAYS }, { fake: { latencyMs: 40 }, callTimeoutMs: 500 });
    expect(answer.isError).toBe(true);
    expect(answer.text).toMatch(/^The call was stopped at its 500 ms deadline \(ILETIMERKEZI_CALL_TIMEOUT_MS\), after [^\n]+\. Ask for a shorter range, or try again later\.$/);
    // Requests in flight at the deadline may still land; after that, nothing more is asked.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const made = session?.api.requests.length ?? 0;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(session?.api.requests.length).toBe(made);
  });
});

describe('trace_number on an account made for it', () => {
  const NUMBER = '+905321234567';
  const at = (day: string, time = '10:00:00') => `2026-04-${day} ${time}`;
  const order = (id: number, submitAt: string, fields: Partial<Order> = {}): Order => ({
    id,
    status: 114,
    total: 3,
    delivered: 3,
    undelivered: 0,
    waiting: 0,
    submitAt,
    sendAt: submitAt,
    sender: 'ACME',
    ...fields,
  });
  const orders: Order[] = [
    order(1, at('02')),
    order(2, at('05'), { delivered: 2, undelivered: 1 }),
    order(3, at('08'), { status: 113, delivered: 1, waiting: 2 }),
    // Submitted early, sent last: the list goes by sendAt.
    order(4, at('09'), { sendAt: at('21') }),
    order(5, at('15'), { status: 115, delivered: 0, undelivered: 3 }),
    // Scheduled for after now: nothing to read yet.
    order(6, at('20'), { sendAt: at('25') }),
    // The API will not read it yet (455).
    order(7, at('18')),
  ];
  const rows: Record<number, Array<{ number: string | number; status: number }>> = {
    1: [{ number: 5321234567, status: 111 }, { number: '05329999999', status: 111 }, { number: '+905328888888', status: 111 }],
    2: [{ number: '0532 123 45 67', status: 112 }, { number: '905321234567', status: 111 }, { number: '05327777777', status: 111 }],
    3: [{ number: '+905321234567', status: 110 }, { number: '05326666666', status: 111 }, { number: '05325555555', status: 110 }],
    4: [{ number: '05329999999', status: 111 }, { number: '05328888888', status: 111 }, { number: '05327777777', status: 111 }],
    5: [{ number: '905321234567', status: 112 }, { number: '05326666666', status: 112 }, { number: '05325555555', status: 112 }],
  };
  const account: SimulatedAccount = {
    orders,
    inbox: [],
    recipients: (each) => rows[each.id] ?? [],
    blacklist: [{ number: '5321234567', at: '2026-04-16 09:00:00' }],
  };

  it('shows each order\'s state and the number\'s, the best of two messages, and what it could not read', async () => {
    const answer = await call({ number: NUMBER, start: '2026-04-01' }, { fake: { account, withheldOrders: { 7: 455 } } });
    expect(answer.data.orders).toEqual([
      { orderId: 5, sendAt: iso(at('15')), sender: 'ACME', recipientStatus: 'undelivered', orderStatus: 'failed', messages: 1, orderDeliveryRate: 0, orderRateProvisional: false },
      { orderId: 3, sendAt: iso(at('08')), sender: 'ACME', recipientStatus: 'waiting', orderStatus: 'in_progress', messages: 1, orderDeliveryRate: 1, orderRateProvisional: true },
      { orderId: 2, sendAt: iso(at('05')), sender: 'ACME', recipientStatus: 'delivered', orderStatus: 'completed', messages: 2, orderDeliveryRate: 2 / 3, orderRateProvisional: false },
      { orderId: 1, sendAt: iso(at('02')), sender: 'ACME', recipientStatus: 'delivered', orderStatus: 'completed', messages: 1, orderDeliveryRate: 1, orderRateProvisional: false },
    ]);
    // Each order's own rate beside what became of this number's message: a failure in an order that did well points at the number.
    expect(answer.text.split('\n').filter((line) => line.startsWith('- #') || line.startsWith('A provisional rate'))).toEqual([
      '- #5 sent 2026-04-15 10:00 by "ACME": undelivered (order failed, delivery rate 0.0%)',
      '- #3 sent 2026-04-08 10:00 by "ACME": waiting (order in_progress, delivery rate 100.0% so far (provisional))',
      '- #2 sent 2026-04-05 10:00 by "ACME": delivered, 2 messages to it (order completed, delivery rate 66.7%)',
      '- #1 sent 2026-04-02 10:00 by "ACME": delivered (order completed, delivery rate 100.0%)',
      'A provisional rate counts only the messages settled so far: messages are still waiting or the order is still going out, so it may change.',
    ]);
    expect(answer.data).toMatchObject({
      counts: { delivered: 2, undelivered: 1, waiting: 1, other: 0 },
      lastDeliveredAt: iso(at('05')),
      lastUndeliveredAt: iso(at('15')),
      blacklisted: true,
      lastOptOut: null,
      ordersInRange: 7,
      ordersRead: 5,
      scheduledLater: 1,
      notChecked: { count: 1, orders: [{ orderId: 7, reason: 'not_sending_yet' }] },
      complete: false,
    });
    expect(answer.text.split('\n').slice(0, 2)).toEqual([
      '+905321234567: sent 4 times in the orders submitted 2026-04-01..2026-04-22 (Europe/Istanbul): delivered twice (last 2026-04-05 10:00), ' +
        'undelivered once (last 2026-04-15 10:00), still waiting once.',
      'On the blacklist now (get-blacklist does not say since when, and the inbox holds no opt-out from it).',
    ]);
    expect(answer.text).toContain('1 order is scheduled to go out later, so it has no recipients to read yet.');
    expect(answer.text).toContain('NOT CHECKED YET: 1 order of the range could not be read');
    // The scheduled order was never asked for; the withheld one was, once.
    const asked = (session?.api.requests ?? []).filter((request) => request.endpoint === 'get-report').map((request) => request.order);
    expect(asked).not.toContain(6);
    expect(asked.filter((id) => id === 7)).toHaveLength(1);
  });

  describe('when get-inbox\'s count disagrees with the messages it served', () => {
    const inbox: InboxMessage[] = [
      { id: '11', date: at('10', '09:00:00'), sender: NUMBER, number: '+908501234567', text: 'Merhaba' },
      { id: '12', date: at('11', '09:00:00'), sender: '+905339876543', number: '+908501234567', text: 'Teşekkürler' },
      { id: '13', date: at('12', '09:00:00'), sender: '+905441112233', number: '+908501234567', text: 'Tamam' },
    ];
    const traced = (inboxTotalRows?: number) => call({ number: NUMBER, start: '2026-04-01' }, { fake: { account: { ...account, inbox, ...(inboxTotalRows === undefined ? {} : { inboxTotalRows }) } } });
    const countLines = (text: string) => text.split('\n').filter((line) => /^(INCONSISTENT|INCOMPLETE):/.test(line));

    it('says nothing of it when they agree, and is complete', async () => {
      const answer = await traced();
      expect(answer.isError, answer.text).toBe(false);
      expect(answer.data).toMatchObject({ inboxRead: { totalRows: 3, fetched: 3 }, inboxMessages: 1, notChecked: { count: 0, orders: [] }, complete: true });
      expect(countLines(answer.text)).toEqual([]);
    });

    it('calls an inbox that came back short INCOMPLETE, with its true counts, and the answer partial', async () => {
      const answer = await traced(7);
      expect(answer.isError, answer.text).toBe(false);
      expect(answer.data).toMatchObject({ inboxRead: { totalRows: 7, fetched: 3 }, inboxMessages: 1, complete: false });
      expect(countLines(answer.text)).toEqual([
        'INCOMPLETE: the API returned only 3 of the 7 messages it reports, and get-inbox has no documented paging, so its messages and ' +
          'opt-outs among the missing ones are not here. The panel (panel.iletimerkezi.com) has the full list.',
      ]);
    });

    it('calls an inbox with more messages than its count INCONSISTENT, never "3 of the 1", and the answer partial', async () => {
      const answer = await traced(1);
      expect(answer.isError, answer.text).toBe(false);
      expect(answer.data).toMatchObject({ inboxRead: { totalRows: 1, fetched: 3 }, inboxMessages: 1, complete: false });
      expect(countLines(answer.text)).toEqual([
        'INCONSISTENT: the API returned 3 messages but reports 1 in all, so its count cannot be trusted; every message it returned was read, ' +
          'but whether any is missing cannot be told. The panel (panel.iletimerkezi.com) has the full list.',
      ]);
      expect(answer.text).not.toMatch(/3 of the 1/);
    });
  });

  it('sets aside an order whose get-report answer cannot be read, and reads the others whole', async () => {
    // Order 4's answer holds a row whose status is a word, not a code.
    const fourth = orders[3] as Order;
    const bent = { ...fourth, price: '0,0372', message: [{ number: '05329999999', status: 'teslim edildi' }, ...(rows[4] ?? []).slice(1)] };
    const script = (request: { endpoint: string; order?: number }) =>
      request.endpoint === 'get-report' && request.order === 4 ? { status: 200, body: { response: { status: { code: 200, message: 'İşlem başarılı' }, order: bent } } } : undefined;
    const answer = await call({ number: NUMBER, start: '2026-04-01' }, { fake: { account, withheldOrders: { 7: 455 }, script } });
    expect(answer.isError, answer.text).toBe(false);
    expect(answer.data.orders.map((each) => each.orderId)).toEqual([5, 3, 2, 1]);
    expect(answer.data).toMatchObject({
      counts: { delivered: 2, undelivered: 1, waiting: 1, other: 0 },
      ordersInRange: 7,
      ordersRead: 4,
      scheduledLater: 1,
      notChecked: {
        count: 2,
        orders: [
          { orderId: 4, reason: 'unreadable_response' },
          { orderId: 7, reason: 'not_sending_yet' },
        ],
      },
      complete: false,
    });
    expect(answer.text).toContain(
      'NOT CHECKED YET: 2 orders of the range could not be read, so nothing of theirs is in this answer: ' +
        '#4 (the API answered for it with a response that could not be read), #7 (not sending yet, 455). This answer is partial; ask again later to read them.',
    );
  });
});
