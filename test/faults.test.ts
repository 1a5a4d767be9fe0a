import { afterAll, describe, expect, it } from 'vitest';
import { FAULT_KINDS, type FaultKind, type FaultPlan, type LoggedRequest } from '../src/simulator/api-server.js';
import type { Order } from '../src/api/schemas.js';
import { auditCounts, auditOf, demoOptOutKind, failedNumbersOf, ordersBetween, totals } from './support/ground-truth.js';
import { FIXTURE_ACCOUNT, connect, textOf } from './support/harness.js';
import { expectedInbox, expectedPageRequests, expectedSummary, sleep } from './support/reliability.js';

/**
 * Fault injection against the real server and client: every transient fault kind the
 * simulator knows, alone and mixed, must be retried to the exact ground-truth answer; an
 * outage must end in a clear error within its bound; cancellation must stop upstream traffic.
 */

const START = '2026-02-22';
const END = '2026-04-22';
/** The range reaches the fixed clock's today, so it covers it up to 12:30. */
const SUMMARY = expectedSummary(FIXTURE_ACCOUNT.orders, START, END, '2026-04-22T12:30:00+03:00');
const INBOX = expectedInbox(FIXTURE_ACCOUNT.inbox);
const PAGES = expectedPageRequests(FIXTURE_ACCOUNT.orders, START, END);

/** Faults injected in runs whose answers were then checked equal to ground truth. */
const survived: Partial<Record<FaultKind | 'mixed', number>> = {};

afterAll(() => {
  const total = Object.values(survived).reduce((sum, count) => sum + (count ?? 0), 0);
  console.log(`[faults] injected and survived: ${total} (${JSON.stringify(survived)})`);
});

/** Waits until no new request has been logged for 100 ms. */
async function settle(requests: LoggedRequest[]): Promise<void> {
  let seen = -1;
  while (seen !== requests.length) {
    seen = requests.length;
    await sleep(100);
  }
}

function faultsIn(requests: LoggedRequest[]): LoggedRequest[] {
  return requests.filter((request) => request.fault !== undefined);
}

describe('ground truth sanity', () => {
  it('the 60-day range holds hundreds of orders over several pages per window', () => {
    expect(SUMMARY.orders).toBeGreaterThan(300);
    expect(PAGES).toBeGreaterThan(6 * 2);
    expect(INBOX.optOuts.count).toBe(7);
    expect(INBOX.possibleOptOuts.count).toBe(1);
  });
});

describe.each([...FAULT_KINDS.map((kind) => [kind, [kind], 0.3] as const), ['mixed', FAULT_KINDS, 0.25] as const])(
  'faults: %s',
  (label, kinds, rate) => {
    it(`summarize_delivery over 60 days and read_inbox equal ground truth at ${rate * 100} % faults`, async () => {
      const server = await connect({
        fake: { faults: { rate, kinds, seed: 11, maxPerRequest: 2, retryAfterSeconds: 1 } },
        client: { timeoutMs: 300 },
      });
      try {
        const summary = await server.mcp.callTool({ name: 'summarize_delivery', arguments: { start: START, end: END } });
        expect(summary.isError, textOf(summary)).toBeFalsy();
        expect(summary.structuredContent).toEqual(SUMMARY);

        const reportRequests = server.api.requests.filter((request) => request.endpoint === 'get-reports');
        // Each page is answered exactly once without a fault; every other request was a fault.
        expect(reportRequests.filter((request) => !request.fault)).toHaveLength(PAGES);

        const inbox = await server.mcp.callTool({ name: 'read_inbox', arguments: { limit: 500 } });
        expect(inbox.isError, textOf(inbox)).toBeFalsy();
        const content = inbox.structuredContent as typeof INBOX & { messages: unknown[]; complete: boolean };
        const { totalRows, fetched, matched, optOuts, possibleOptOuts } = content;
        expect({ totalRows, fetched, matched, optOuts, possibleOptOuts }).toEqual(INBOX);
        expect(content.messages).toHaveLength(FIXTURE_ACCOUNT.inbox.length);
        expect(content.complete).toBe(true);

        const injected = faultsIn(server.api.requests);
        expect(injected.length).toBeGreaterThan(0);
        for (const request of injected) expect(kinds).toContain(request.fault);
        if (label === 'mixed') expect(new Set(injected.map((request) => request.fault)).size).toBeGreaterThanOrEqual(4);
        survived[label] = injected.length;
      } finally {
        await server.close();
      }
    });
  },
);

describe('faults on get-report, get-blacklist and get-balance', () => {
  it('list_failed_numbers, list_recipients, audit_opt_outs and read_balance equal ground truth at 25 % mixed faults', async () => {
    const orders = ordersBetween(FIXTURE_ACCOUNT.orders, '2026-04-01', '2026-04-10');
    const recipientsOf = (order: Order) => FIXTURE_ACCOUNT.recipients?.(order) ?? [];
    const truth = failedNumbersOf(orders, recipientsOf);
    const server = await connect({ fake: { faults: { rate: 0.25, kinds: FAULT_KINDS, seed: 3, maxPerRequest: 2, retryAfterSeconds: 1 } }, client: { timeoutMs: 300 } });
    try {
      const failed = await server.mcp.callTool({ name: 'list_failed_numbers', arguments: { start: '2026-04-01', end: '2026-04-10', limit: 500 } });
      expect(failed.isError, textOf(failed)).toBeFalsy();
      expect(failed.structuredContent).toMatchObject({ failedMessages: totals(orders).undelivered, numbers: truth.length, items: truth.slice(0, 500) });
      const campaign = orders.find((order) => order.total > 1000) as Order;
      const recipients = await server.mcp.callTool({ name: 'list_recipients', arguments: { orderId: campaign.id, status: 'undelivered' } });
      expect(recipients.structuredContent).toMatchObject({ matched: campaign.undelivered, consistent: true });
      // A stated horizon, so the audit can be complete: what this test asks is that faults leave nothing out.
      const audit = await server.mcp.callTool({ name: 'audit_opt_outs', arguments: { start: '2026-04-15', end: '2026-04-22', scheduleHorizonDays: 30 } });
      const auditTruth = auditOf(FIXTURE_ACCOUNT, recipientsOf, { start: '2026-04-15', end: '2026-04-22' }, demoOptOutKind, '2026-04-22', '2026-04-22 12:30:00');
      const clear = auditCounts(auditTruth, 'clear');
      expect(audit.isError, textOf(audit)).toBeFalsy();
      expect(audit.structuredContent).toMatchObject({
        optOuts: clear.count,
        notBlacklisted: clear.notBlacklisted,
        messagedAfterOptOut: clear.messagedAfterOptOut,
        possibleOptOuts: auditCounts(auditTruth, 'possible'),
        complete: true,
      });
      const balance = await server.mcp.callTool({ name: 'read_balance', arguments: {} });
      expect(balance.structuredContent).toMatchObject({ sms: 250_000 });
      const faulted = new Set(faultsIn(server.api.requests).map((request) => request.endpoint));
      expect([...faulted].sort()).toEqual(['get-balance', 'get-report', 'get-reports']);
    } finally {
      await server.close();
    }
  });
});

describe('outage', () => {
  it('a 100 % outage ends in an error naming the failure within the bound, and the server answers afterwards', async () => {
    const plan: FaultPlan = { rate: 1, kinds: ['http-503'], seed: 3, maxPerRequest: Infinity };
    const server = await connect({ fake: { faults: plan } });
    try {
      const started = performance.now();
      const failed = await server.mcp.callTool({ name: 'summarize_delivery', arguments: { start: START, end: END } });
      const elapsed = performance.now() - started;
      expect(failed.isError).toBe(true);
      expect(textOf(failed)).toContain('API status 503');
      expect(textOf(failed)).toContain('after 4 attempts');
      expect(failed.structuredContent).toBeUndefined();
      // 4 attempts with at most 40 ms backoff each: well under a second, never the 10-second production bound.
      expect(elapsed).toBeLessThan(2_000);
      // Six windows, each tried at most 4 times for its first page; the first failure stops the rest.
      const requests = server.api.requests;
      expect(requests.length).toBeGreaterThanOrEqual(4);
      expect(requests.length).toBeLessThanOrEqual(6 * 4);
      expect(requests.every((request) => request.fault === 'http-503' && request.page === 1)).toBe(true);

      // Sibling requests cancelled mid-flight may still reach the fake a moment later; let them land first.
      await settle(server.api.requests);
      expect(server.api.requests.length).toBeLessThanOrEqual(6 * 4);
      plan.rate = 0;
      const before = server.api.requests.length;
      const healthy = await server.mcp.callTool({ name: 'summarize_delivery', arguments: { start: START, end: END } });
      expect(healthy.isError, textOf(healthy)).toBeFalsy();
      expect(healthy.structuredContent).toEqual(SUMMARY);
      expect(server.api.requests.length - before).toBe(PAGES);
    } finally {
      await server.close();
    }
  });

  it('an inbox outage is an error too, and the next call succeeds', async () => {
    const plan: FaultPlan = { rate: 1, kinds: ['html-502'], seed: 3, maxPerRequest: Infinity };
    const server = await connect({ fake: { faults: plan } });
    try {
      const failed = await server.mcp.callTool({ name: 'read_inbox', arguments: {} });
      expect(failed.isError).toBe(true);
      expect(textOf(failed)).toContain('HTTP 502 with a body that is not JSON');
      expect(textOf(failed)).toContain('after 4 attempts');
      expect(server.api.requests).toHaveLength(4);
      plan.rate = 0;
      const healthy = await server.mcp.callTool({ name: 'read_inbox', arguments: {} });
      expect(healthy.isError, textOf(healthy)).toBeFalsy();
      expect(healthy.structuredContent).toMatchObject({ optOuts: INBOX.optOuts, possibleOptOuts: INBOX.possibleOptOuts });
    } finally {
      await server.close();
    }
  });

  it('stalls past the timeout on every attempt end in a timeout error', async () => {
    const server = await connect({
      fake: { faults: { rate: 1, kinds: ['stall'], seed: 3, maxPerRequest: Infinity } },
      client: { timeoutMs: 150 },
    });
    try {
      const started = performance.now();
      const failed = await server.mcp.callTool({ name: 'read_inbox', arguments: {} });
      expect(failed.isError).toBe(true);
      expect(textOf(failed)).toContain('no complete answer within 150 ms after 4 attempts');
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(server.api.requests).toHaveLength(4);
    } finally {
      await server.close();
    }
  });
});

describe('cancellation', () => {
  it('cancelling a long list_orders stops upstream traffic, and the server answers the next call', async () => {
    const server = await connect({ fake: { latencyMs: 50 } });
    try {
      const controller = new AbortController();
      const call = server.mcp.callTool(
        { name: 'list_orders', arguments: { start: '2025-04-22', end: '2026-04-22' } },
        { signal: controller.signal },
      );
      const outcome = call.then(
        () => 'finished',
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );
      // Let the scan get going: several rounds of 4 requests in flight.
      while (server.api.requests.length < 12) await sleep(5);
      controller.abort('test cancel');
      const atCancel = server.api.requests.length;
      expect(await outcome).not.toBe('finished');

      // A scan that kept going would log about 16 requests in 200 ms (4 in flight, 50 ms each).
      await sleep(200);
      const settled = server.api.requests.length;
      await sleep(500);
      const later = server.api.requests.length;
      // Requests already on the wire may still be logged (at most the 4 in flight); none start afterwards.
      expect(settled - atCancel).toBeLessThanOrEqual(4);
      expect(later).toBe(settled);
      // A full scan needs far more; the cancel cut it short.
      expect(later).toBeLessThan(expectedPageRequests(FIXTURE_ACCOUNT.orders, '2025-04-22', '2026-04-22') / 2);

      const expected = totals(ordersBetween(FIXTURE_ACCOUNT.orders, '2026-04-22', '2026-04-22'));
      const next = await server.mcp.callTool({ name: 'summarize_delivery', arguments: { period: 'today' } });
      expect(next.isError, textOf(next)).toBeFalsy();
      expect((next.structuredContent as { total: number }).total).toBe(expected.total);
      expect((next.structuredContent as { statusCounts: unknown }).statusCounts).toEqual(expected.statusCounts);
    } finally {
      await server.close();
    }
  });
});

describe('a server that repeats the same page forever', () => {
  it('gives an error, never a hang or a doubled count', async () => {
    const server = await connect({ fake: { ignoresPage: ['get-reports'] } });
    try {
      const started = performance.now();
      const result = await server.mcp.callTool({ name: 'summarize_delivery', arguments: { start: START, end: END } });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toContain('only orders already read on earlier pages');
      expect(result.structuredContent).toBeUndefined();
      expect(performance.now() - started).toBeLessThan(2_000);
      // Each window stops at its first repeated page: at most pages 1 and 2 of 6 windows.
      expect(server.api.requests.length).toBeLessThanOrEqual(12);
      expect(server.api.requests.every((request) => request.page === 1 || request.page === 2)).toBe(true);

      const listed = await server.mcp.callTool({ name: 'list_orders', arguments: { period: 'last_7_days' } });
      expect(listed.isError).toBe(true);
      expect(textOf(listed)).toContain('stopped rather than count them twice');
    } finally {
      await server.close();
    }
  });
});
