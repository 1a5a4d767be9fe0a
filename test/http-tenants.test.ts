import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoAccount } from '../src/demo/account.js';
import { windowBounds } from '../src/reporting/window-cache.js';
import { type SimulatedApi, startSimulatedApi } from '../src/simulator/api-server.js';
import { MemoryStore } from '../src/state/memory-store.js';
import { RedisConnection } from '../src/state/redis-store.js';
import type { AccountStore, StoreBounds } from '../src/state/store.js';
import { FIXED_NOW, FIXTURE_ACCOUNT, TEST_CREDENTIALS, textOf } from './support/harness.js';
import { newestFirst, ordersBetween } from './support/ground-truth.js';
import { type AccountRouter, startAccountRouter } from './support/account-router.js';
import { type FakeAccount, type Hosted, INITIALIZE, accountHeaders, httpClient, rawRequest, startHosted } from './support/hosted.js';
import { type HttpProcess, spawnHttpServer } from './support/http-process.js';
import { type RedisInstance, startRedis } from './support/redis-server.js';

/** Tenants stay apart in time too: in the shared stores, in the headers, in a batch, in the log. */

const ids = (data: unknown) => (data as { orders: Array<{ id: number }> }).orders.map((order) => order.id);
const cursorOf = (data: unknown) => (data as { nextCursor?: string }).nextCursor;

/** Nine accounts, each with its own data and its own fake API behind one base URL. */
const TENANTS: FakeAccount[] = Array.from({ length: 9 }, (_, n) => ({
  credentials: { key: `KEY-tenant${n}-4e2b-leakprobe`, hash: `HASH-tenant${n}-9d17-leakprobe` },
  account: generateDemoAccount({ now: FIXED_NOW, seed: 500 + n, ordersPerDay: 4 }),
}));

/**
 * 64 KB of snapshots in all, one of up to 16 KB: each account's share is 16 KB. A listing of 22
 * days weighs about 12 KB, so eight busy tenants listing 22 days three times each write 24
 * snapshots, four times what the store holds. The quiet tenant's listing of 26 days weighs more
 * than any of theirs, so no rule that spares the account holding less would spare it.
 */
const SNAPSHOT_BOUNDS: StoreBounds = { ttlMs: 10 * 60_000, maxBytes: 64 * 1024, maxEntryBytes: 16 * 1024, maxEntries: 1024 };
const QUIET_RANGE = { start: '2026-03-28', end: '2026-04-22' };
const BUSY_RANGE = { start: '2026-04-01', end: '2026-04-22' };

const listings = (fake: SimulatedApi | undefined) => (fake?.requests ?? []).filter((request) => request.endpoint === 'get-reports').length;

/**
 * A quiet tenant's cursor still continues from its snapshot after eight busy tenants have filled
 * the store many times over, though its snapshot is larger than any of theirs and was written first.
 */
async function quietListingOutlivesBusyTenants(snapshots: AccountStore): Promise<void> {
  const hosted = await startHosted({ accounts: TENANTS, stores: { snapshots, windows: new MemoryStore(windowBounds()) } });
  try {
    const [quiet, ...busy] = TENANTS as [FakeAccount, ...FakeAccount[]];
    const mcp = await httpClient(hosted.url, accountHeaders(quiet.credentials));
    const first = await mcp.callTool({ name: 'list_orders', arguments: { ...QUIET_RANGE, limit: 2 } });
    const cursor = cursorOf(first.structuredContent);
    expect(cursor).toBeDefined();
    const before = listings(hosted.fakes[0]);
    await Promise.all(
      busy.map(async (tenant) => {
        const client = await httpClient(hosted.url, accountHeaders(tenant.credentials));
        for (let round = 0; round < 3; round += 1) {
          const listed = await client.callTool({ name: 'list_orders', arguments: { ...BUSY_RANGE, limit: 2 } });
          expect(ids(listed.structuredContent)).toEqual(newestFirst(ordersBetween(tenant.account.orders, BUSY_RANGE.start, BUSY_RANGE.end)).slice(0, 2).map((order) => order.id));
        }
        await client.close();
      }),
    );
    const second = await mcp.callTool({ name: 'list_orders', arguments: { cursor, limit: 2 } });
    const truth = newestFirst(ordersBetween(quiet.account.orders, QUIET_RANGE.start, QUIET_RANGE.end)).map((order) => order.id);
    expect([...ids(first.structuredContent), ...ids(second.structuredContent)]).toEqual(truth.slice(0, 4));
    // Served from the quiet tenant's snapshot: its listing was not read again.
    expect(listings(hosted.fakes[0])).toBe(before);
    await mcp.close();
  } finally {
    await hosted.close();
  }
}

describe('each account\'s share of the snapshot store', () => {
  it('keeps a quiet tenant\'s listing in memory while eight busy tenants list, its listing the largest', async () => {
    await quietListingOutlivesBusyTenants(new MemoryStore(SNAPSHOT_BOUNDS));
  });

  it('keeps a quiet tenant\'s listing in a real Redis while eight busy tenants list, its listing the largest', async () => {
    const redis = await startRedis();
    const connection = new RedisConnection(redis.url, () => {});
    try {
      await connection.ready();
      await quietListingOutlivesBusyTenants(connection.store('snapshots', SNAPSHOT_BOUNDS));
    } finally {
      await connection.close();
      await redis.stop();
    }
  });
});

const ACCEPT = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

describe('a repeated account or token header', () => {
  const TOKEN = 'team-token-0123456789';
  let perCaller: Hosted;
  let team: Hosted;
  beforeAll(async () => {
    perCaller = await startHosted({ accounts: [{ credentials: TEST_CREDENTIALS, account: FIXTURE_ACCOUNT }] });
    team = await startHosted({ accounts: [{ credentials: TEST_CREDENTIALS, account: FIXTURE_ACCOUNT }], shared: TEST_CREDENTIALS, token: TOKEN });
  });
  afterAll(async () => {
    await Promise.all([perCaller?.close(), team?.close()]);
  });

  const balance = JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'read_balance', arguments: {} } });

  it('gets 400 with a JSON-RPC error naming the header, and nothing reaches the API', async () => {
    const cases: Array<[string, Record<string, string | string[]>]> = [
      ['X-Iletimerkezi-Key', { 'X-Iletimerkezi-Key': ['other-key', TEST_CREDENTIALS.key], 'X-Iletimerkezi-Hash': TEST_CREDENTIALS.hash }],
      ['X-Iletimerkezi-Hash', { 'X-Iletimerkezi-Key': TEST_CREDENTIALS.key, 'X-Iletimerkezi-Hash': [TEST_CREDENTIALS.hash, TEST_CREDENTIALS.hash] }],
    ];
    for (const [name, headers] of cases) {
      const answer = await rawRequest(perCaller.url, { headers: { ...ACCEPT, ...headers }, body: balance });
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toEqual({
        jsonrpc: '2.0',
        id: null,
        error: { code: -32000, message: `The ${name} header was sent more than once; send it once, with one value.` },
      });
      expect(answer.body).not.toContain(TEST_CREDENTIALS.key.slice(0, 8));
    }
    expect(perCaller.fakes[0]?.requests).toEqual([]);
    // The same headers, once each, are served.
    const once = await rawRequest(perCaller.url, { headers: { ...ACCEPT, ...accountHeaders(TEST_CREDENTIALS) }, body: balance });
    expect(once.status).toBe(200);
    expect(once.body).toContain('"sms":250000');
  });

  it('gets 400 for a repeated bearer token in team mode, even when the first one is right', async () => {
    const answer = await rawRequest(team.url, { headers: { ...ACCEPT, authorization: [`Bearer ${TOKEN}`, 'Bearer someone-else-000000'] }, body: INITIALIZE });
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { message: 'The Authorization header was sent more than once; send it once, with one value.' } });
    expect(answer.body).not.toContain(TOKEN);
    const once = await rawRequest(team.url, { headers: { ...ACCEPT, authorization: `Bearer ${TOKEN}` }, body: INITIALIZE });
    expect(once.status).toBe(200);
  });
});

/** The JSON-RPC messages of an answer, whether sent as JSON or as server-sent events. */
function messagesOf(body: string): Array<{ id: unknown; result?: unknown; error?: { code: number; message: string } }> {
  const events = body.split('\n').filter((line) => line.startsWith('data: ')).map((line) => JSON.parse(line.slice(6)) as unknown);
  const parsed = events.length > 0 ? events : [JSON.parse(body) as unknown];
  return parsed.flat() as Array<{ id: unknown; result?: unknown; error?: { code: number; message: string } }>;
}

describe('a JSON-RPC batch', () => {
  let hosted: Hosted;
  beforeAll(async () => {
    hosted = await startHosted({ accounts: [{ credentials: TEST_CREDENTIALS, account: FIXTURE_ACCOUNT, latencyMs: 300 }], maxCallsPerAccount: 1 });
  });
  afterAll(async () => {
    await hosted?.close();
  });

  /** A ping, a notification and a tool call that lists the orders of one range, which the fake's log then shows. */
  const send = (range: { start: string; end: string }) =>
    rawRequest(hosted.url, {
      headers: { ...ACCEPT, ...accountHeaders(TEST_CREDENTIALS) },
      body: JSON.stringify([
        { jsonrpc: '2.0', id: 'ping-1', method: 'ping' },
        { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'x', progress: 1 } },
        { jsonrpc: '2.0', id: 'call-1', method: 'tools/call', params: { name: 'list_orders', arguments: { ...range, limit: 5 } } },
      ]),
    });
  const listed = (range: { start: string; end: string }) =>
    (hosted.fakes[0]?.requests ?? []).filter((request) => request.endpoint === 'get-reports' && request.start?.startsWith(range.start)).length;

  it('gets a response for every request in it', async () => {
    const range = { start: '2026-01-05', end: '2026-01-07' };
    const answer = await send(range);
    expect(answer.status).toBe(200);
    const messages = messagesOf(answer.body).sort((a, b) => String(a.id).localeCompare(String(b.id)));
    expect(messages.map((message) => message.id)).toEqual(['call-1', 'ping-1']);
    const truth = newestFirst(ordersBetween(FIXTURE_ACCOUNT.orders, range.start, range.end)).slice(0, 5).map((order) => order.id);
    expect(ids((messages[0]?.result as { structuredContent: unknown }).structuredContent)).toEqual(truth);
    expect(messages[1]?.result).toEqual({});
    expect(listed(range)).toBeGreaterThan(0);
  });

  it('is refused as a whole at the account\'s cap: every request in it gets the error, and none of it runs', async () => {
    const mcp = await httpClient(hosted.url, accountHeaders(TEST_CREDENTIALS));
    const fake = hosted.fakes[0] as SimulatedApi;
    const started = fake.requests.length;
    const running = mcp.callTool({ name: 'read_balance', arguments: {} });
    while (fake.requests.length === started) await new Promise((resolve) => setTimeout(resolve, 5));
    const range = { start: '2026-01-12', end: '2026-01-14' };
    const answer = await send(range);
    const message = 'This account already has 1 tool calls running; retry in a moment. None of this batch ran.';
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual([
      { jsonrpc: '2.0', id: 'ping-1', error: { code: -32000, message } },
      { jsonrpc: '2.0', id: 'call-1', error: { code: -32000, message } },
    ]);
    expect((await running).structuredContent).toMatchObject({ sms: 250000 });
    expect(listed(range)).toBe(0);
    await mcp.close();
  });
});

describe('Redis health in the log', () => {
  const SECRET = 'tenant-cursor-secret-0123456789abcdef';
  let redis: RedisInstance;
  let fake: SimulatedApi;
  let router: AccountRouter;
  let server: HttpProcess;

  beforeAll(async () => {
    redis = await startRedis();
    fake = await startSimulatedApi({ account: FIXTURE_ACCOUNT, credentials: TEST_CREDENTIALS });
    router = await startAccountRouter(new Map([[TEST_CREDENTIALS.key, fake]]));
    server = await spawnHttpServer({ ILETIMERKEZI_BASE_URL: router.baseUrl, ILETIMERKEZI_REDIS_URL: redis.url, ILETIMERKEZI_CURSOR_SECRET: SECRET });
  });
  afterAll(async () => {
    const code = await server?.stop();
    await router?.close();
    await fake?.close();
    await redis?.stop();
    expect(code).toBe(0);
  });

  const events = () =>
    server.lines
      .map((line) => JSON.parse(line) as { event?: string })
      .map((entry) => entry.event)
      .filter((event) => event?.startsWith('redis-'));

  async function until(count: number): Promise<void> {
    const deadline = performance.now() + 10_000;
    while (events().length < count && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  it('logs every outage when Redis stops answering, and every recovery, hang after hang', async () => {
    const mcp = await httpClient(server.url, accountHeaders(TEST_CREDENTIALS));
    const range = { start: '2026-03-01', end: '2026-03-20' };
    const truth = newestFirst(ordersBetween(FIXTURE_ACCOUNT.orders, range.start, range.end)).slice(0, 3).map((order) => order.id);
    const list = async () => {
      const listed = await mcp.callTool({ name: 'list_orders', arguments: { ...range, limit: 3 } });
      expect(textOf(listed)).not.toContain('internal error');
      expect(ids(listed.structuredContent)).toEqual(truth);
    };
    await list();
    expect(events()).toEqual([]);
    for (let hang = 1; hang <= 2; hang += 1) {
      redis.pause();
      await list();
      await until(2 * hang - 1);
      expect(events()).toHaveLength(2 * hang - 1);
      redis.resume();
      await until(2 * hang);
      await list();
    }
    expect(events()).toEqual(['redis-unavailable', 'redis-recovered', 'redis-unavailable', 'redis-recovered']);
    await mcp.close();
    const logged = server.lines.join('\n');
    for (const secret of [TEST_CREDENTIALS.key, TEST_CREDENTIALS.hash, SECRET, redis.url]) expect(logged).not.toContain(secret);
  });
});

describe('the recipients of final orders, cached per account', () => {
  it('are never served to another account: the same order id of another account is read from that account\'s API', async () => {
    const [x, y] = TENANTS as [FakeAccount, FakeAccount];
    // The demo numbers its orders alike, so both accounts hold an order of this id, each with its own recipients.
    const final = (order: { status: number; waiting: number; submitAt: string }) => order.status === 114 && order.waiting === 0 && order.submitAt < '2026-04-01';
    const theirs = y.account.orders.find((order) => final(order) && x.account.orders.some((mine) => mine.id === order.id && final(mine) && mine.total !== order.total));
    if (!theirs) throw new Error('the tenants have no final order of one id with different totals');
    const hosted = await startHosted({ accounts: [x, y] });
    try {
      const onX = await httpClient(hosted.url, accountHeaders(x.credentials));
      const onY = await httpClient(hosted.url, accountHeaders(y.credentials));
      const mine = await onX.callTool({ name: 'list_recipients', arguments: { orderId: theirs.id } });
      expect((mine.structuredContent as { matched: number }).matched).not.toBe(theirs.total);
      const before = hosted.fakes[1]?.requests.length ?? 0;
      const answer = await onY.callTool({ name: 'list_recipients', arguments: { orderId: theirs.id } });
      expect(answer.structuredContent).toMatchObject({
        order: { id: theirs.id, total: theirs.total },
        recipientCounts: { delivered: theirs.delivered, undelivered: theirs.undelivered },
        matched: theirs.total,
      });
      expect(hosted.fakes[1]?.requests.slice(before).filter((request) => request.endpoint === 'get-report').length).toBeGreaterThan(0);
      await Promise.all([onX.close(), onY.close()]);
    } finally {
      await hosted.close();
    }
  });
});
