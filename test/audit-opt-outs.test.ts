import { afterEach, describe, expect, it } from 'vitest';
import type { InboxMessage, Order } from '../src/api/schemas.js';
import type { SimulatedAccount } from '../src/simulator/api-server.js';
import { type AuditTruthItem, auditCounts, auditOf, demoOptOutKind } from './support/ground-truth.js';
import { type Connected, FIXTURE_ACCOUNT, connect, textOf } from './support/harness.js';
import { cancelWhileReadingRecipients } from './support/cancellation.js';

let session: Connected | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

interface AuditItem {
  number: string;
  isPhoneNumber: boolean;
  optOutKind: 'clear' | 'possible';
  optedOutAt: string;
  messageId: string;
  text: string;
  textTruncated: boolean;
  blacklisted: boolean | null;
  sendCount: number;
  sendsAfterOptOut: Array<{ orderId: number; sendAt: string; sender: string; status: string }>;
}

interface Audit {
  range: { start: string; end: string; timezone: string };
  verdict: string;
  optOuts: number;
  blacklisted: number;
  notBlacklisted: number;
  uncheckable: number;
  messagedAfterOptOut: number;
  possibleOptOuts: { count: number; blacklisted: number; notBlacklisted: number; uncheckable: number; messagedAfterOptOut: number; toReview: number };
  ordersChecked: number;
  notChecked: { count: number; orders: Array<{ orderId: number; reason: string }> };
  scheduledLater: number;
  sendsChecked: boolean;
  sendsScanned: { start: string; end: string; timezone: string } | null;
  scheduleGap: { submittedBefore: string; reason: string } | null;
  complete: boolean;
  inbox: { totalRows: number; fetched: number; complete: boolean; inRange: number };
  items: AuditItem[];
  truncated: boolean;
  nextCursor?: string;
}

async function audit(args: Record<string, unknown>, options: Parameters<typeof connect>[0] = {}) {
  session ??= await connect(options);
  const result = await session.mcp.callTool({ name: 'audit_opt_outs', arguments: args });
  return { result, text: textOf(result), data: result.structuredContent as Audit };
}

const iso = (timestamp: string) => `${timestamp.replace(' ', 'T')}+03:00`;
/** The fixture's now: 2026-04-22 12:30 Istanbul. */
const TODAY = '2026-04-22';
const NOW = '2026-04-22 12:30:00';
const LAST_30_DAYS = { start: '2026-03-24', end: TODAY };

function shown(item: AuditTruthItem): AuditItem {
  return {
    number: item.number,
    isPhoneNumber: item.isPhoneNumber,
    optOutKind: item.optOutKind,
    optedOutAt: iso(item.optedOutAt),
    messageId: item.messageId,
    text: item.text,
    textTruncated: false,
    blacklisted: item.blacklisted,
    sendCount: item.sends.length,
    sendsAfterOptOut: item.sends.slice(0, 20).map((send) => ({ ...send, sendAt: iso(send.sendAt) })),
  };
}

const recipientsOf = (account: SimulatedAccount) => (order: Order) => account.recipients?.(order) ?? [];

describe('audit_opt_outs', () => {
  it('audits 30 days of the demo account exactly: opt-outs, blacklist, the campaign that reached an opted-out number, and what it could not see', async () => {
    const truth = auditOf(FIXTURE_ACCOUNT, recipientsOf(FIXTURE_ACCOUNT), LAST_30_DAYS, demoOptOutKind, TODAY, NOW);
    const { data, text } = await audit({ period: 'last_30_days' });
    const earliest = truth.map((item) => item.optedOutAt).sort()[0] ?? '';
    // The default lead: orders submitted from 30 days before the earliest opt-out's day.
    const checked = FIXTURE_ACCOUNT.orders.filter((order) => order.submitAt.slice(0, 10) >= '2026-03-11' && order.sendAt > earliest);
    expect(earliest.slice(0, 10)).toBe('2026-04-10');
    const received = FIXTURE_ACCOUNT.inbox.filter((message) => message.date.slice(0, 10) >= LAST_30_DAYS.start);
    const receivedDays = [...new Set(received.map((message) => message.date.slice(0, 10)))].sort();
    const { count: clearCount, toReview: _toReview, ...clear } = auditCounts(truth, 'clear');
    // The demo holds one possible opt-out, "…, RET değil", from a number that is on the blacklist.
    expect(auditCounts(truth, 'possible')).toEqual({ count: 1, blacklisted: 1, notBlacklisted: 0, uncheckable: 0, messagedAfterOptOut: 0, toReview: 0 });
    expect(data).toEqual({
      range: { ...LAST_30_DAYS, timezone: 'Europe/Istanbul' },
      verdict: 'partial',
      span: {
        days: 30,
        daysWithData: receivedDays.length,
        firstDayWithData: receivedDays[0],
        lastDayWithData: receivedDays.at(-1),
        listedDaysWithData: [],
        soFar: true,
        until: '2026-04-22T12:30:00+03:00',
      },
      optOuts: clearCount,
      ...clear,
      possibleOptOuts: auditCounts(truth, 'possible'),
      ordersChecked: checked.length,
      notChecked: { count: 0, orders: [] },
      scheduledLater: 0,
      sendsChecked: true,
      sendsScanned: { start: '2026-03-11', end: TODAY, timezone: 'Europe/Istanbul' },
      scheduleGap: { submittedBefore: '2026-03-11', reason: 'horizon_unknown' },
      complete: false,
      blacklistRead: { at: '2026-04-22T12:30:00+03:00', reused: false },
      inbox: { totalRows: FIXTURE_ACCOUNT.inbox.length, fetched: FIXTURE_ACCOUNT.inbox.length, complete: true, inRange: received.length },
      items: truth.map(shown),
      truncated: false,
      dropped: { duplicates: 0, outOfRange: 0 },
    });
    // The demo's story: one RET sender slipped past the blacklist, and one got a campaign two days after opting out.
    const notListed = truth.filter((item) => item.blacklisted === false);
    const messaged = truth.filter((item) => item.sends.length > 0);
    expect(notListed.map((item) => item.number)).toEqual(['+905078889900']);
    expect(messaged.map((item) => item.number)).toEqual(['+905325556677']);
    const [send] = messaged[0]?.sends ?? [];
    expect(send?.sendAt.slice(0, 10)).toBe('2026-04-12');
    expect(text).toContain(`NOT ON THE BLACKLIST: 1 number: +905078889900 (opted out ${notListed[0]?.optedOutAt.slice(0, 16)}, message id "${notListed[0]?.messageId}")`);
    expect(text).toContain(
      `RECEIVED MESSAGES AFTER OPTING OUT: 1 number (of ${checked.length} orders checked): +905325556677 (opted out 2026-04-10 18:45): ` +
        `order #${send?.orderId} sent ${send?.sendAt.slice(0, 16)} by "ACME MARKET" (delivered).`,
    );
    expect(text).toContain('so each send listed is something to review, not proof of a breach');
    expect(text).toContain(
      'NOT CHECKED: orders submitted before 2026-03-11 and scheduled to go out after an opt-out: the API sets no limit on how far ahead ' +
        'an order may be scheduled, and the scan went back 30 days. If this account never schedules more than N days ahead, pass ' +
        'scheduleHorizonDays: N to check them all.',
    );
    expect(text).toContain('Verdict: partial. Act on the problems above');
    // Inbox texts only inside the untrusted section.
    const section = /<untrusted-sms-([0-9a-f]{12})>\n([\s\S]*)\n<\/untrusted-sms-\1>/.exec(text);
    expect(section?.[2]).toContain('"ILT KARGOTAKIP rEt"');
    expect(text.replace(section?.[0] ?? '', '')).not.toContain('KARGOTAKIP');
    // The possible opt-out: counted apart, in a section of its own, and no reason to doubt the verdict.
    expect(text).toContain(`Europe/Istanbul): ${clearCount} numbers opted out (RET), among ${received.length} messages received. Apart from these, 1 number sent only a possible opt-out (RET inside a longer text)`);
    expect(section?.[2]).not.toContain('RET değil');
    const possibleSection = /Possible opt-outs, review: [^\n]*\n<untrusted-sms-([0-9a-f]{12})>\n([\s\S]*?)\n<\/untrusted-sms-\1>/.exec(text);
    const possible = FIXTURE_ACCOUNT.inbox.find((message) => demoOptOutKind(message.text) === 'possible');
    expect(possibleSection?.[2]).toBe(
      `${possible?.date.slice(0, 16)} id "${possible?.id}" from "+905443332211" (on the blacklist): "Ürünü iade (RETURN) etmek istiyorum, RET değil"`,
    );
    expect(text).not.toContain('POSSIBLE OPT-OUTS TO REVIEW');
    // Recipients were read only for the orders sent after the earliest opt-out.
    const read = new Set(session?.api.requests.filter((request) => request.endpoint === 'get-report').map((request) => request.order));
    expect([...read].sort()).toEqual(checked.map((order) => order.id).sort());
  });

  it('compares numbers in E.164 across the inbox, blacklist and report formats, and lists a short code as uncheckable', async () => {
    const message = (id: string, sender: string, date: string, text = 'RET'): InboxMessage => ({ id, date, sender, number: '+908501234567', text });
    const order = (id: number, sendAt: string): Order => ({ id, status: 114, total: 4, delivered: 3, undelivered: 1, waiting: 0, submitAt: sendAt, sendAt, sender: 'ACME' });
    const account: SimulatedAccount = {
      inbox: [
        message('1', '+905321234567', '2026-04-10 10:00:00'),
        message('2', '+905339876543', '2026-04-11 10:00:00', 'ILT ACME RET'),
        message('3', '7889', '2026-04-12 10:00:00'),
        message('4', '+905321234567', '2026-04-13 10:00:00', 'ret'),
      ],
      // The blacklist writes one as "5…" and one not at all.
      blacklist: [{ number: '5321234567', at: '2026-04-10 10:00:01' }],
      orders: [order(1, '2026-04-09 09:00:00'), order(2, '2026-04-11 12:00:00'), order(3, '2026-04-12 12:00:00')],
      recipients: (o) =>
        o.id === 2
          ? [{ number: 5321234567, status: 111 }, { number: '05339876543', status: 112 }, { number: '7889', status: 111 }, { number: '5000000000', status: 111 }]
          : [{ number: '+90 532 123 45 67', status: 111 }, { number: '905339876543', status: 111 }, { number: '5000000001', status: 111 }, { number: '5000000002', status: 112 }],
    };
    const { data, text } = await audit({ start: '2026-04-01', end: '2026-04-20' }, { fake: { account } });
    expect(data.items).toEqual([
      {
        number: '+905339876543',
        isPhoneNumber: true,
        optOutKind: 'clear',
        optedOutAt: iso('2026-04-11 10:00:00'),
        messageId: '2',
        text: 'ILT ACME RET',
        textTruncated: false,
        blacklisted: false,
        sendCount: 2,
        sendsAfterOptOut: [
          { orderId: 2, sendAt: iso('2026-04-11 12:00:00'), sender: 'ACME', status: 'undelivered' },
          { orderId: 3, sendAt: iso('2026-04-12 12:00:00'), sender: 'ACME', status: 'delivered' },
        ],
      },
      {
        number: '+905321234567',
        isPhoneNumber: true,
        optOutKind: 'clear',
        optedOutAt: iso('2026-04-10 10:00:00'),
        messageId: '1',
        text: 'RET',
        textTruncated: false,
        blacklisted: true,
        sendCount: 2,
        sendsAfterOptOut: [
          { orderId: 2, sendAt: iso('2026-04-11 12:00:00'), sender: 'ACME', status: 'delivered' },
          { orderId: 3, sendAt: iso('2026-04-12 12:00:00'), sender: 'ACME', status: 'delivered' },
        ],
      },
      { number: '7889', isPhoneNumber: false, optOutKind: 'clear', optedOutAt: iso('2026-04-12 10:00:00'), messageId: '3', text: 'RET', textTruncated: false, blacklisted: null, sendCount: 0, sendsAfterOptOut: [] },
    ]);
    expect(data).toMatchObject({ optOuts: 3, blacklisted: 1, notBlacklisted: 1, uncheckable: 1, messagedAfterOptOut: 2, ordersChecked: 2 });
    expect(text).toContain('1 opt-out came from senders that are not phone numbers (short codes or names)');
  });

  it('checks a possible opt-out as it checks a clear one, counts it apart, and asks for a review rather than calling the audit clean', async () => {
    const message = (id: string, sender: string, date: string, text: string): InboxMessage => ({ id, date, sender, number: '+908501234567', text });
    const account: SimulatedAccount = {
      inbox: [
        // A clear opt-out, blacklisted, never messaged again.
        message('1', '+905321234567', '2026-04-10 10:00:00', 'RET'),
        // RET inside a sentence: not blacklisted, and messaged an hour later.
        message('2', '+905339876543', '2026-04-11 10:00:00', 'Lütfen beni listeden çıkarın RET'),
        // A possible opt-out, then a clear one from the same number: the clear one dates its opt-out.
        message('3', '+905447771122', '2026-04-09 10:00:00', 'RET değil, RETURN istiyorum'),
        message('4', '+905447771122', '2026-04-12 10:00:00', 'ret lütfen'),
        // A possible opt-out already on the blacklist and not messaged: listed, nothing to do.
        message('5', '+905385554433', '2026-04-13 10:00:00', 'Bir daha mesaj atmayın artık RET'),
      ],
      blacklist: [
        { number: '+905321234567', at: '2026-04-10 10:00:01' },
        { number: '+905447771122', at: '2026-04-12 10:00:01' },
        { number: '5385554433', at: '2026-04-13 10:00:01' },
      ],
      orders: [{ id: 1, status: 114, total: 3, delivered: 3, undelivered: 0, waiting: 0, submitAt: '2026-04-11 11:00:00', sendAt: '2026-04-11 11:00:00', sender: 'ACME' }],
      recipients: () => [
        { number: '05339876543', status: 111 },
        { number: '5447771122', status: 111 },
        { number: '5000000000', status: 111 },
      ],
    };
    const { data, text } = await audit({ start: '2026-04-01', end: '2026-04-20', scheduleHorizonDays: 30 }, { fake: { account } });
    expect(data).toMatchObject({
      optOuts: 2,
      blacklisted: 2,
      notBlacklisted: 0,
      uncheckable: 0,
      messagedAfterOptOut: 0,
      possibleOptOuts: { count: 2, blacklisted: 1, notBlacklisted: 1, uncheckable: 0, messagedAfterOptOut: 1, toReview: 1 },
      ordersChecked: 1,
      complete: true,
    });
    // Problems first, clear before possible, then newest first.
    expect(data.items.map((item) => [item.number, item.optOutKind, item.messageId, item.sendCount])).toEqual([
      ['+905339876543', 'possible', '2', 1],
      ['+905447771122', 'clear', '4', 0],
      ['+905321234567', 'clear', '1', 0],
      ['+905385554433', 'possible', '5', 0],
    ]);
    expect(text).toContain('2 numbers opted out (RET), among 5 messages received. Apart from these, 2 numbers sent only a possible opt-out (RET inside a longer text)');
    expect(text).toContain('Blacklist: every checkable opted-out number is on it (2).');
    expect(text).toContain(
      'POSSIBLE OPT-OUTS TO REVIEW: 1 number not on the blacklist, 1 number messaged afterwards: ' +
        '+905339876543 (not on the blacklist; 1 message after it, message id "2"). Read each message below: if it asks to stop, blacklist the number.',
    );
    expect(text).toContain('Verdict: review needed.');
    expect(text).not.toContain('Verdict: clean');
    const sections = [...text.matchAll(/<untrusted-sms-([0-9a-f]{12})>\n([\s\S]*?)\n<\/untrusted-sms-\1>/g)].map((match) => match[2]);
    expect(sections).toEqual([
      '2026-04-12 10:00 id "4" from "+905447771122" (on the blacklist): "ret lütfen"\n2026-04-10 10:00 id "1" from "+905321234567" (on the blacklist): "RET"',
      '2026-04-11 10:00 id "2" from "+905339876543" (NOT on the blacklist; 1 message after opting out): "Lütfen beni listeden çıkarın RET"\n' +
        '2026-04-13 10:00 id "5" from "+905385554433" (on the blacklist): "Bir daha mesaj atmayın artık RET"',
    ]);
    expect(text).toContain('Possible opt-outs, review: RET inside a longer text');
  });

  it('says it covered only what the API returned when the inbox is incomplete, and never calls the result clean', async () => {
    const { data, text } = await audit({ period: 'last_30_days' }, { fake: { inboxRowLimit: 3 } });
    const shortInbox = { ...FIXTURE_ACCOUNT, inbox: FIXTURE_ACCOUNT.inbox.slice(0, 3) };
    const truth = auditOf(shortInbox, recipientsOf(FIXTURE_ACCOUNT), LAST_30_DAYS, demoOptOutKind, TODAY, NOW);
    expect(data.complete).toBe(false);
    expect(data.inbox).toEqual({ totalRows: FIXTURE_ACCOUNT.inbox.length, fetched: 3, complete: false, inRange: 3 });
    expect(data.verdict).toBe('partial');
    expect(data.items).toEqual(truth.map(shown));
    expect(text).toContain(
      `INCOMPLETE: the API returned only 3 of the ${FIXTURE_ACCOUNT.inbox.length} messages it reports, and get-inbox has no documented paging, ` +
        'so this audit covers only the messages it returned: opt-outs among the missing ones were not checked. The panel (panel.iletimerkezi.com) has the full list.',
    );
    expect(text).toContain('Verdict: partial.');
    expect(text).not.toContain('Verdict: clean');
  });

  it('calls an inbox with more messages than its totalRows inconsistent, with true counts, and never clean', async () => {
    const messages: InboxMessage[] = ['+905321234567', '+905339876543', '+905441112233', '+905352223344', '+905363334455'].map((sender, index) => ({
      id: String(index + 1),
      date: `2026-04-1${index} 10:00:00`,
      sender,
      number: '+908501234567',
      text: index === 0 ? 'RET' : 'Teşekkürler',
    }));
    const account: SimulatedAccount = { orders: [], inbox: messages, inboxTotalRows: 2, blacklist: [{ number: '+905321234567', at: '2026-04-10 10:00:01' }] };
    const { data, text } = await audit({ start: '2026-04-01', end: '2026-04-20', scheduleHorizonDays: 0 }, { fake: { account } });
    expect(data.inbox).toEqual({ totalRows: 2, fetched: 5, complete: false, inRange: 5 });
    expect(data).toMatchObject({ verdict: 'partial', complete: false, optOuts: 1, blacklisted: 1, scheduleGap: null });
    expect(text).toContain(
      'INCONSISTENT: the API returned 5 messages but reports 2 in all, so its count cannot be trusted; this audit covers every message it ' +
        'returned, but cannot tell whether any is missing. The panel (panel.iletimerkezi.com) has the full list.',
    );
    expect(text).not.toMatch(/5 of the 2|of the 2 /);
    expect(text).toContain('Verdict: partial.');
  });

  it('keeps the answer within its size budget, texts cut at 1,000 characters, with a cursor for the rest', async () => {
    const inbox: InboxMessage[] = Array.from({ length: 450 }, (_, index) => ({
      id: String(index + 1),
      date: `2026-04-20 10:${String(Math.floor(index / 60)).padStart(2, '0')}:${String(index % 60).padStart(2, '0')}`,
      sender: `+90532${String(1_000_000 + index).slice(-7)}`,
      number: '+908501234567',
      text: `RET ${'ş'.repeat(5_000)}`,
    }));
    const { result, data } = await audit({ period: 'last_7_days', checkSends: false, limit: 500 }, { fake: { account: { orders: [], inbox } } });
    expect(Buffer.byteLength(JSON.stringify(result))).toBeLessThanOrEqual(256 * 1024);
    expect(data.optOuts).toBe(450);
    expect(data.truncated).toBe(true);
    expect(data.items.length).toBeGreaterThan(10);
    expect(data.items.every((item) => item.textTruncated && Array.from(item.text).length === 1_000)).toBe(true);
    const numbers = data.items.map((item) => item.number);
    let cursor = data.nextCursor;
    while (cursor) {
      const next = await audit({ cursor, limit: 500 });
      expect(next.result.isError, next.text).toBeFalsy();
      numbers.push(...next.data.items.map((item) => item.number));
      cursor = next.data.nextCursor;
    }
    expect(new Set(numbers).size).toBe(450);
    expect(numbers).toHaveLength(450);
  });

  it('skips later sends on request, and is then not complete', async () => {
    const { data, text } = await audit({ period: 'last_30_days', checkSends: false });
    expect(data).toMatchObject({ sendsChecked: false, complete: false, ordersChecked: 0, messagedAfterOptOut: 0 });
    expect(session?.api.requests.map((request) => request.endpoint).sort()).toEqual(['get-blacklist', 'get-blacklist', 'get-inbox']);
    expect(text).toContain('Later sends were NOT checked (checkSends: false)');
  });

  it('reads the whole blacklist page by page, whatever the page size', async () => {
    const { data } = await audit({ period: 'last_30_days', checkSends: false }, { fake: { rowPageSize: 3 } });
    const pages = session?.api.requests.filter((request) => request.endpoint === 'get-blacklist').map((request) => request.page);
    const size = FIXTURE_ACCOUNT.blacklist?.length ?? 0;
    expect(pages).toEqual(Array.from({ length: Math.ceil(size / 3) + 1 }, (_, index) => index + 1));
    // Six senders of the range are on it: five clear opt-outs and the possible one.
    expect(data.blacklisted).toBe(5);
    expect(data.possibleOptOuts.blacklisted).toBe(1);
  });

  it('refuses a later-sends scan that cannot reach back to the opt-out within ILETIMERKEZI_MAX_RANGE_DAYS, before reading any order', async () => {
    // The fixture's opt-out of 2026-04-10 means scanning at least 2026-04-10..2026-04-22 (13 days) for later sends.
    const { result, text } = await audit({ start: '2026-04-08', end: '2026-04-12' }, { maxRangeDays: 12 });
    expect(result.isError).toBe(true);
    expect(text).toMatch(/^Checking for later sends would scan the orders submitted 2026-04-10\.\.2026-04-22, 13 days, more than the 12 allowed \(ILETIMERKEZI_MAX_RANGE_DAYS\)/);
    expect(text).toContain('checkSends: false');
    expect(session?.api.requests.filter((request) => request.endpoint === 'get-reports')).toEqual([]);
  });

  it('refuses past ILETIMERKEZI_MAX_REPORT_ORDERS before reading any recipient', async () => {
    const { result, text } = await audit({ period: 'last_30_days' }, { maxReportOrders: 5 });
    expect(result.isError).toBe(true);
    expect(text).toMatch(/^The range holds \d+ orders sent after the earliest opt-out, more than the 5 whose recipients one call may read \(ILETIMERKEZI_MAX_REPORT_ORDERS\)/);
    expect(text).toContain('audit a shorter or more recent range, or pass checkSends: false for the blacklist check alone.');
    expect(session?.api.requests.filter((request) => request.endpoint === 'get-report')).toHaveLength(0);
  });

  it('stops reading recipients when the client cancels', async () => {
    const cancelled = await cancelWhileReadingRecipients('audit_opt_outs', { period: 'last_30_days' }, 3);
    session = cancelled.session;
    expect(cancelled.reports).toBeLessThan(100);
  });
});

/**
 * A number that opted out at 2026-04-15 10:00 and was blacklisted at once, so the only thing an
 * audit of that day can find wrong is an order that went out to it afterwards. get-reports lists
 * orders by the day they were submitted, and a scheduled order may have been submitted long before.
 */
describe('audit_opt_outs and orders scheduled long before they go out', () => {
  const NUMBER = '+905321234567';
  const OPT_OUT_DAY = { start: '2026-04-15', end: '2026-04-15' };
  const order = (id: number, submitAt: string, sendAt: string): Order => ({ id, status: 114, total: 1, delivered: 1, undelivered: 0, waiting: 0, submitAt, sendAt, sender: 'ACME' });
  /** Submitted 12 days before the opt-out, went out the morning after it. */
  const TWELVE_DAYS_AHEAD = order(1, '2026-04-03 09:00:00', '2026-04-16 09:00:00');
  /** Submitted 40 days before the opt-out, went out two days after it. */
  const FORTY_DAYS_AHEAD = order(2, '2026-03-06 09:00:00', '2026-04-17 09:00:00');
  /** Went out the day before the opt-out. */
  const BEFORE = order(3, '2026-04-14 09:00:00', '2026-04-14 09:00:00');
  /** Due tomorrow, after the fixture's now. */
  const NOT_YET = order(4, '2026-04-20 09:00:00', '2026-04-23 09:00:00');
  const accountWith = (orders: Order[], reaches: (order: Order) => boolean = () => true): SimulatedAccount => ({
    inbox: [{ id: '1', date: '2026-04-15 10:00:00', sender: NUMBER, number: '+908501234567', text: 'RET' }],
    blacklist: [{ number: NUMBER, at: '2026-04-15 10:00:05' }],
    orders,
    recipients: (o) => [{ number: reaches(o) ? '5321234567' : '5000000000', status: 111 }, { number: '5000000001', status: 112 }],
  });
  /** The orders an audit reads recipients for: submitted from `first`, sent after the opt-out and by now. */
  const sentAfterOptOut = (account: SimulatedAccount, first: string) =>
    account.orders.filter((o) => o.submitAt.slice(0, 10) >= first && o.sendAt > '2026-04-15 10:00:00' && o.sendAt <= NOW).map((o) => o.id);
  const truthOf = (account: SimulatedAccount, leadDays: number) => auditOf(account, recipientsOf(account), OPT_OUT_DAY, (text) => (text === 'RET' ? 'clear' : null), TODAY, NOW, leadDays);

  it('finds a campaign submitted 12 days ahead that went out after the opt-out, and names the days before its scan as not checked', async () => {
    const account = accountWith([TWELVE_DAYS_AHEAD, BEFORE]);
    const { data, text } = await audit(OPT_OUT_DAY, { fake: { account } });
    const truth = truthOf(account, 30);
    expect(truth.map((item) => item.sends.map((send) => send.orderId))).toEqual([[1]]);
    expect(data).toMatchObject({
      verdict: 'partial',
      complete: false,
      messagedAfterOptOut: 1,
      ordersChecked: sentAfterOptOut(account, '2026-03-16').length,
      sendsScanned: { start: '2026-03-16', end: TODAY, timezone: 'Europe/Istanbul' },
      scheduleGap: { submittedBefore: '2026-03-16', reason: 'horizon_unknown' },
    });
    expect(data.ordersChecked).toBe(1);
    expect(data.items).toEqual(truth.map(shown));
    expect(text).toContain(
      'RECEIVED MESSAGES AFTER OPTING OUT: 1 number (of 1 order checked): +905321234567 (opted out 2026-04-15 10:00): order #1 sent 2026-04-16 09:00 by "ACME" (delivered).',
    );
    expect(text).toContain('NOT CHECKED: orders submitted before 2026-03-16 and scheduled to go out after an opt-out: the API sets no limit');
    expect(text).not.toContain('Verdict: clean');
    // The scan lists the orders of 2026-03-16..2026-04-22 and reads the recipients of order 1 alone: its page, then the empty one.
    const windows = session?.api.requests.filter((request) => request.endpoint === 'get-reports').map((request) => request.start);
    expect(windows?.[0]).toBe('2026-03-16');
    expect(session?.api.requests.filter((request) => request.endpoint === 'get-report').map((request) => [request.order, request.page])).toEqual([
      [1, 1],
      [1, 2],
    ]);
  });

  it('never calls clean an audit whose scan could miss a campaign submitted further ahead, and finds it within a stated horizon', async () => {
    const account = accountWith([FORTY_DAYS_AHEAD, BEFORE]);
    const unknown = await audit(OPT_OUT_DAY, { fake: { account } });
    expect(truthOf(account, 30).map((item) => item.sends.length)).toEqual([0]);
    expect(unknown.data).toMatchObject({
      verdict: 'partial',
      complete: false,
      messagedAfterOptOut: 0,
      ordersChecked: 0,
      scheduleGap: { submittedBefore: '2026-03-16', reason: 'horizon_unknown' },
    });
    expect(unknown.text).toContain('Later sends: no opted-out number received a message after opting out (0 orders sent after the earliest opt-out were checked, of those submitted 2026-03-16..2026-04-22).');
    expect(unknown.text).toContain('NOT CHECKED: orders submitted before 2026-03-16 and scheduled to go out after an opt-out: the API sets no limit');
    expect(unknown.text).toContain('Verdict: partial.');
    expect(unknown.text).not.toContain('Verdict: clean');

    const stated = await audit({ ...OPT_OUT_DAY, scheduleHorizonDays: 45 });
    const truth = truthOf(account, 45);
    expect(truth.map((item) => item.sends.map((send) => send.orderId))).toEqual([[2]]);
    expect(stated.data).toMatchObject({
      verdict: 'action_needed',
      complete: true,
      messagedAfterOptOut: 1,
      ordersChecked: sentAfterOptOut(account, '2026-03-01').length,
      sendsScanned: { start: '2026-03-01', end: TODAY, timezone: 'Europe/Istanbul' },
      scheduleGap: null,
    });
    expect(stated.data.items).toEqual(truth.map(shown));
    expect(stated.text).not.toContain('NOT CHECKED');
  });

  it('vouches for a stated horizon: clean and complete when the scan covers every order that could have reached the opt-out', async () => {
    const account = accountWith([order(5, '2026-04-05 09:00:00', '2026-04-16 09:00:00'), BEFORE], (o) => o.id !== 5);
    const { data, text } = await audit({ ...OPT_OUT_DAY, scheduleHorizonDays: 14 }, { fake: { account } });
    expect(truthOf(account, 14).map((item) => item.sends.length)).toEqual([0]);
    expect(data).toMatchObject({
      verdict: 'clean',
      complete: true,
      messagedAfterOptOut: 0,
      ordersChecked: sentAfterOptOut(account, '2026-04-01').length,
      sendsScanned: { start: '2026-04-01', end: TODAY, timezone: 'Europe/Istanbul' },
      scheduleGap: null,
    });
    expect(data.ordersChecked).toBe(1);
    expect(text).toContain('Verdict: clean.');
    expect(session?.api.requests.find((request) => request.endpoint === 'get-reports')?.start).toBe('2026-04-01');
  });

  it('names the gap when ILETIMERKEZI_MAX_RANGE_DAYS cuts the lead, and counts an order not yet sent without reading it', async () => {
    const account = accountWith([TWELVE_DAYS_AHEAD, FORTY_DAYS_AHEAD, NOT_YET]);
    // 2026-04-15..2026-04-22 is 8 days, so 20 days leave a lead of 12: back to 2026-04-03, not the 30 days asked.
    const { data, text } = await audit({ ...OPT_OUT_DAY, scheduleHorizonDays: 30 }, { fake: { account }, maxRangeDays: 20 });
    expect(data).toMatchObject({
      verdict: 'partial',
      complete: false,
      messagedAfterOptOut: 1,
      ordersChecked: sentAfterOptOut(account, '2026-04-03').length,
      scheduledLater: 1,
      sendsScanned: { start: '2026-04-03', end: TODAY, timezone: 'Europe/Istanbul' },
      scheduleGap: { submittedBefore: '2026-04-03', reason: 'range_limit' },
    });
    expect(data.items[0]?.sendsAfterOptOut.map((send) => send.orderId)).toEqual([1]);
    expect(text).toContain(
      'NOT CHECKED: orders submitted before 2026-04-03 and scheduled to go out after an opt-out: ILETIMERKEZI_MAX_RANGE_DAYS let the scan ' +
        'go back no further. Audit a more recent range to check them.',
    );
    expect(text).toContain('1 scheduled order has not gone out yet, so it was not checked: review its recipients before the send time.');
  });
});
