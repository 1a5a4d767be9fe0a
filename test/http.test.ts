import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoAccount } from '../src/demo/account.js';
import { checkHttpSettings } from '../src/server/http.js';
import type { Order } from '../src/api/schemas.js';
import { PROMPTS, TOOLS } from '../src/tools/index.js';
import { FIXED_NOW, FIXTURE_ACCOUNT, TEST_CREDENTIALS, textOf } from './support/harness.js';
import { demoOptOutKind, failedNumbersOf, newestFirst, optOutTallies, ordersBetween, totals } from './support/ground-truth.js';
import { type Hosted, INITIALIZE, accountHeaders, httpClient, post, rawRequest, startHosted } from './support/hosted.js';

/** A second account with other data, so cross-talk would show in any figure. */
const OTHER_CREDENTIALS = { key: 'KEY-second-5e1d-leakprobe', hash: 'HASH-second-0c9a-leakprobe' };
const OTHER_ACCOUNT = generateDemoAccount({ now: FIXED_NOW, seed: 99, ordersPerDay: 5 });
const LAST_MONTH = { start: '2026-03-01', end: '2026-03-31' };
const ids = (data: unknown) => ((data as { orders: Array<{ id: number }> }).orders ?? []).map((order) => order.id);

function expectNoSecrets(text: string): void {
  for (const secret of [TEST_CREDENTIALS.key, TEST_CREDENTIALS.hash, OTHER_CREDENTIALS.key, OTHER_CREDENTIALS.hash, 'team-token-0123456789']) {
    expect(text).not.toContain(secret);
  }
}

describe('the HTTP server, each caller bringing its own account', () => {
  let hosted: Hosted;
  beforeAll(async () => {
    hosted = await startHosted({
      accounts: [
        { credentials: TEST_CREDENTIALS, account: FIXTURE_ACCOUNT },
        { credentials: OTHER_CREDENTIALS, account: OTHER_ACCOUNT, latencyMs: 2 },
      ],
      concurrency: 3,
      allowedOrigins: ['https://app.example.com'],
    });
  });
  afterAll(async () => {
    await hosted.close();
    expectNoSecrets(hosted.lines.join('\n'));
  });

  it('answers every tool exactly, and continues a listing from its snapshot', async () => {
    const mcp = await httpClient(hosted.url, accountHeaders(TEST_CREDENTIALS));
    const summary = await mcp.callTool({ name: 'summarize_delivery', arguments: { period: 'last_month' } });
    const truth = totals(ordersBetween(FIXTURE_ACCOUNT.orders, LAST_MONTH.start, LAST_MONTH.end));
    expect(summary.structuredContent).toMatchObject({ orders: truth.orders, total: truth.total, delivered: truth.delivered, undelivered: truth.undelivered });

    const range = { start: '2026-02-01', end: '2026-04-22' };
    const expected = newestFirst(ordersBetween(FIXTURE_ACCOUNT.orders, range.start, range.end)).map((order) => order.id);
    const first = await mcp.callTool({ name: 'list_orders', arguments: { ...range, limit: 200 } });
    const requests = hosted.fakes[0]?.requests.length ?? 0;
    const seen = ids(first.structuredContent);
    let cursor = (first.structuredContent as { nextCursor?: string }).nextCursor;
    let pages = 0;
    while (cursor) {
      const next = await mcp.callTool({ name: 'list_orders', arguments: { cursor, limit: 200 } });
      seen.push(...ids(next.structuredContent));
      cursor = (next.structuredContent as { nextCursor?: string }).nextCursor;
      pages += 1;
    }
    expect(seen).toEqual(expected);
    // From the snapshot: each page asks the API only whether the key still stands.
    expect(pages).toBeGreaterThan(0);
    expect(hosted.fakes[0]?.requests.slice(requests).map((request) => request.endpoint)).toEqual(Array(pages).fill('get-balance'));

    const inbox = await mcp.callTool({ name: 'read_inbox', arguments: { optOutOnly: true } });
    const optOuts = FIXTURE_ACCOUNT.inbox.filter((message) => demoOptOutKind(message.text) !== null);
    expect(inbox.structuredContent).toMatchObject({ matched: optOuts.length, ...optOutTallies(optOuts, demoOptOutKind) });
    await mcp.close();
  });

  it('streams progress over the POST response', async () => {
    const mcp = await httpClient(hosted.url, accountHeaders(OTHER_CREDENTIALS));
    const updates: Array<{ progress: number; total?: number }> = [];
    const range = { start: '2026-01-01', end: '2026-04-22' };
    const result = await mcp.callTool({ name: 'summarize_delivery', arguments: range }, { onprogress: (update) => updates.push(update) });
    expect((result.structuredContent as { orders: number }).orders).toBe(ordersBetween(OTHER_ACCOUNT.orders, range.start, range.end).length);
    // At least the start and the end, however fast the call: the notifications are spaced out.
    expect(updates.length).toBeGreaterThanOrEqual(2);
    expect(updates[0]).toMatchObject({ progress: 0, total: 100 });
    expect(updates.at(-1)).toMatchObject({ progress: 100, total: 100 });
    await mcp.close();
  });

  it('serves two accounts at once, each exactly its own, within its own upstream limit', async () => {
    const [mine, theirs] = await Promise.all([httpClient(hosted.url, accountHeaders(TEST_CREDENTIALS)), httpClient(hosted.url, accountHeaders(OTHER_CREDENTIALS))]);
    const range = { start: '2025-10-01', end: '2026-04-22' };
    const [a, b] = await Promise.all([
      mine.callTool({ name: 'summarize_delivery', arguments: { ...range, groupBy: 'sender' } }),
      theirs.callTool({ name: 'summarize_delivery', arguments: { ...range, groupBy: 'sender' } }),
    ]);
    for (const [result, account] of [[a, FIXTURE_ACCOUNT], [b, OTHER_ACCOUNT]] as const) {
      const truth = totals(ordersBetween(account.orders, range.start, range.end));
      expect(result.structuredContent).toMatchObject({ orders: truth.orders, total: truth.total, undelivered: truth.undelivered, waiting: truth.waiting });
    }
    expect(a.structuredContent).not.toEqual(b.structuredContent);
    for (const fake of hosted.fakes) expect(fake.peakInFlight()).toBeLessThanOrEqual(3);

    // A cursor belongs to the account it was issued to.
    const listed = await mine.callTool({ name: 'list_orders', arguments: { ...range, limit: 5 } });
    const cursor = (listed.structuredContent as { nextCursor: string }).nextCursor;
    const stolen = await theirs.callTool({ name: 'list_orders', arguments: { cursor } });
    expect(stolen.isError).toBe(true);
    expect(textOf(stolen)).toContain('belongs to another account');
    const own = await mine.callTool({ name: 'list_orders', arguments: { cursor, limit: 5 } });
    expect(ids(own.structuredContent)).toEqual(newestFirst(ordersBetween(FIXTURE_ACCOUNT.orders, range.start, range.end)).slice(5, 10).map((o) => o.id));
    await Promise.all([mine.close(), theirs.close()]);
  });

  it('answers the drill-down tools exactly over HTTP too', async () => {
    const mcp = await httpClient(hosted.url, accountHeaders(TEST_CREDENTIALS));
    const recipientsOf = (order: Order) => FIXTURE_ACCOUNT.recipients?.(order) ?? [];
    const march = ordersBetween(FIXTURE_ACCOUNT.orders, LAST_MONTH.start, LAST_MONTH.end);
    const failed = await mcp.callTool({ name: 'list_failed_numbers', arguments: { period: 'last_month', limit: 5 } });
    const truth = failedNumbersOf(march, recipientsOf);
    expect(failed.structuredContent).toMatchObject({ failedMessages: totals(march).undelivered, numbers: truth.length, items: truth.slice(0, 5) });

    const order = march.find((candidate) => candidate.undelivered > 0) as Order;
    const recipients = await mcp.callTool({ name: 'list_recipients', arguments: { orderId: order.id, status: 'undelivered' } });
    const undelivered = recipientsOf(order).filter((recipient) => recipient.status === 112);
    expect(recipients.structuredContent).toMatchObject({ matched: undelivered.length, consistent: true });

    const balance = await mcp.callTool({ name: 'read_balance', arguments: {} });
    expect(balance.structuredContent).toMatchObject({ amount: 0, sms: 250_000 });

    const audit = await mcp.callTool({ name: 'audit_opt_outs', arguments: { period: 'this_month', checkSends: false } });
    expect(audit.isError, textOf(audit)).toBeFalsy();
    expect(audit.structuredContent).toMatchObject({ complete: false });
    const prompts = await mcp.listPrompts();
    expect(prompts.prompts.map((prompt) => prompt.name).sort()).toEqual(PROMPTS.map((prompt) => prompt.name).sort());
    await mcp.close();
  });

  it('points a caller whose headers the API refuses at those headers, not at server settings, when it connects', async () => {
    const response = await post(hosted.url, INITIALIZE, accountHeaders({ key: 'not-a-known-key', hash: 'not-a-known-hash' }));
    expect(response.status).toBe(401);
    const { message } = ((await response.json()) as { error: { message: string } }).error;
    expect(message).toContain('authentication failed. The API said: "unknown account".');
    expect(message).toContain('Check the X-Iletimerkezi-Key and X-Iletimerkezi-Hash headers against panel.iletimerkezi.com');
    expect(message).not.toContain('ILETIMERKEZI_API_KEY');
  });

  it('names the two headers when a call brings no account', async () => {
    const mcp = await httpClient(hosted.url);
    const tools = await mcp.listTools();
    expect(tools.tools.map((tool) => tool.name)).toEqual(TOOLS.map((tool) => tool.name));
    const result = await mcp.callTool({ name: 'summarize_delivery', arguments: { period: 'today' } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('X-Iletimerkezi-Key and X-Iletimerkezi-Hash');
    await mcp.close();
  });

  it('refuses a ninth tool call of one account with a JSON-RPC error that says to retry', async () => {
    const slow = await startHosted({ accounts: [{ credentials: TEST_CREDENTIALS, account: FIXTURE_ACCOUNT, latencyMs: 150 }], concurrency: 4 });
    try {
      const clients = await Promise.all(Array.from({ length: 9 }, () => httpClient(slow.url, accountHeaders(TEST_CREDENTIALS))));
      const range = { start: '2026-04-15', end: '2026-04-22' };
      const settled = await Promise.allSettled(clients.map((mcp) => mcp.callTool({ name: 'summarize_delivery', arguments: range })));
      const refused = settled.filter((outcome) => outcome.status === 'rejected');
      expect(refused).toHaveLength(1);
      expect(String((refused[0] as PromiseRejectedResult).reason)).toMatch(/8 tool calls running; retry/);
      const truth = ordersBetween(FIXTURE_ACCOUNT.orders, range.start, range.end).length;
      for (const outcome of settled) if (outcome.status === 'fulfilled') expect((outcome.value.structuredContent as { orders: number }).orders).toBe(truth);
      await Promise.all(clients.map((mcp) => mcp.close()));
      expect(slow.lines.filter((line) => line.includes('"outcome":"busy"'))).toHaveLength(1);
    } finally {
      await slow.close();
    }
  });

  it('checks Host and Origin before the transport, on any port of a loopback name', async () => {
    const port = new URL(hosted.url).port;
    const initialize = (headers: Record<string, string>) =>
      rawRequest(hosted.url, { headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body: INITIALIZE });
    expect((await initialize({ host: 'evil.example.com' })).status).toBe(403);
    expect((await initialize({ host: `localhost:${port}`, origin: 'http://evil.example.com' })).status).toBe(403);
    expect((await initialize({ host: `127.0.0.1:${port}`, origin: 'null' })).status).toBe(403);
    expect((await initialize({ host: `localhost:${port}`, origin: 'http://localhost:5173' })).status).toBe(200);
    expect((await initialize({ host: `[::1]:${port}`, origin: 'https://app.example.com' })).status).toBe(200);
    expect((await initialize({ host: 'localhost' })).status).toBe(200);
  });

  it('answers 413 to a 2 MB body, 405 to GET and DELETE, and /healthz without headers', async () => {
    const big = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', params: { pad: 'x'.repeat(2 * 1024 * 1024) } });
    expect((await post(hosted.url, big)).status).toBe(413);
    const streamed = await rawRequest(hosted.url, { headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, body: big });
    expect(streamed.status).toBe(413);
    for (const method of ['GET', 'DELETE']) {
      const response = await fetch(hosted.url, { method, headers: { accept: 'text/event-stream' } });
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
    }
    const health = await fetch(new URL('/healthz', hosted.url));
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', version: expect.any(String) as unknown });
  });

  it('writes one JSON access line per request with exactly time, account, tool, duration and outcome', () => {
    const access = hosted.lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => 'outcome' in entry);
    expect(access.length).toBeGreaterThan(10);
    for (const entry of access) expect(Object.keys(entry).sort()).toEqual(['account', 'durationMs', 'outcome', 'time', 'tool']);
    const tagged = access.filter((entry) => entry.tool === 'summarize_delivery' && entry.outcome === 'ok');
    expect(tagged.length).toBeGreaterThan(0);
    for (const entry of tagged) expect(entry.account).toMatch(/^[0-9a-f]{8}$/);
    expect(new Set(tagged.map((entry) => entry.account)).size).toBe(2);
  });
});

describe('the HTTP server holding one account for a team', () => {
  const TOKEN = 'team-token-0123456789';
  let hosted: Hosted;
  beforeAll(async () => {
    hosted = await startHosted({ accounts: [{ credentials: TEST_CREDENTIALS, account: FIXTURE_ACCOUNT }], shared: TEST_CREDENTIALS, token: TOKEN });
  });
  afterAll(async () => {
    await hosted.close();
    expectNoSecrets(hosted.lines.join('\n'));
  });

  it('accepts the bearer token and refuses anything else with 401 and WWW-Authenticate', async () => {
    const mcp = await httpClient(hosted.url, { Authorization: `Bearer ${TOKEN}` });
    const summary = await mcp.callTool({ name: 'summarize_delivery', arguments: { period: 'last_month' } });
    expect((summary.structuredContent as { orders: number }).orders).toBe(ordersBetween(FIXTURE_ACCOUNT.orders, LAST_MONTH.start, LAST_MONTH.end).length);
    await mcp.close();
    const wrong: Array<Record<string, string>> = [{}, { authorization: `Bearer ${TOKEN}x` }, { authorization: `Basic ${TOKEN}` }, { authorization: 'Bearer ' }];
    for (const headers of wrong) {
      const response = await post(hosted.url, INITIALIZE, headers);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expectNoSecrets(await response.text());
    }
    await expect(httpClient(hosted.url, { Authorization: 'Bearer wrong-token-000000' })).rejects.toThrow(/bearer token is required/);
    expect((await fetch(new URL('/healthz', hosted.url))).status).toBe(200);
  });

  it('refuses a request that carries account headers with 400', async () => {
    const response = await post(hosted.url, INITIALIZE, { authorization: `Bearer ${TOKEN}`, ...accountHeaders(OTHER_CREDENTIALS) });
    expect(response.status).toBe(400);
    expectNoSecrets(await response.text());
  });

  it('will not start without the token, nor on a public address without allowed hosts', () => {
    const base = { host: '127.0.0.1', allowedHosts: [], token: undefined, holdsAccount: true, demo: false };
    expect(() => checkHttpSettings(base)).toThrow(/ILETIMERKEZI_HTTP_TOKEN/);
    expect(() => checkHttpSettings({ ...base, demo: true })).not.toThrow();
    expect(() => checkHttpSettings({ ...base, holdsAccount: false, host: '0.0.0.0' })).toThrow(/ILETIMERKEZI_HTTP_ALLOWED_HOSTS/);
    expect(() => checkHttpSettings({ ...base, holdsAccount: false, host: '0.0.0.0', allowedHosts: ['mcp.example.com'] })).not.toThrow();
  });
});
