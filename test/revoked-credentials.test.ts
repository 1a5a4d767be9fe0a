import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Credentials } from '../src/api/client.js';
import type { Order } from '../src/api/schemas.js';
import { generateDemoAccount } from '../src/demo/account.js';
import { shiftDays, today } from '../src/reporting/calendar.js';
import { type SimulatedAccount, type SimulatedApi, startSimulatedApi } from '../src/simulator/api-server.js';
import { FIXTURE_ACCOUNT, TEST_CREDENTIALS, textOf } from './support/harness.js';
import { newestFirst, ordersBetween, totals } from './support/ground-truth.js';
import { type AccountRouter, startAccountRouter } from './support/account-router.js';
import { INITIALIZE, accountHeaders, hostedPerTest, httpClient, post } from './support/hosted.js';
import { type HttpProcess, spawnHttpServer } from './support/http-process.js';
import { type RedisInstance, startRedis } from './support/redis-server.js';

/**
 * Over HTTP, cached data never outlives the credentials: an answer from cached final windows or
 * from a cursor's snapshot goes out only once the API has accepted the key and hash during the
 * call (one get-balance when nothing else in the call asked the API). A key the API has since
 * revoked gets the API's 401 and its guidance, and nothing cached.
 */

/** The simulator's own words for refused credentials, then the guidance for keys sent in headers. */
const API_REASON = 'iletiMerkezi API error 401: authentication failed. The API said: "Üyelik bilgileri hatalı".';
const HEADER_ADVICE = 'Check the X-Iletimerkezi-Key and X-Iletimerkezi-Hash headers against panel.iletimerkezi.com';
const TEAM_ADVICE = 'Check ILETIMERKEZI_API_KEY and ILETIMERKEZI_API_HASH against panel.iletimerkezi.com';
const TOKEN = 'team-token-0123456789';

/** What the tests ask of one account, and the answers computed from its data. */
interface Truth {
  /** Final windows: every day of it is more than two days before today. */
  range: { start: string; end: string };
  summary: ReturnType<typeof totals>;
  /** The listing's order ids, newest first. */
  listing: number[];
}

function truthOf(account: SimulatedAccount, range: Truth['range']): Truth {
  const orders = ordersBetween(account.orders, range.start, range.end);
  return { range, summary: totals(orders), listing: newestFirst(orders).map((order) => order.id) };
}

/** The fixtures' today is 2026-04-22. */
const FIXTURE = truthOf(FIXTURE_ACCOUNT, { start: '2026-01-01', end: '2026-03-31' });
const PAGE = 25;

const ids = (data: unknown) => (data as { orders: Array<{ id: number }> }).orders.map((order) => order.id);
const endpointsSince = (fake: SimulatedApi | undefined, before: number) => (fake?.requests ?? []).slice(before).map((request) => request.endpoint);

function expectSummary(result: unknown, truth: Truth): void {
  const { summary } = truth;
  expect((result as { structuredContent?: unknown }).structuredContent).toMatchObject({ orders: summary.orders, total: summary.total, undelivered: summary.undelivered });
}

/** A summary of final windows and the first page of a listing: both now answerable from the cache. */
async function primed(mcp: Client, truth: Truth = FIXTURE): Promise<{ cursor: string }> {
  expectSummary(await mcp.callTool({ name: 'summarize_delivery', arguments: truth.range }), truth);
  const first = await mcp.callTool({ name: 'list_orders', arguments: { ...truth.range, limit: PAGE } });
  expect(ids(first.structuredContent)).toEqual(truth.listing.slice(0, PAGE));
  const cursor = (first.structuredContent as { nextCursor?: string }).nextCursor;
  expect(cursor).toBeDefined();
  return { cursor: cursor as string };
}

/** Not one figure or order id of the cached answers in a refusal. */
function expectNothingCached(text: string, truth: Truth): void {
  for (const id of truth.listing) expect(text).not.toContain(String(id));
  expect(text).not.toContain(String(truth.summary.total));
}

/** The result of a refused call: the API's reason and the guidance, and nothing cached. */
function expectRefused(result: unknown, advice: string, truth: Truth = FIXTURE): string {
  const text = textOf(result);
  expect((result as { isError?: boolean }).isError).toBe(true);
  expect((result as { structuredContent?: unknown }).structuredContent).toBeUndefined();
  expect(text.startsWith(API_REASON), text).toBe(true);
  expect(text).toContain(advice);
  expectNothingCached(text, truth);
  return text;
}

const toolCall = (name: string, args: Record<string, unknown>) => JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name, arguments: args } });

/** A request of the revoked caller stopped at the door: HTTP 401 with the same words, and nothing cached. */
async function expectStoppedAtTheDoor(url: string, credentials: Credentials, text: string, body = INITIALIZE, truth: Truth = FIXTURE): Promise<void> {
  const response = await post(url, body, accountHeaders(credentials));
  expect(response.status).toBe(401);
  const answer = await response.text();
  expect((JSON.parse(answer) as { error: { message: string } }).error.message).toBe(text);
  expectNothingCached(answer, truth);
}

describe('cached answers over HTTP, and a key the API has revoked', () => {
  const start = hostedPerTest();

  it('cost a valid caller exactly one get-balance and no get-reports; a call that asked the API anyway costs nothing more', async () => {
    const server = await start();
    const fake = server.fakes[0];
    const mcp = await httpClient(server.url, accountHeaders(TEST_CREDENTIALS));
    const { cursor } = await primed(mcp);

    let before = fake?.requests.length ?? 0;
    const again = await mcp.callTool({ name: 'summarize_delivery', arguments: { ...FIXTURE.range, groupBy: 'month' } });
    expectSummary(again, FIXTURE);
    expect(endpointsSince(fake, before)).toEqual(['get-balance']);

    before = fake?.requests.length ?? 0;
    const next = await mcp.callTool({ name: 'list_orders', arguments: { cursor, limit: PAGE } });
    expect(ids(next.structuredContent)).toEqual(FIXTURE.listing.slice(PAGE, 2 * PAGE));
    expect(endpointsSince(fake, before)).toEqual(['get-balance']);

    // The cached windows of Q1 and fresh ones of April: the fresh reads vouch for the key.
    before = fake?.requests.length ?? 0;
    const wider = await mcp.callTool({ name: 'summarize_delivery', arguments: { start: FIXTURE.range.start, end: '2026-04-22' } });
    expect(wider.structuredContent).toMatchObject({ orders: ordersBetween(FIXTURE_ACCOUNT.orders, FIXTURE.range.start, '2026-04-22').length });
    const asked = endpointsSince(fake, before);
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.every((endpoint) => endpoint === 'get-reports')).toBe(true);
    await mcp.close();
  });

  it('refuse a revoked key the cached summary: the 401 guidance, one get-balance, nothing cached', async () => {
    const server = await start();
    const fake = server.fakes[0];
    const mcp = await httpClient(server.url, accountHeaders(TEST_CREDENTIALS));
    await primed(mcp);
    fake?.revokeCredentials();
    const before = fake?.requests.length ?? 0;
    const summary = await mcp.callTool({ name: 'summarize_delivery', arguments: FIXTURE.range });
    const text = expectRefused(summary, HEADER_ADVICE);
    expect(endpointsSince(fake, before)).toEqual(['get-balance']);
    await mcp.close();
    await expectStoppedAtTheDoor(server.url, TEST_CREDENTIALS, text);
  });

  it('refuse a revoked key the next page of a cursor, although its snapshot is still kept', async () => {
    const server = await start();
    const fake = server.fakes[0];
    const mcp = await httpClient(server.url, accountHeaders(TEST_CREDENTIALS));
    const { cursor } = await primed(mcp);
    fake?.revokeCredentials();
    const before = fake?.requests.length ?? 0;
    const next = await mcp.callTool({ name: 'list_orders', arguments: { cursor, limit: PAGE } });
    const text = expectRefused(next, HEADER_ADVICE);
    expect(endpointsSince(fake, before)).toEqual(['get-balance']);
    await mcp.close();
    await expectStoppedAtTheDoor(server.url, TEST_CREDENTIALS, text);
  });

  it('serve a final order\'s cached recipients for one get-balance, and refuse them to a revoked key', async () => {
    const server = await start();
    const fake = server.fakes[0];
    const mcp = await httpClient(server.url, accountHeaders(TEST_CREDENTIALS));
    const order = FIXTURE_ACCOUNT.orders.filter((candidate) => candidate.status === 114 && candidate.total > 1000 && candidate.submitAt < '2026-04-01')[0] as Order;
    const undelivered = (FIXTURE_ACCOUNT.recipients?.(order) ?? []).filter((recipient) => recipient.status === 112);
    const args = { orderId: order.id, status: 'undelivered', limit: 1000 };
    const first = await mcp.callTool({ name: 'list_recipients', arguments: args });
    expect((first.structuredContent as { matched: number }).matched).toBe(undelivered.length);

    // A fresh listing, not a cursor: the recipients come from the cache, and the key is proven first.
    let before = fake?.requests.length ?? 0;
    const again = await mcp.callTool({ name: 'list_recipients', arguments: args });
    expect((again.structuredContent as { matched: number }).matched).toBe(undelivered.length);
    expect(endpointsSince(fake, before)).toEqual(['get-balance']);

    fake?.revokeCredentials();
    before = fake?.requests.length ?? 0;
    const refused = await mcp.callTool({ name: 'list_recipients', arguments: args });
    const text = expectRefused(refused, HEADER_ADVICE);
    for (const recipient of undelivered) expect(text).not.toContain(String(recipient.number).replace(/\D/g, '').slice(-7));
    expect(endpointsSince(fake, before)).toEqual(['get-balance']);
    await mcp.close();
  });

  it('refuse the team too once the API revokes the key the server holds, with the guidance for the operator', async () => {
    const server = await start({ shared: TEST_CREDENTIALS, token: TOKEN });
    const fake = server.fakes[0];
    const mcp = await httpClient(server.url, { Authorization: `Bearer ${TOKEN}` });
    const { cursor } = await primed(mcp);
    fake?.revokeCredentials();
    const before = fake?.requests.length ?? 0;
    expectRefused(await mcp.callTool({ name: 'summarize_delivery', arguments: FIXTURE.range }), TEAM_ADVICE);
    expectRefused(await mcp.callTool({ name: 'list_orders', arguments: { cursor, limit: PAGE } }), TEAM_ADVICE);
    expect(endpointsSince(fake, before)).toEqual(['get-balance', 'get-balance']);
    await mcp.close();
  });

  it('give no cached answer while the API cannot confirm the key: the outage is the answer', async () => {
    let down = false;
    const server = await start({
      accounts: [
        {
          credentials: TEST_CREDENTIALS,
          account: FIXTURE_ACCOUNT,
          script: (request) => (down && request.endpoint === 'get-balance' ? { status: 503, body: { response: { status: { code: 503, message: 'Servis geçici olarak kullanılamıyor' } } } } : undefined),
        },
      ],
    });
    const fake = server.fakes[0];
    const mcp = await httpClient(server.url, accountHeaders(TEST_CREDENTIALS));
    const { cursor } = await primed(mcp);
    down = true;
    const before = fake?.requests.length ?? 0;
    for (const result of [
      await mcp.callTool({ name: 'summarize_delivery', arguments: FIXTURE.range }),
      await mcp.callTool({ name: 'list_orders', arguments: { cursor, limit: PAGE } }),
    ]) {
      expect(result.isError).toBe(true);
      expect(result.structuredContent).toBeUndefined();
      expect(textOf(result)).toContain('503');
      expectNothingCached(textOf(result), FIXTURE);
    }
    // hosted.ts gives each client 2 attempts.
    expect(endpointsSince(fake, before)).toEqual(['get-balance', 'get-balance', 'get-balance', 'get-balance']);
    // The cache itself was kept: once the API answers again, so does the cursor.
    down = false;
    const next = await mcp.callTool({ name: 'list_orders', arguments: { cursor, limit: PAGE } });
    expect(ids(next.structuredContent)).toEqual(FIXTURE.listing.slice(PAGE, 2 * PAGE));
    await mcp.close();
  });
});

/**
 * Two server processes behind one real redis-server, one of them restarted: the windows,
 * snapshots and cursors outlive the process in Redis, and the key's remembered acceptance too.
 * None of it vouches for a key the API has revoked since.
 */
describe('cached answers in Redis, across replicas and a restart, and a key the API has revoked', () => {
  const SECRET = 'shared-cursor-secret-0123456789abcdef';
  const THEIR_CREDENTIALS = { key: 'KEY-revoked-2c4d-leakprobe', hash: 'HASH-revoked-8e1f-leakprobe' };
  const now = new Date();
  const end = today(() => now);
  const range = { start: shiftDays(end, -90), end: shiftDays(end, -31) };
  const mine = generateDemoAccount({ now });
  const theirs = generateDemoAccount({ now, seed: 11, ordersPerDay: 6 });
  const MINE = truthOf(mine, range);
  const THEIRS = truthOf(theirs, range);
  let redis: RedisInstance;
  let fakes: SimulatedApi[];
  let router: AccountRouter;
  let env: Record<string, string>;
  let a: HttpProcess;
  let b: HttpProcess;
  const exits: Array<number | null> = [];

  beforeAll(async () => {
    redis = await startRedis();
    fakes = await Promise.all([
      startSimulatedApi({ account: mine, credentials: TEST_CREDENTIALS }),
      startSimulatedApi({ account: theirs, credentials: THEIR_CREDENTIALS }),
    ]);
    router = await startAccountRouter(new Map([[TEST_CREDENTIALS.key, fakes[0] as SimulatedApi], [THEIR_CREDENTIALS.key, fakes[1] as SimulatedApi]]));
    env = { ILETIMERKEZI_BASE_URL: router.baseUrl, ILETIMERKEZI_REDIS_URL: redis.url, ILETIMERKEZI_CURSOR_SECRET: SECRET };
    [a, b] = await Promise.all([spawnHttpServer(env), spawnHttpServer(env)]);
  });

  afterAll(async () => {
    exits.push(...(await Promise.all([a?.stop(), b?.stop()])));
    await router?.close();
    await Promise.all((fakes ?? []).map((fake) => fake.close()));
    await redis?.stop();
    expect(exits).toEqual([0, 0, 0]);
    const logged = [...a.lines, ...b.lines].join('\n');
    for (const secret of [TEST_CREDENTIALS.key, TEST_CREDENTIALS.hash, THEIR_CREDENTIALS.key, THEIR_CREDENTIALS.hash, SECRET]) expect(logged).not.toContain(secret);
  });

  it('cost one get-balance while the key stands, and give nothing cached once it is revoked, on either replica', async () => {
    const [myFake, theirFake] = fakes as [SimulatedApi, SimulatedApi];
    const onA = await httpClient(a.url, accountHeaders(TEST_CREDENTIALS));
    const theirsOnA = await httpClient(a.url, accountHeaders(THEIR_CREDENTIALS));
    const { cursor: myCursor } = await primed(onA, MINE);
    const { cursor: theirCursor } = await primed(theirsOnA, THEIRS);
    await Promise.all([onA.close(), theirsOnA.close()]);

    // A restart: the new process has nothing of the old one but what Redis keeps.
    exits.push(await a.stop());
    a = await spawnHttpServer(env);
    const mineOnA = await httpClient(a.url, accountHeaders(TEST_CREDENTIALS));
    const mineOnB = await httpClient(b.url, accountHeaders(TEST_CREDENTIALS));
    let before = myFake.requests.length;
    expectSummary(await mineOnA.callTool({ name: 'summarize_delivery', arguments: { ...range, groupBy: 'month' } }), MINE);
    const next = await mineOnB.callTool({ name: 'list_orders', arguments: { cursor: myCursor, limit: PAGE } });
    expect(ids(next.structuredContent)).toEqual(MINE.listing.slice(PAGE, 2 * PAGE));
    expect(endpointsSince(myFake, before)).toEqual(['get-balance', 'get-balance']);

    myFake.revokeCredentials();
    theirFake.revokeCredentials();

    // Mine: the restarted replica refuses the cached summary, and the refusal, kept in Redis, stops my cursor at B's door.
    before = myFake.requests.length;
    const text = expectRefused(await mineOnA.callTool({ name: 'summarize_delivery', arguments: range }), HEADER_ADVICE, MINE);
    expect(endpointsSince(myFake, before)).toEqual(['get-balance']);
    await expectStoppedAtTheDoor(b.url, TEST_CREDENTIALS, text, toolCall('list_orders', { cursor: myCursor, limit: PAGE }), MINE);
    expect(endpointsSince(myFake, before)).toEqual(['get-balance']);

    // Theirs, the other way round: B refuses the page from the snapshot A kept, the restarted A's door the summary.
    const theirsOnB = await httpClient(b.url, accountHeaders(THEIR_CREDENTIALS));
    before = theirFake.requests.length;
    const theirText = expectRefused(await theirsOnB.callTool({ name: 'list_orders', arguments: { cursor: theirCursor, limit: PAGE } }), HEADER_ADVICE, THEIRS);
    expect(endpointsSince(theirFake, before)).toEqual(['get-balance']);
    await expectStoppedAtTheDoor(a.url, THEIR_CREDENTIALS, theirText, toolCall('summarize_delivery', range), THEIRS);
    expect(endpointsSince(theirFake, before)).toEqual(['get-balance']);
    await Promise.all([mineOnA.close(), mineOnB.close(), theirsOnB.close()]);
  });
});
