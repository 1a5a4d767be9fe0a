import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openOAuthStores } from '../src/oauth/stores.js';
import { RedisConnection } from '../src/state/redis-store.js';
import { windowBounds } from '../src/reporting/window-cache.js';
import { snapshotBounds } from '../src/tools/cursors.js';
import { FIXTURE_ACCOUNT, TEST_CREDENTIALS } from './support/harness.js';
import { type Hosted, INITIALIZE, httpClient, post, startHosted } from './support/hosted.js';
import { type RedisInstance, startRedis } from './support/redis-server.js';
import { expectedSummary } from './support/reliability.js';
import { pkce, redeem, register, submit, tokenRequest, visit } from './support/sign-in.js';

/** Two replicas on one redis-server: any replica takes any step of a flow, and Redis holds no secret in clear. */

const SECRET = 'replicas-oauth-secret-0123456789abcdef';
const CURSOR_SECRET = 'shared-cursor-secret-0123456789abcdef';
const RANGE = { start: '2026-04-01', end: '2026-04-22' };

let redis: RedisInstance;
let connections: RedisConnection[];
let a: Hosted;
let b: Hosted;
let baseA: string;
let baseB: string;

beforeAll(async () => {
  redis = await startRedis();
  connections = [0, 1].map(() => new RedisConnection(redis.url, () => {}));
  await Promise.all(connections.map((connection) => connection.ready()));
  const replica = (connection: RedisConnection, publicUrl?: string) =>
    startHosted({
      accounts: [{ credentials: TEST_CREDENTIALS, account: FIXTURE_ACCOUNT }],
      secret: CURSOR_SECRET,
      stores: { snapshots: connection.store('snapshots', snapshotBounds()), windows: connection.store('windows', windowBounds()) },
      oauth: { secret: SECRET, publicUrl, trustedProxies: ['127.0.0.1'], stores: openOAuthStores((kind, bounds) => connection.store(kind, bounds)) },
    });
  a = await replica(connections[0] as RedisConnection);
  baseA = new URL(a.url).origin;
  // Both answer to one public URL, as replicas behind one proxy do.
  b = await replica(connections[1] as RedisConnection, baseA);
  baseB = new URL(b.url).origin;
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  await Promise.all((connections ?? []).map((connection) => connection.close()));
  await redis?.stop();
});

/** Every key and every value in Redis, as one text. */
async function dump(): Promise<string> {
  const client = new Redis(redis.url);
  const parts: string[] = [];
  for (const key of await client.keys('*')) {
    const type = await client.type(key);
    const value =
      type === 'string' ? await client.get(key) : type === 'hash' ? JSON.stringify(await client.hgetall(key)) : type === 'zset' ? JSON.stringify(await client.zrange(key, '0', '-1')) : `(${type})`;
    parts.push(`${key} ${value ?? ''}`);
  }
  await client.quit();
  return parts.join('\n');
}

describe('two replicas on one redis-server', () => {
  it('register on one, sign in across both, redeem and refresh on either, and accept each other\'s tokens', async () => {
    const redirectUri = 'https://app.example.com/callback';
    const clientId = String((await register(baseA, [redirectUri], 'Replica App')).body.client_id);
    const { verifier, challenge } = pkce();
    const query = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, code_challenge: challenge, code_challenge_method: 'S256', state: 's', resource: `${baseA}/mcp` });
    const page = await visit(`${baseB}/authorize?${query.toString()}`);
    expect(page.status).toBe(200);
    const signedIn = await submit(baseA, page, { key: TEST_CREDENTIALS.key, hash: TEST_CREDENTIALS.hash, decision: 'allow' });
    const code = new URL(signedIn.location ?? '').searchParams.get('code') ?? '';
    const authorization = { clientId, redirectUri, verifier, code };
    const tokens = await redeem(baseB, authorization, { resource: `${baseA}/mcp` });
    expect(tokens.status).toBe(200);
    // Redeemed on B: A refuses it now.
    expect((await redeem(baseA, authorization, { resource: `${baseA}/mcp` })).body.error).toBe('invalid_grant');

    const bearer = { authorization: `Bearer ${String(tokens.body.access_token)}` };
    expect((await post(a.url, INITIALIZE, bearer)).status).toBe(200);
    const onB = await httpClient(b.url, bearer);
    const summary = await onB.callTool({ name: 'summarize_delivery', arguments: RANGE });
    const { orders, total } = expectedSummary(FIXTURE_ACCOUNT.orders, RANGE.start, RANGE.end);
    expect(summary.structuredContent).toMatchObject({ orders, total });
    await onB.close();

    const renewed = await tokenRequest(baseA, { grant_type: 'refresh_token', refresh_token: String(tokens.body.refresh_token), client_id: clientId });
    expect(renewed.status).toBe(200);
    expect((await post(b.url, INITIALIZE, { authorization: `Bearer ${String(renewed.body.access_token)}` })).status).toBe(200);
    // The old refresh token again, on the other replica: the grant ends everywhere.
    expect((await tokenRequest(baseB, { grant_type: 'refresh_token', refresh_token: String(tokens.body.refresh_token), client_id: clientId })).body.error).toBe('invalid_grant');
    expect((await post(a.url, INITIALIZE, { authorization: `Bearer ${String(renewed.body.access_token)}` })).status).toBe(401);

    const stored = await dump();
    expect(stored).toContain('oauth-grants');
    for (const secret of [tokens.body.access_token, tokens.body.refresh_token, renewed.body.access_token, renewed.body.refresh_token, code, verifier, TEST_CREDENTIALS.key, TEST_CREDENTIALS.hash]) {
      expect(stored).not.toContain(String(secret));
    }
    const logs = [...a.lines, ...b.lines].join('\n');
    for (const secret of [tokens.body.access_token, tokens.body.refresh_token, renewed.body.access_token, code, TEST_CREDENTIALS.key, TEST_CREDENTIALS.hash]) {
      expect(logs).not.toContain(String(secret));
    }
  });

  it('counts every failed sign-in of an address exactly, however they spread over the replicas: the 11th try gets 429 on both', async () => {
    const redirectUri = 'https://app.example.com/callback';
    const clientId = String((await register(baseA, [redirectUri])).body.client_id);
    const query = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, code_challenge: pkce().challenge, code_challenge_method: 'S256' });
    const page = await visit(`${baseA}/authorize?${query.toString()}`);
    const from = { 'x-forwarded-for': '198.51.100.77' };
    const wrong = { key: 'KEY-nobody', hash: 'HASH-nobody', decision: 'allow' };
    const failed = await Promise.all(Array.from({ length: 10 }, (_, n) => submit(n % 2 === 0 ? baseA : baseB, page, wrong, from)));
    expect(failed.map((answer) => answer.status)).toEqual(Array(10).fill(401));
    const right = { key: TEST_CREDENTIALS.key, hash: TEST_CREDENTIALS.hash, decision: 'allow' };
    expect([(await submit(baseA, page, right, from)).status, (await submit(baseB, page, right, from)).status]).toEqual([429, 429]);
    // Another address is not held back.
    expect((await submit(baseB, page, right, { 'x-forwarded-for': '198.51.100.78' })).status).toBe(303);
  });

  it('a grant sealed under one secret opens under no other: rotating the secret invalidates every grant', async () => {
    const rotated = await startHosted({
      accounts: [{ credentials: TEST_CREDENTIALS, account: FIXTURE_ACCOUNT }],
      oauth: { secret: 'another-oauth-secret-0123456789abcdef', publicUrl: baseA, stores: openOAuthStores((kind, bounds) => (connections[0] as RedisConnection).store(kind, bounds)) },
    });
    try {
      const redirectUri = 'https://app.example.com/callback';
      const clientId = String((await register(baseA, [redirectUri])).body.client_id);
      const { verifier, challenge } = pkce();
      const query = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: redirectUri, code_challenge: challenge, code_challenge_method: 'S256' });
      const page = await visit(`${baseA}/authorize?${query.toString()}`);
      const code = new URL((await submit(baseA, page, { key: TEST_CREDENTIALS.key, hash: TEST_CREDENTIALS.hash, decision: 'allow' })).location ?? '').searchParams.get('code') ?? '';
      const tokens = (await redeem(baseA, { clientId, redirectUri, verifier, code }, { resource: `${baseA}/mcp` })).body;
      expect((await post(a.url, INITIALIZE, { authorization: `Bearer ${String(tokens.access_token)}` })).status).toBe(200);
      expect((await post(rotated.url, INITIALIZE, { authorization: `Bearer ${String(tokens.access_token)}` })).status).toBe(401);
      expect((await tokenRequest(new URL(rotated.url).origin, { grant_type: 'refresh_token', refresh_token: String(tokens.refresh_token), client_id: clientId })).body.error).toBe('invalid_grant');
      // Nor does the client registered under the old secret exist under the new one.
      expect((await visit(`${new URL(rotated.url).origin}/authorize?${query.toString()}`)).status).toBe(400);
    } finally {
      await rotated.close();
    }
  });
});
