import { afterEach, describe, expect, it } from 'vitest';
import type { Order } from '../src/api/schemas.js';
import type { SimulatedAccount, SimulatorOptions } from '../src/simulator/api-server.js';
import { auditCounts, auditOf, demoOptOutKind, failedNumbersOf, ordersBetween } from './support/ground-truth.js';
import { type Connected, FIXTURE_ACCOUNT, connect, textOf } from './support/harness.js';

/**
 * Every page walk ends, whatever the API sends: a page that brings nothing new ends it, judged on
 * the entries as the API served them. get-inbox has no paging, so it is one request and no walk.
 */

let session: Connected | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

async function call(tool: string, args: Record<string, unknown>, fake: Partial<SimulatorOptions>, callTimeoutMs = 20_000) {
  session = await connect({ fake, callTimeoutMs });
  const result = await session.mcp.callTool({ name: tool, arguments: args });
  const requests = (endpoint: string) => session?.api.requests.filter((request) => request.endpoint === endpoint) ?? [];
  return { result, text: textOf(result), data: result.structuredContent as Record<string, unknown>, requests };
}

const AT = '2026-04-20 10:00:00';
const order = (id: number, total: number): Order => ({ id, status: 114, total, delivered: total, undelivered: 0, waiting: 0, submitAt: AT, sendAt: AT, sender: 'ACME' });

/** One order of three recipients; the second is the first one again, as a list with a number twice sends it. */
const SMALL: SimulatedAccount = {
  orders: [order(502, 3)],
  inbox: [],
  recipients: () => [
    { number: '5321234567', status: 111 },
    { number: '5321234567', status: 111 },
    { number: '5331234567', status: 111 },
  ],
};

/** SMALL's recipients as list_recipients answers them, in E.164. */
const SMALL_LISTED = [
  { number: '+905321234567', isPhoneNumber: true, status: 111, state: 'delivered' },
  { number: '+905321234567', isPhoneNumber: true, status: 111, state: 'delivered' },
  { number: '+905331234567', isPhoneNumber: true, status: 111, state: 'delivered' },
];

describe('get-report walks', () => {
  it('stop at the second page when the API ignores page, with a clear error, after 2 requests (not 16,667)', async () => {
    // Pages of two rows, so that page 1 alone falls short of the total and the walk goes on to page 2.
    const { result, text, requests } = await call('list_recipients', { orderId: 502 }, { account: SMALL, ignoresPage: ['get-report'], rowPageSize: 2 });
    expect(result.isError).toBe(true);
    expect(text).toBe(
      'The iletiMerkezi API served page 2 of order 502 exactly as it served page 1, past the 3 recipients the order holds; ' +
        'stopped rather than count them twice or loop forever. Try again later.',
    );
    expect(requests('get-report').map((request) => request.page)).toEqual([1, 2]);
  });

  it('read an order that holds one number twice whole: its pages differ as served, though a number repeats', async () => {
    // Pages of two rows: page 1 holds the number twice, page 2 the third recipient.
    const { result, data, requests } = await call('list_recipients', { orderId: 502 }, { account: SMALL, rowPageSize: 2 });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(data.recipients).toEqual(SMALL_LISTED);
    expect(data.consistent).toBe(true);
    // Page 2 is short of the rows asked for and brings the recipients to the total: no empty page 3.
    expect(requests('get-report').map((request) => request.page)).toEqual([1, 2]);
  });

  it('read a page that repeats a number of the page before it, in another spelling, as new', async () => {
    const respelled: SimulatedAccount = {
      ...SMALL,
      recipients: () => [
        { number: '5321234567', status: 111 },
        { number: 5321234567, status: 111 },
        { number: '+905321234567', status: 111 },
      ],
    };
    const { result, data, requests } = await call('list_recipients', { orderId: 502 }, { account: respelled, rowPageSize: 1 });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect((data.recipients as Array<{ number: string }>).map((recipient) => recipient.number)).toEqual(['+905321234567', '+905321234567', '+905321234567']);
    expect(data.consistent).toBe(true);
    expect(requests('get-report').map((request) => request.page)).toEqual([1, 2, 3]);
  });

  it('read a real order whole when a page repeats the one before it, once the page past its end comes back empty', async () => {
    // Pages of one row: page 2 is page 1 again, as served. The total (3) has room for it, but a
    // total may be wrong, so page 4, past the end, is asked: empty, so the API follows page.
    const { result, data, requests } = await call('list_recipients', { orderId: 502 }, { account: SMALL, rowPageSize: 1 });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(data.recipients).toEqual(SMALL_LISTED);
    expect(data.consistent).toBe(true);
    // Page 3 is short of the rows asked for and brings the recipients to the total: no empty page after it.
    expect(requests('get-report').map((request) => request.page)).toEqual([1, 2, 4, 3]);
  });

  /** 3,000 distinct recipients, the last 300 undelivered. */
  const WIDE: SimulatedAccount = {
    orders: [{ ...order(503, 3000), delivered: 2700, undelivered: 300 }],
    inbox: [],
    recipients: () => Array.from({ length: 3000 }, (_, index) => ({ number: `+90532${String(index).padStart(7, '0')}`, status: index < 2700 ? 111 : 112 })),
  };

  it('stop after the page past the end when the API ignores page and serves pages of 100 rows, though the total has room for thirty', async () => {
    const fake = { account: WIDE, ignoresPage: ['get-report' as const], rowPageSize: 100 };
    const { result, text, requests } = await call('list_recipients', { orderId: 503 }, fake);
    expect(result.isError).toBe(true);
    expect(text).toBe(
      'The iletiMerkezi API served page 2 of order 503 exactly as it served page 1, and served recipients on page 31, past the 3,000 recipients ' +
        'the order holds, so it does not follow the page asked for; stopped rather than count them twice or loop forever. Try again later.',
    );
    expect(requests('get-report').map((request) => request.page)).toEqual([1, 2, 31]);
    await session?.close();
    const failed = await call('list_failed_numbers', { period: 'this_month' }, fake);
    expect(failed.result.isError, failed.text).toBeFalsy();
    expect(failed.data).toMatchObject({
      ordersWithFailures: 1,
      failedMessages: 0,
      numbers: 0,
      complete: false,
      notChecked: { count: 1, orders: [{ orderId: 503, reason: 'repeating_pages' }] },
    });
    expect(failed.data.items).toEqual([]);
    expect(failed.requests('get-report').map((request) => request.page)).toEqual([1, 2, 31]);
  });

  it('let no wrong total drive the walk: 3 recipients under a total of 50,000, page ignored, end after 3 requests (not 16,667)', async () => {
    const inflated: SimulatedAccount = { ...SMALL, orders: [order(502, 50_000)] };
    const { result, text, requests } = await call('list_recipients', { orderId: 502 }, { account: inflated, ignoresPage: ['get-report'], rowPageSize: 3 });
    expect(result.isError).toBe(true);
    expect(text).toBe(
      'The iletiMerkezi API served page 2 of order 502 exactly as it served page 1, and served recipients on page 16,668, past the 50,000 recipients ' +
        'the order holds, so it does not follow the page asked for; stopped rather than count them twice or loop forever. Try again later.',
    );
    expect(requests('get-report').map((request) => request.page)).toEqual([1, 2, 16_668]);
  });

  it('end at the empty page when the total is wrong but the API follows page: 3 recipients under a total of 50,000', async () => {
    const inflated: SimulatedAccount = { ...SMALL, orders: [order(502, 50_000)] };
    const { result, data, requests } = await call('list_recipients', { orderId: 502 }, { account: inflated, rowPageSize: 3 });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect((data.recipients as unknown[]).length).toBe(3);
    expect(data.consistent).toBe(false);
    expect(requests('get-report').map((request) => request.page)).toEqual([1, 2]);
  });

  it('read an order whole from its one page when the API ignores page, since that page is short and holds the total', async () => {
    const { result, data, requests } = await call('list_recipients', { orderId: 502 }, { account: SMALL, ignoresPage: ['get-report'] });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect((data.recipients as unknown[]).length).toBe(3);
    expect(data.consistent).toBe(true);
    expect(requests('get-report').map((request) => request.page)).toEqual([1]);
  });

  it('take a repeated page for the API\'s when the order gives no total to make room for it (the older get-report)', async () => {
    const { result, text, requests } = await call('list_recipients', { orderId: 502 }, { account: SMALL, rowPageSize: 1, legacyReport: true });
    expect(result.isError).toBe(true);
    expect(text).toBe(
      'The iletiMerkezi API served page 2 of order 502 exactly as it served page 1; stopped rather than count them twice or loop forever. Try again later.',
    );
    expect(requests('get-report')).toHaveLength(2);
  });

  it('let list_failed_numbers end quickly when the API ignores page for all orders: those past one page named as not checked, the rest read whole', async () => {
    const march = ordersBetween(FIXTURE_ACCOUNT.orders, '2026-03-01', '2026-03-31');
    const failing = march.filter((candidate) => candidate.undelivered > 0);
    const recipientsOf = (candidate: Order) => FIXTURE_ACCOUNT.recipients?.(candidate) ?? [];
    // Page 1 is every page: an order that fits it is read whole from it, its short page holding the total.
    const readable = failing.filter((candidate) => recipientsOf(candidate).length < 1000);
    const unreadable = failing.filter((candidate) => recipientsOf(candidate).length >= 1000);
    expect(readable.length).toBeGreaterThan(0);
    expect(unreadable.length).toBeGreaterThan(0);
    const started = performance.now();
    const { result, data, requests } = await call('list_failed_numbers', { period: 'last_month' }, { ignoresPage: ['get-report'] }, 8_000);
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(data).toMatchObject({
      ordersWithFailures: failing.length,
      failedMessages: readable.reduce((sum, candidate) => sum + candidate.undelivered, 0),
      numbers: failedNumbersOf(readable, recipientsOf).length,
      complete: false,
      notChecked: {
        count: unreadable.length,
        orders: unreadable
          .map((candidate) => candidate.id)
          .sort((a, b) => a - b)
          .slice(0, 20)
          .map((orderId) => ({ orderId, reason: 'repeating_pages' })),
      },
    });
    // An order read whole: its one page. Any other: page 1, then page 1 again, which ends it past the
    // total (an order under 2,000), or with the page past the end, page 1 once more.
    const pagesOf = (candidate: Order) => (candidate.total < 2000 ? 2 : 3);
    expect(requests('get-report')).toHaveLength(readable.length + unreadable.reduce((sum, candidate) => sum + pagesOf(candidate), 0));
    expect(unreadable.some((candidate) => candidate.total >= 2000)).toBe(true);
  });
});

const TODAY = '2026-04-22';
const NOW = '2026-04-22 12:30:00';
const LAST_30_DAYS = { start: '2026-03-24', end: TODAY };
const blacklist = FIXTURE_ACCOUNT.blacklist ?? [];

describe('get-blacklist walks', () => {
  it('read the same number blocked twice, as 5321234567 and as +905321234567, as two entries, not as the API repeating itself', async () => {
    const truth = auditOf(FIXTURE_ACCOUNT, () => [], LAST_30_DAYS, demoOptOutKind, TODAY, NOW);
    // Page 1 holds the blacklist as written, page 2 every number again in its other spelling.
    const { result, data, requests } = await call(
      'audit_opt_outs',
      { period: 'last_30_days', checkSends: false },
      { respelledBlacklist: true, rowPageSize: blacklist.length },
    );
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(data).toMatchObject({
      verdict: 'partial',
      optOuts: auditCounts(truth, 'clear').count,
      blacklisted: auditCounts(truth, 'clear').blacklisted,
      notBlacklisted: auditCounts(truth, 'clear').notBlacklisted,
      possibleOptOuts: auditCounts(truth, 'possible'),
    });
    expect(truth.filter((item) => item.blacklisted === true).length).toBeGreaterThan(3);
    expect(requests('get-blacklist').map((request) => request.page)).toEqual([1, 2, 3]);
  });

  it('read the same digits served as a JSON string and as a JSON number as two entries, not as the API repeating itself', async () => {
    // Page 1 holds two numbers as strings, page 2 the same digits as JSON numbers, page 3 nothing.
    const pages: Record<number, unknown[]> = { 1: ['5321234567', '5331234567'], 2: [5321234567, 5331234567] };
    const script = (request: { endpoint: string; page?: number }) =>
      request.endpoint === 'get-blacklist'
        ? { status: 200, body: { response: { status: { code: 200, message: 'İşlem başarılı' }, blacklist: { count: '4', number: pages[request.page ?? 1] ?? [] } } } }
        : undefined;
    const { result, data, requests } = await call('check_blacklist', { numbers: ['0532 123 45 67', '0534 123 45 67'] }, { script });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(data).toMatchObject({ entries: 2, phoneNumbers: 2, blocked: ['+905321234567'], clear: 1, blacklistSize: 2 });
    expect(requests('get-blacklist').map((request) => request.page)).toEqual([1, 2, 3]);
  });

  it('stop at the second page when the API ignores page, with a clear error', async () => {
    const { result, text, requests } = await call('audit_opt_outs', { period: 'last_30_days', checkSends: false }, { ignoresPage: ['get-blacklist'], rowPageSize: 10 });
    expect(result.isError).toBe(true);
    expect(text).toBe('The iletiMerkezi API served blacklist page 2 with no number it had not served before; stopped rather than loop forever. Try again later.');
    expect(requests('get-blacklist')).toHaveLength(2);
  });
});

describe('get-inbox', () => {
  it('is one request, with no page to walk', async () => {
    const { result, requests } = await call('read_inbox', { period: 'last_30_days' }, { ignoresPage: ['get-reports', 'get-report', 'get-blacklist'] });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(requests('get-inbox')).toHaveLength(1);
    expect(session?.api.requests).toHaveLength(1);
  });
});
