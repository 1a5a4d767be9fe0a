import { Client, SdkHttpError, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Credentials } from '../src/api/client.js';
import { snapshotBounds } from '../src/tools/cursors.js';
import { TOOLS } from '../src/tools/index.js';
import { FIXTURE_ACCOUNT, TEST_CREDENTIALS } from './support/harness.js';
import { type Hosted, type HostedOptions, accountHeaders, rawRequest, startHosted } from './support/hosted.js';
import { type RedisReplicas, startRedisReplicas } from './support/redis-replicas.js';
import { fixedClock } from './support/harness.js';

/**
 * The hosted server's guarantees for 2026-07-28 requests, which carry their protocol version in a
 * per-request envelope and in headers rather than in a session: every check in front of the SDK's
 * handler holds for them as it does for 2025 ones (test/http.test.ts and its neighbours).
 */

const OTHER: Credentials = { key: 'KEY-other-account-0001', hash: 'HASH-other-account-0001' };
const OTHER_ACCOUNT = { ...FIXTURE_ACCOUNT, balance: { amount: '12.50', sms: '777' } };

interface Recorded {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** A v2 client pinned to 2026-07-28 that keeps a copy of every request it sends, to replay by hand. */
async function modernClient(url: string, headers: Record<string, string> = {}): Promise<{ mcp: Client; sent: Recorded[] }> {
  const sent: Recorded[] = [];
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers },
    fetch: async (input, init) => {
      if (init?.method === 'POST' && typeof init.body === 'string') {
        sent.push({ url: String(input), headers: Object.fromEntries(new Headers(init.headers).entries()), body: init.body });
      }
      return fetch(input, init);
    },
  });
  const mcp = new Client({ name: 'modern', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
  await mcp.connect(transport);
  return { mcp, sent };
}

function requestOf(sent: Recorded[], method: string): Recorded {
  const found = sent.find((request) => (JSON.parse(request.body) as { method?: string }).method === method);
  if (!found) throw new Error(`the client sent no ${method}`);
  return found;
}

/** The tools/list request a 2026-07-28 client sends, headers and body, to replay by hand. */
async function recordedToolsList(url: string): Promise<Recorded> {
  const { mcp, sent } = await modernClient(url, accountHeaders(TEST_CREDENTIALS));
  await mcp.listTools();
  await mcp.close();
  return requestOf(sent, 'tools/list');
}

const opened: Array<{ close(): Promise<void> }> = [];
async function hosted(options: Partial<HostedOptions> = {}): Promise<Hosted> {
  const server = await startHosted({ accounts: [{ credentials: TEST_CREDENTIALS, account: FIXTURE_ACCOUNT }], ...options });
  opened.push(server);
  return server;
}
afterEach(async () => {
  for (const item of opened.splice(0)) await item.close();
});

describe('2026-07-28 requests over HTTP', () => {
  it('serve the account each request names in its headers', async () => {
    const server = await hosted({
      accounts: [
        { credentials: TEST_CREDENTIALS, account: FIXTURE_ACCOUNT },
        { credentials: OTHER, account: OTHER_ACCOUNT },
      ],
    });
    for (const [credentials, sms] of [
      [TEST_CREDENTIALS, Number(FIXTURE_ACCOUNT.balance?.sms)],
      [OTHER, 777],
    ] as const) {
      const { mcp } = await modernClient(server.url, accountHeaders(credentials));
      expect(mcp.getProtocolEra()).toBe('modern');
      const balance = await mcp.callTool({ name: 'read_balance', arguments: {} });
      expect((balance.structuredContent as { sms: number }).sms).toBe(sms);
      await mcp.close();
    }
    // The access log names each call and how it ended, as for 2025 requests.
    const calls = server.lines.map((line) => JSON.parse(line) as { tool?: string | null; outcome?: string }).filter((entry) => entry.tool === 'read_balance');
    expect(calls.map((entry) => entry.outcome)).toEqual(['ok', 'ok']);
  });

  it('narrowed by X-Iletimerkezi-Tools, discover, list and instruct with those tools alone', async () => {
    const server = await hosted();
    const { mcp } = await modernClient(server.url, { ...accountHeaders(TEST_CREDENTIALS), 'X-Iletimerkezi-Tools': 'account,audit_opt_outs' });
    const served = ['audit_opt_outs', 'read_balance'];
    expect((await mcp.listTools()).tools.map((tool) => tool.name)).toEqual(served);
    expect((await mcp.listPrompts()).prompts.map((prompt) => prompt.name)).toEqual(['opt_out_audit']);
    const instructions = mcp.getDiscoverResult()?.instructions ?? '';
    expect(TOOLS.map((tool) => tool.name).filter((name) => instructions.includes(name))).toEqual(served);
    await mcp.close();
  });

  it('need the team token in team mode', async () => {
    const token = 'team-token-0123456789abcdef';
    const server = await hosted({ shared: TEST_CREDENTIALS, token });
    const refused = await modernClient(server.url).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(SdkHttpError);
    expect((refused as SdkHttpError).status).toBe(401);
    const { mcp } = await modernClient(server.url, { Authorization: `Bearer ${token}` });
    expect((await mcp.listTools()).tools.length).toBeGreaterThan(0);
    await mcp.close();
  });

  it('are refused before the SDK: a foreign Host (403), a body past 1 MB (413), GET and DELETE (405)', async () => {
    const server = await hosted();
    const list = await recordedToolsList(server.url);
    const rebound = await rawRequest(server.url, { headers: { ...list.headers, host: 'evil.example:80' }, body: list.body });
    expect(rebound.status).toBe(403);
    const padded = JSON.stringify({ ...(JSON.parse(list.body) as object), padding: 'x'.repeat(1024 * 1024) });
    expect((await rawRequest(server.url, { headers: list.headers, body: padded })).status).toBe(413);
    for (const method of ['GET', 'DELETE']) {
      const answer = await rawRequest(server.url, { method, headers: { 'mcp-protocol-version': '2026-07-28', ...accountHeaders(TEST_CREDENTIALS) } });
      expect(answer.status).toBe(405);
    }
  });

  it('get 400 with -32020 when the Mcp-Method header disagrees with the body', async () => {
    const server = await hosted();
    const list = await recordedToolsList(server.url);
    expect(list.headers['mcp-method']).toBe('tools/list');
    const answer = await rawRequest(server.url, { headers: { ...list.headers, 'mcp-method': 'tools/call' }, body: list.body });
    expect(answer.status).toBe(400);
    expect((JSON.parse(answer.body) as { error: { code: number } }).error.code).toBe(-32020);
  });

  it('list tools and prompts byte for byte alike on two replicas, cacheable by their own caller only', async () => {
    const replicas = [await hosted(), await hosted()];
    const { mcp, sent } = await modernClient(replicas[0]?.url ?? '', accountHeaders(TEST_CREDENTIALS));
    await mcp.listTools();
    await mcp.listPrompts();
    await mcp.close();
    for (const method of ['tools/list', 'prompts/list']) {
      const request = requestOf(sent, method);
      const [first, second] = await Promise.all(replicas.map((replica) => rawRequest(replica.url, { headers: request.headers, body: request.body })));
      expect(first?.status).toBe(200);
      expect(second?.body).toBe(first?.body);
      const { result } = JSON.parse(first?.body ?? '') as { result: { ttlMs: number; cacheScope: string } };
      expect({ ttlMs: result.ttlMs, cacheScope: result.cacheScope }).toEqual({ ttlMs: 300_000, cacheScope: 'private' });
    }
  });

  it('are held to the account\'s limit on calls in flight', async () => {
    const server = await hosted({ accounts: [{ credentials: TEST_CREDENTIALS, account: FIXTURE_ACCOUNT, latencyMs: 150 }], maxCallsPerAccount: 1 });
    const { mcp } = await modernClient(server.url, accountHeaders(TEST_CREDENTIALS));
    const outcomes = await Promise.allSettled([
      mcp.callTool({ name: 'summarize_delivery', arguments: { period: 'last_7_days' } }),
      mcp.callTool({ name: 'summarize_delivery', arguments: { period: 'last_7_days' } }),
    ]);
    await mcp.close();
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.find((outcome) => outcome.status === 'rejected');
    expect(String(refused?.reason)).toContain('This account already has 1 tool calls running; retry in a moment.');
  });

  it('finish when the server drains, while new ones get 503', async () => {
    // One upstream request at a time, slowly: the call outlasts the drain's first moments.
    const server = await hosted({ accounts: [{ credentials: TEST_CREDENTIALS, account: FIXTURE_ACCOUNT, latencyMs: 120 }], concurrency: 1 });
    const { mcp, sent } = await modernClient(server.url, accountHeaders(TEST_CREDENTIALS));
    await mcp.listTools();
    const call = mcp.callTool({ name: 'summarize_delivery', arguments: { start: '2026-02-21', end: '2026-04-21' } });
    // Connecting checked the key already; the call is in flight once it reads the reports.
    await vi.waitFor(() => expect(server.fakes[0]?.requests.some((request) => request.endpoint === 'get-reports')).toBe(true));
    const draining = server.service.drain(10_000);
    const list = requestOf(sent, 'tools/list');
    expect((await rawRequest(server.url, { headers: list.headers, body: list.body })).status).toBe(503);
    const answer = await call;
    expect(answer.isError).not.toBe(true);
    await draining;
    await mcp.close().catch(() => {});
  });
});

describe('2026-07-28 requests to replicas sharing Redis', () => {
  let shared: RedisReplicas | undefined;
  afterEach(async () => {
    await shared?.close();
    shared = undefined;
  });

  it('continue a listing on the other replica from the cursor alone', async () => {
    shared = await startRedisReplicas(fixedClock, (connection) => ({ snapshots: connection.store('snapshots', snapshotBounds()) }));
    const [first, second] = shared.replicas;
    const one = await modernClient(first.url, accountHeaders(TEST_CREDENTIALS));
    const page = await one.mcp.callTool({ name: 'list_orders', arguments: { period: 'last_30_days', limit: 2 } });
    await one.mcp.close();
    const { nextCursor, orders } = page.structuredContent as { nextCursor: string; orders: Array<{ id: number }> };
    const two = await modernClient(second.url, accountHeaders(TEST_CREDENTIALS));
    const next = await two.mcp.callTool({ name: 'list_orders', arguments: { cursor: nextCursor, limit: 2 } });
    await two.mcp.close();
    expect(next.isError).not.toBe(true);
    const following = (next.structuredContent as { orders: Array<{ id: number }> }).orders;
    expect(following).toHaveLength(2);
    expect(following.map((order) => order.id)).not.toContain(orders[0]?.id);
    expect(shared.lines).toEqual([]);
  });
});
