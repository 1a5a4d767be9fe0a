import { SdkHttpError } from '@modelcontextprotocol/client';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Credentials } from '../src/api/client.js';
import { KEY_CHECK_BOUNDS } from '../src/server/key-check.js';
import type { SimulatedApi } from '../src/simulator/api-server.js';
import { FIXED_NOW, FIXTURE_ACCOUNT, TEST_CREDENTIALS, textOf } from './support/harness.js';
import { INITIALIZE, accountHeaders, hostedPerTest, httpClient, post } from './support/hosted.js';
import { type RedisReplicas, startRedisReplicas } from './support/redis-replicas.js';

/**
 * In hosted per-caller mode the key and hash a caller sends are checked with one get-balance
 * call when the client connects: a refusal is HTTP 401 with the API's reason on initialize, and
 * the API's word is remembered per account (an acceptance 5 minutes, a refusal 30 seconds).
 */

/** The simulator's own words for wrong credentials. */
const API_REASON = 'iletiMerkezi API error 401: authentication failed. The API said: "Üyelik bilgileri hatalı".';
const HEADER_ADVICE = 'Check the X-Iletimerkezi-Key and X-Iletimerkezi-Hash headers against panel.iletimerkezi.com';
/** The fixture account's key with a mistyped hash: the router hands it to the simulator, which refuses it. */
const MISTYPED: Credentials = { key: TEST_CREDENTIALS.key, hash: 'HASH-mistyped-leakprobe' };
const MINUTE = 60_000;

const balanceCalls = (fake: SimulatedApi | undefined) => (fake?.requests ?? []).filter((request) => request.endpoint === 'get-balance').length;

/** A clock the test moves by hand, starting at the fixtures' day. */
function handClock() {
  let now = FIXED_NOW.getTime();
  return { clock: () => new Date(now), advance: (ms: number) => (now += ms) };
}

/**
 * The error connecting with the SDK's Streamable HTTP client ends in: its HTTP status, and the
 * reason the server gave, which the SDK quotes as the body it received.
 */
async function connectError(url: string, credentials: Credentials): Promise<{ code: number | undefined; message: string }> {
  const outcome = await httpClient(url, accountHeaders(credentials)).then(
    async (mcp) => {
      await mcp.close();
      return undefined;
    },
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(SdkHttpError);
  const { status: code, message } = outcome as SdkHttpError;
  const body = message.slice(message.indexOf('{'));
  return { code, message: (JSON.parse(body) as { error: { message: string } }).error.message };
}

async function connectAndList(url: string, credentials: Credentials): Promise<number> {
  const mcp = await httpClient(url, accountHeaders(credentials));
  const { tools } = await mcp.listTools();
  await mcp.close();
  return tools.length;
}

describe('the key check in hosted per-caller mode', () => {
  const start = hostedPerTest();

  it('refuses a wrong key or hash when the client connects: HTTP 401 with the API\'s reason, before any tool call', async () => {
    const server = await start();
    const error = await connectError(server.url, MISTYPED);
    expect(error.code).toBe(401);
    expect(error.message).toContain(API_REASON);
    expect(error.message).toContain(HEADER_ADVICE);
    expect(error.message).not.toContain('ILETIMERKEZI_API_KEY');
    expect(error.message).not.toContain('leakprobe');
    // The initialize request itself, as any client sends it.
    const response = await post(server.url, INITIALIZE, accountHeaders(MISTYPED));
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('X-Iletimerkezi-Key realm="iletimerkezi-mcp"');
    const body = (await response.json()) as { error: { message: string } };
    expect(body.error.message.startsWith(API_REASON)).toBe(true);
    // One get-balance call answered both: the refusal is remembered.
    expect(balanceCalls(server.fakes[0])).toBe(1);
    // The right key and hash connect and answer as before.
    const mcp = await httpClient(server.url, accountHeaders(TEST_CREDENTIALS));
    const balance = await mcp.callTool({ name: 'read_balance', arguments: {} });
    expect(balance.isError, textOf(balance)).toBeFalsy();
    await mcp.close();
  });

  it('remembers an acceptance for 5 minutes of the injected clock, then asks again', async () => {
    const { clock, advance } = handClock();
    const server = await start({ clock });
    // initialize, notifications/initialized and tools/list: three requests, one check.
    expect(await connectAndList(server.url, TEST_CREDENTIALS)).toBeGreaterThan(0);
    expect(balanceCalls(server.fakes[0])).toBe(1);
    advance(5 * MINUTE - 1);
    await connectAndList(server.url, TEST_CREDENTIALS);
    expect(balanceCalls(server.fakes[0])).toBe(1);
    advance(1);
    await connectAndList(server.url, TEST_CREDENTIALS);
    expect(balanceCalls(server.fakes[0])).toBe(2);
    await connectAndList(server.url, TEST_CREDENTIALS);
    expect(balanceCalls(server.fakes[0])).toBe(2);
  });

  it('remembers a refusal for 30 seconds only, so that a key the panel has just allowed gets in soon', async () => {
    const { clock, advance } = handClock();
    const server = await start({ clock });
    expect((await connectError(server.url, MISTYPED)).code).toBe(401);
    expect(balanceCalls(server.fakes[0])).toBe(1);
    advance(30_000 - 1);
    expect((await connectError(server.url, MISTYPED)).code).toBe(401);
    expect(balanceCalls(server.fakes[0])).toBe(1);
    advance(1);
    expect((await connectError(server.url, MISTYPED)).code).toBe(401);
    expect(balanceCalls(server.fakes[0])).toBe(2);
  });

  it('lets callers in while the API cannot answer the check, and remembers nothing until it can', async () => {
    let down = true;
    const server = await start({
      accounts: [
        {
          credentials: TEST_CREDENTIALS,
          account: FIXTURE_ACCOUNT,
          script: (request) => (down && request.endpoint === 'get-balance' ? { status: 503, body: { response: { status: { code: 503, message: 'Servis geçici olarak kullanılamıyor' } } } } : undefined),
        },
      ],
    });
    // hosted.ts gives each client 2 attempts: each request's check costs two calls and decides nothing.
    expect(await connectAndList(server.url, TEST_CREDENTIALS)).toBeGreaterThan(0);
    expect(balanceCalls(server.fakes[0])).toBe(6);
    const mcp = await httpClient(server.url, accountHeaders(TEST_CREDENTIALS));
    const summary = await mcp.callTool({ name: 'summarize_delivery', arguments: { period: 'last_month' } });
    expect(summary.isError, textOf(summary)).toBeFalsy();
    down = false;
    const before = balanceCalls(server.fakes[0]);
    await mcp.listTools();
    await mcp.listTools();
    expect(balanceCalls(server.fakes[0])).toBe(before + 1);
    await mcp.close();
  });

  it('leaves team-token mode and callers without headers alone: no check, no get-balance call', async () => {
    const token = 'team-token-0123456789';
    const team = await start({ shared: TEST_CREDENTIALS, token });
    const mcp = await httpClient(team.url, { Authorization: `Bearer ${token}` });
    await mcp.listTools();
    await mcp.close();
    expect(balanceCalls(team.fakes[0])).toBe(0);
    await team.close();
    const open = await start();
    const anonymous = await httpClient(open.url);
    await anonymous.listTools();
    await anonymous.close();
    expect(balanceCalls(open.fakes[0])).toBe(0);
  });
});

/** Two replicas behind one real redis-server: what one learnt about a key, the other uses. */
describe('the key check shared through Redis', () => {
  const { clock, advance } = handClock();
  let shared: RedisReplicas | undefined;

  beforeAll(async () => {
    shared = await startRedisReplicas(clock, (connection) => ({ keyChecks: connection.store('key-checks', KEY_CHECK_BOUNDS) }));
  });

  afterAll(async () => {
    await shared?.close();
    expect(shared?.lines).toEqual([]);
  });

  it('answers on replica B, with no get-balance call, what replica A learnt, under keys that hold no credential', async () => {
    const { redis, replicas: [a, b] } = shared as RedisReplicas;
    await connectAndList(a.url, TEST_CREDENTIALS);
    expect((await connectError(a.url, MISTYPED)).code).toBe(401);
    expect(balanceCalls(a.fakes[0])).toBe(2);

    await connectAndList(b.url, TEST_CREDENTIALS);
    const refused = await connectError(b.url, MISTYPED);
    expect(refused.code).toBe(401);
    expect(refused.message).toContain(API_REASON);
    expect(balanceCalls(b.fakes[0])).toBe(0);

    const client = new Redis(redis.url);
    try {
      const keys = (await client.keys('*{key-checks}*')).filter((key) => !key.includes('~')).sort();
      expect(keys).toHaveLength(2);
      for (const key of keys) {
        expect(key).toMatch(/^iletimerkezi-mcp:\{key-checks\}:[0-9a-f]{64}:key-check$/);
        const ttl = await client.pttl(key);
        expect(ttl).toBeGreaterThan(0);
        expect(ttl).toBeLessThanOrEqual(5 * MINUTE);
        const value = (await client.get(key)) ?? '';
        for (const secret of [TEST_CREDENTIALS.key, TEST_CREDENTIALS.hash, MISTYPED.hash]) expect(value).not.toContain(secret);
      }
    } finally {
      client.disconnect();
    }

    // The injected clock rules entries read from Redis too: past 5 minutes B asks the API itself.
    advance(5 * MINUTE);
    await connectAndList(b.url, TEST_CREDENTIALS);
    expect(balanceCalls(b.fakes[0])).toBe(1);
  });
});
