import { afterEach, describe, expect, it } from 'vitest';
import type { Order } from '../src/api/schemas.js';
import type { FaultPlan, ScriptedResponse, SimulatedRequest, SimulatorOptions } from '../src/simulator/api-server.js';
import { auditCounts, auditOf, demoOptOutKind, failedNumbersOf, ordersBetween, totals } from './support/ground-truth.js';
import { type Connected, FIXTURE_ACCOUNT, connect, textOf } from './support/harness.js';

/**
 * One unreadable order doesn't sink a scan: an order get-report refuses (455 not sending yet, 456
 * scheduled), keeps failing on, or answers for with a body that cannot be read is named as not
 * checked yet, the answer is partial, and what the other orders hold is still reported. A failure
 * of the whole call (credentials, the API down or changed for every order) still fails it.
 */

let session: Connected | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

async function call(tool: string, args: Record<string, unknown>, fake: Partial<SimulatorOptions>) {
  session = await connect({ fake });
  const result = await session.mcp.callTool({ name: tool, arguments: args });
  const reportRequests = (orderId: number) => session?.api.requests.filter((request) => request.endpoint === 'get-report' && request.order === orderId) ?? [];
  return { result, text: textOf(result), data: result.structuredContent as Record<string, unknown>, reportRequests };
}

/** get-report answers 503 to every request for these orders, however often the client retries. */
const outageOf = (orders: readonly number[]): FaultPlan => ({ rate: 1, kinds: ['http-503'], seed: 7, maxPerRequest: Infinity, orders });

const recipientsOf = (order: Order) => FIXTURE_ACCOUNT.recipients?.(order) ?? [];
const byId = (a: number, b: number) => a - b;

/**
 * What list_failed_numbers answers over March when the orders of `unread` are not checked yet, for
 * `notChecked` reasons: every other order's failures exactly, from the fixture's own recipients.
 */
function partialMarch(read: Order[], notChecked: ReadonlyArray<{ orderId: number; reason: string }>) {
  const march = ordersBetween(FIXTURE_ACCOUNT.orders, '2026-03-01', '2026-03-31');
  return {
    ordersScanned: march.length,
    ordersWithFailures: march.filter((order) => order.undelivered > 0).length,
    failedMessages: totals(read).undelivered,
    expectedFailedMessages: totals(march).undelivered,
    numbers: failedNumbersOf(read, recipientsOf).length,
    mismatchedOrders: { count: 0, orders: [] },
    complete: false,
    notChecked: { count: notChecked.length, orders: notChecked },
  };
}

describe('list_failed_numbers with orders get-report cannot read yet', () => {
  const march = ordersBetween(FIXTURE_ACCOUNT.orders, '2026-03-01', '2026-03-31');
  const failing = march.filter((order) => order.undelivered > 0);
  const [notSending, scheduled, failingOn] = failing as [Order, Order, Order];
  const unread = new Set([notSending.id, scheduled.id, failingOn.id]);
  const read = march.filter((order) => !unread.has(order.id));
  const fake = { withheldOrders: { [notSending.id]: 455 as const, [scheduled.id]: 456 as const }, faults: outageOf([failingOn.id]) };

  it('names them as not checked yet and counts the failures of every other order exactly', async () => {
    const truth = failedNumbersOf(read, recipientsOf);
    const { result, data, text, reportRequests } = await call('list_failed_numbers', { period: 'last_month', limit: 500 }, fake);
    expect(result.isError, text).toBeFalsy();
    const notChecked = [
      { orderId: notSending.id, reason: 'not_sending_yet' },
      { orderId: scheduled.id, reason: 'scheduled' },
      { orderId: failingOn.id, reason: 'api_kept_failing' },
    ].sort((a, b) => byId(a.orderId, b.orderId));
    expect(data).toMatchObject(partialMarch(read, notChecked));
    expect(data.items).toEqual(truth.slice(0, 500));
    expect(text).toContain('Each order read agrees with its undelivered counter.');
    expect(text).toContain(
      'NOT CHECKED YET: 3 orders with failures could not be read, so nothing of theirs is in this answer: ' +
        notChecked
          .map(({ orderId }) =>
            orderId === notSending.id
              ? `#${orderId} (not sending yet, 455)`
              : orderId === scheduled.id
                ? `#${orderId} (scheduled, its send time not reached, 456)`
                : `#${orderId} (the API kept failing on it)`,
          )
          .join(', ') +
        '. This answer is partial; ask again later to read them.',
    );
    expect(text).not.toContain('MISMATCH');
    // 455 and 456 are answers, asked once; the failing order had every attempt the client makes.
    expect(reportRequests(notSending.id)).toHaveLength(1);
    expect(reportRequests(scheduled.id)).toHaveLength(1);
    expect(reportRequests(failingOn.id)).toHaveLength(4);
  });

  it('still fails the whole call on a failure of the account, not of one order (401)', async () => {
    const script = (request: { endpoint: string; order?: number }) =>
      request.endpoint === 'get-report' && request.order === failingOn.id ? { status: 401, body: { response: { status: { code: 401, message: 'Üyelik bilgileri hatalı' } } } } : undefined;
    const { result, text } = await call('list_failed_numbers', { period: 'last_month' }, { script });
    expect(result.isError).toBe(true);
    expect(text).toContain('iletiMerkezi API error 401: authentication failed.');
    expect(result.structuredContent).toBeUndefined();
  });

  it('still fails the whole call when the API keeps failing on every order: that is the API down, not the orders', async () => {
    const { result, text } = await call('list_failed_numbers', { period: 'last_month' }, { faults: outageOf(failing.map((order) => order.id)) });
    expect(result.isError).toBe(true);
    expect(text).toBe('The iletiMerkezi API kept failing: API status 503 (the API is temporarily unavailable) after 4 attempts. It may be down or overloaded; try again in a few minutes.');
    // The client runs 4 requests at once, so 4 orders are read at a time; the third failing in a row ends the call.
    const requested = session?.api.requests.filter((request) => request.endpoint === 'get-report') ?? [];
    expect(new Set(requested.map((request) => request.order)).size).toBeLessThanOrEqual(4 + 2);
    expect(requested.length).toBeLessThanOrEqual((4 + 2) * 4);
  });
});

/** get-report's answer for `order`, its header and rows as the fake serves them, bent by `bend`. */
function reportBody(order: Order, bend: (order: Record<string, unknown>) => Record<string, unknown>): ScriptedResponse {
  const { id, status, total, delivered, undelivered, waiting, submitAt, sendAt, sender } = order;
  const header = { id, status, total, delivered, undelivered, waiting, submitAt, sendAt, sender, price: '0,0372' };
  return { status: 200, body: { response: { status: { code: 200, message: 'İşlem başarılı' }, order: bend({ ...header, message: recipientsOf(order).slice(0, 1000) }) } } };
}

/** Answers get-report for these orders with the body `bent` gives each; every other request as the fake would. */
const unreadable =
  (bent: ReadonlyMap<number, () => ScriptedResponse>) =>
  (request: SimulatedRequest): ScriptedResponse | undefined =>
    request.endpoint === 'get-report' && request.order !== undefined ? bent.get(request.order)?.() : undefined;

describe('list_failed_numbers with orders whose get-report answer cannot be read', () => {
  const march = ordersBetween(FIXTURE_ACCOUNT.orders, '2026-03-01', '2026-03-31');
  const failing = march.filter((order) => order.undelivered > 0);
  const [elsewhere, textStatus, other] = [failing[0], failing[4], failing[8]] as [Order, Order, Order];
  const bent = new Map([
    // The body describes another order of the account.
    [elsewhere.id, () => reportBody(elsewhere, (body) => ({ ...body, id: other.id }))],
    // One row's status is a word, not a code.
    [textStatus.id, () => reportBody(textStatus, (body) => ({ ...body, message: [{ number: '5321234567', status: 'teslim edildi' }, ...(body.message as unknown[]).slice(1)] }))],
  ]);
  const unread = new Set([elsewhere.id, textStatus.id]);
  const read = march.filter((order) => !unread.has(order.id));

  it('names each as not checked yet with its reason, and counts the failures of every other order exactly', async () => {
    const truth = failedNumbersOf(read, recipientsOf);
    const { result, data, text, reportRequests } = await call('list_failed_numbers', { period: 'last_month', limit: 500 }, { script: unreadable(bent) });
    expect(result.isError, text).toBeFalsy();
    const notChecked = [elsewhere.id, textStatus.id].sort(byId).map((orderId) => ({ orderId, reason: 'unreadable_response' }));
    expect(data).toMatchObject(partialMarch(read, notChecked));
    expect(data.items).toEqual(truth.slice(0, 500));
    expect(text).toContain(
      'NOT CHECKED YET: 2 orders with failures could not be read, so nothing of theirs is in this answer: ' +
        notChecked.map(({ orderId }) => `#${orderId} (the API answered for it with a response that could not be read)`).join(', ') +
        '. This answer is partial; ask again later to read them.',
    );
    expect(text).not.toContain('MISMATCH');
    // A body that cannot be read is no transient failure: asked once, not retried.
    expect(reportRequests(elsewhere.id)).toHaveLength(1);
    expect(reportRequests(textStatus.id)).toHaveLength(1);
  });

  it('still fails the whole call when every order\'s answer cannot be read: that is the API changed, not the orders', async () => {
    const everyOrder = new Map(failing.map((order) => [order.id, () => reportBody(order, (body) => ({ ...body, id: other.id === order.id ? elsewhere.id : other.id }))]));
    const { result, text } = await call('list_failed_numbers', { period: 'last_month' }, { script: unreadable(everyOrder) });
    expect(result.isError).toBe(true);
    expect(text).toMatch(/^The iletiMerkezi get-report response for order \d+ described order \d+ instead; nothing was counted from it\. Try again, and report it if it persists\.$/);
    // The client runs 4 requests at once, so 4 orders are read at a time; the third failing in a row ends the call.
    const requested = session?.api.requests.filter((request) => request.endpoint === 'get-report') ?? [];
    expect(requested.length).toBeLessThanOrEqual(4 + 2);
  });
});

describe('audit_opt_outs with orders get-report cannot read yet', () => {
  const TODAY = '2026-04-22';
  const NOW = '2026-04-22 12:30:00';
  const LAST_30_DAYS = { start: '2026-03-24', end: TODAY };
  const whole = auditOf(FIXTURE_ACCOUNT, recipientsOf, LAST_30_DAYS, demoOptOutKind, TODAY, NOW);
  const earliest = whole.map((item) => item.optedOutAt).sort()[0] ?? '';
  const checked = FIXTURE_ACCOUNT.orders.filter((order) => order.submitAt.slice(0, 10) >= '2026-04-03' && order.sendAt > earliest && order.sendAt <= NOW);
  const messagedIn = new Set(whole.flatMap((item) => item.sends.map((send) => send.orderId)));
  const [notSending, scheduled, failingOn] = checked.filter((order) => !messagedIn.has(order.id)) as [Order, Order, Order];
  const unread = new Set([notSending.id, scheduled.id, failingOn.id]);

  it('reports the send after an opt-out found in another order, names the orders not checked, and says partial', async () => {
    const truth = auditOf(FIXTURE_ACCOUNT, (order) => (unread.has(order.id) ? [] : recipientsOf(order)), LAST_30_DAYS, demoOptOutKind, TODAY, NOW);
    const messaged = truth.filter((item) => item.sends.length > 0);
    expect(messaged.map((item) => item.number)).toEqual(['+905325556677']);
    const { result, data, text } = await call('audit_opt_outs', { period: 'last_30_days' }, {
      withheldOrders: { [notSending.id]: 455, [scheduled.id]: 456 },
      faults: outageOf([failingOn.id]),
    });
    expect(result.isError, text).toBeFalsy();
    const notChecked = [
      { orderId: notSending.id, reason: 'not_sending_yet' },
      { orderId: scheduled.id, reason: 'scheduled' },
      { orderId: failingOn.id, reason: 'api_kept_failing' },
    ].sort((a, b) => byId(a.orderId, b.orderId));
    expect(data).toMatchObject({
      verdict: 'partial',
      complete: false,
      optOuts: auditCounts(truth, 'clear').count,
      notBlacklisted: 1,
      messagedAfterOptOut: 1,
      ordersChecked: checked.length - 3,
      notChecked: { count: 3, orders: notChecked },
    });
    const items = data.items as Array<{ number: string; sendCount: number; sendsAfterOptOut: Array<{ orderId: number; status: string }> }>;
    expect(items.map((item) => ({ number: item.number, sends: item.sendsAfterOptOut.map((send) => [send.orderId, send.status]) }))).toEqual(
      truth.map((item) => ({ number: item.number, sends: item.sends.map((send) => [send.orderId, send.status]) })),
    );
    const [send] = messaged[0]?.sends ?? [];
    expect(text).toContain(
      `RECEIVED MESSAGES AFTER OPTING OUT: 1 number (of ${checked.length - 3} orders checked): +905325556677 (opted out 2026-04-10 18:45): ` +
        `order #${send?.orderId} sent ${send?.sendAt.slice(0, 16)} by "ACME MARKET" (delivered).`,
    );
    expect(text).toContain('NOT CHECKED YET: 3 orders sent after the earliest opt-out could not be read, so nothing of theirs is in this answer: ');
    expect(text).toContain('Verdict: partial.');
  });

  it('sets aside an order whose answer describes another order, and still reports the send found in another', async () => {
    const truth = auditOf(FIXTURE_ACCOUNT, (order) => (order.id === failingOn.id ? [] : recipientsOf(order)), LAST_30_DAYS, demoOptOutKind, TODAY, NOW);
    const script = unreadable(new Map([[failingOn.id, () => reportBody(failingOn, (body) => ({ ...body, id: notSending.id }))]]));
    const { result, data, text } = await call('audit_opt_outs', { period: 'last_30_days' }, { script });
    expect(result.isError, text).toBeFalsy();
    expect(data).toMatchObject({
      verdict: 'partial',
      complete: false,
      optOuts: auditCounts(truth, 'clear').count,
      messagedAfterOptOut: 1,
      ordersChecked: checked.length - 1,
      notChecked: { count: 1, orders: [{ orderId: failingOn.id, reason: 'unreadable_response' }] },
    });
    const items = data.items as Array<{ number: string; sendsAfterOptOut: Array<{ orderId: number; status: string }> }>;
    expect(items.map((item) => ({ number: item.number, sends: item.sendsAfterOptOut.map((send) => [send.orderId, send.status]) }))).toEqual(
      truth.map((item) => ({ number: item.number, sends: item.sends.map((send) => [send.orderId, send.status]) })),
    );
    expect(text).toContain(
      `NOT CHECKED YET: 1 order sent after the earliest opt-out could not be read, so nothing of its is in this answer: #${failingOn.id} ` +
        '(the API answered for it with a response that could not be read). This answer is partial; ask again later to read it.',
    );
    expect(text).toContain('Verdict: partial.');
  });
});
