import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Grants, OAuthError } from '../src/oauth/grants.js';
import { OAuthKeys } from '../src/oauth/keys.js';
import { type OAuthStores, openOAuthStores } from '../src/oauth/stores.js';
import { MemoryStore } from '../src/state/memory-store.js';
import { RedisConnection } from '../src/state/redis-store.js';
import { TEST_CREDENTIALS } from './support/harness.js';
import { type RedisInstance, startRedis } from './support/redis-server.js';
import { pkce } from './support/sign-in.js';

/** Refresh-token rotation under a race: two callers present one refresh token at once, on one replica or two. */

const SECRET = 'grants-race-oauth-secret-0123456789abcdef';
const RESOURCE = 'http://127.0.0.1:1/mcp';
const CLIENT = 'mcp-race-client';
const REDIRECT = 'http://127.0.0.1:40000/cb';

/** A fresh grant on `grants`: its first access and refresh tokens. */
async function signedIn(grants: Grants): Promise<{ access: string; refresh: string }> {
  const { verifier, challenge } = pkce();
  const code = await grants.code({ client: CLIENT, redirectUri: REDIRECT, challenge, resource: RESOURCE, scope: 'iletimerkezi:read', credentials: TEST_CREDENTIALS });
  const tokens = await grants.redeemCode(new URLSearchParams({ code: code ?? '', client_id: CLIENT, redirect_uri: REDIRECT, code_verifier: verifier }));
  return { access: tokens.access_token, refresh: tokens.refresh_token ?? '' };
}

const refreshing = (refreshToken: string) => new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: CLIENT });

/**
 * Two refreshes of one token, each on its own Grants (a replica): at most one gets a new pair, the
 * other is told the token was already used, and the grant ends, so no token of it works afterwards,
 * the winner's new ones included (a copy of the refresh token is out there: OAuth 2.1 BCP).
 */
async function raceTwoRefreshes(first: Grants, second: Grants): Promise<void> {
  const { access, refresh } = await signedIn(first);
  expect(await first.holderOf(access)).toEqual({ credentials: TEST_CREDENTIALS, client: CLIENT });
  const outcomes = await Promise.allSettled([first.refresh(refreshing(refresh)), second.refresh(refreshing(refresh))]);
  const won = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const lost = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
  expect(won.length).toBeLessThanOrEqual(1);
  expect(lost.every((error) => error instanceof OAuthError && error.code === 'invalid_grant')).toBe(true);
  expect(lost.map((error) => (error as Error).message)).toContain('The refresh token was already used; the grant is revoked. Sign in again.');
  expect(await first.holderOf(access)).toBeUndefined();
  expect(await second.holderOf(access)).toBeUndefined();
  for (const tokens of won) {
    expect(await first.holderOf(tokens.access_token)).toBeUndefined();
    await expect(second.refresh(refreshing(tokens.refresh_token ?? ''))).rejects.toMatchObject({ code: 'invalid_grant' });
  }
}

describe('refresh-token rotation under a race', () => {
  it('in memory: of two concurrent refreshes of one token, one pair at most, and the grant revoked', async () => {
    const stores = openOAuthStores((_kind, bounds) => new MemoryStore(bounds));
    const grants = new Grants(new OAuthKeys(SECRET), stores, RESOURCE, Date.now);
    for (let round = 0; round < 5; round += 1) await raceTwoRefreshes(grants, grants);
  });

  it('rotates one at a time as before: a new pair each time, and the old token back revokes the grant', async () => {
    const grants = new Grants(new OAuthKeys(SECRET), openOAuthStores((_kind, bounds) => new MemoryStore(bounds)), RESOURCE, Date.now);
    const { refresh } = await signedIn(grants);
    const second = await grants.refresh(refreshing(refresh));
    const third = await grants.refresh(refreshing(second.refresh_token ?? ''));
    expect(await grants.holderOf(third.access_token)).toEqual({ credentials: TEST_CREDENTIALS, client: CLIENT });
    await expect(grants.refresh(refreshing(refresh))).rejects.toThrow('already used; the grant is revoked');
    expect(await grants.holderOf(third.access_token)).toBeUndefined();
    await expect(grants.refresh(refreshing('never-issued'))).rejects.toThrow('The refresh token is unknown or expired.');
  });

  describe('on two replicas sharing one redis-server', () => {
    let redis: RedisInstance;
    let connections: RedisConnection[];
    let replicas: [Grants, Grants];
    beforeAll(async () => {
      redis = await startRedis();
      connections = [0, 1].map(() => new RedisConnection(redis.url, () => {}));
      await Promise.all(connections.map((connection) => connection.ready()));
      const storesOf = (connection: RedisConnection): OAuthStores => openOAuthStores((kind, bounds) => connection.store(kind, bounds));
      replicas = connections.map((connection) => new Grants(new OAuthKeys(SECRET), storesOf(connection), RESOURCE, Date.now)) as [Grants, Grants];
    });
    afterAll(async () => {
      await Promise.all((connections ?? []).map((connection) => connection.close()));
      await redis?.stop();
    });

    it('of two concurrent refreshes of one token, one on each replica, one pair at most, and the grant revoked', async () => {
      for (let round = 0; round < 5; round += 1) await raceTwoRefreshes(...replicas);
    });
  });
});
