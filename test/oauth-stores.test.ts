import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OAuthStores, openOAuthStores } from '../src/oauth/stores.js';
import { MemoryStore } from '../src/state/memory-store.js';
import { RedisConnection } from '../src/state/redis-store.js';
import { FIXTURE_ACCOUNT, TEST_CREDENTIALS } from './support/harness.js';
import { startHosted } from './support/hosted.js';
import { type RedisInstance, startRedis } from './support/redis-server.js';
import { pkce, register, visit } from './support/sign-in.js';

/** What the OAuth state promises of its stores: exact counts across replicas, and registrations bounded least recently used first. */

let redis: RedisInstance;
let connections: RedisConnection[];
beforeAll(async () => {
  redis = await startRedis();
  connections = [0, 1].map(() => new RedisConnection(redis.url, () => {}));
  await Promise.all(connections.map((connection) => connection.ready()));
});
afterAll(async () => {
  await Promise.all((connections ?? []).map((connection) => connection.close()));
  await redis?.stop();
});

describe('counting events (increment)', () => {
  it('in memory: counts from the first event, in a window of the TTL that later events do not extend', async () => {
    let now = 0;
    const store = new MemoryStore({ ttlMs: 1_000, maxBytes: 1_000, maxEntryBytes: 100, maxEntries: 4, shares: 1 }, () => now).forAccount('a');
    expect([await store.increment('k'), await store.increment('k'), await store.increment('other')]).toEqual([1, 2, 1]);
    now = 999;
    expect(await store.increment('k')).toBe(3);
    expect(await store.get('k')).toBe(3);
    now = 1_000;
    expect(await store.increment('k')).toBe(1);
  });

  it('in Redis: counts every one of many concurrent events from two replicas once, and the window ends with the TTL', async () => {
    const bounds = { ttlMs: 300, maxBytes: 1_000, maxEntryBytes: 100, maxEntries: 4, shares: 1 };
    const [one, two] = connections.map((connection) => connection.store('counted', bounds).forAccount('a'));
    const counts = await Promise.all(Array.from({ length: 20 }, (_, n) => ((n % 2 === 0 ? one : two) as NonNullable<typeof one>).increment('k')));
    expect([...counts].sort((x, y) => (x ?? 0) - (y ?? 0))).toEqual(Array.from({ length: 20 }, (_, n) => n + 1));
    expect(await two?.get('k')).toBe(20);
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(await one?.increment('k')).toBe(1);
  });
});

describe('eviction order in Redis', () => {
  it('goes by the order of writes, even of writes within one millisecond', async () => {
    const store = (connections[0] as RedisConnection).store('ordered', { ttlMs: 60_000, maxBytes: 10_000, maxEntryBytes: 100, maxEntries: 3, shares: 1 }).forAccount('a');
    for (let round = 0; round < 5; round += 1) {
      const names = ['z', 'y', 'x'].map((name) => `${name}${round}`);
      // Sent together: Redis runs them in order, most likely within one millisecond.
      expect(await Promise.all([...names.map((name) => store.set(name, 1)), store.set(names[0] as string, 2), store.set(`w${round}`, 1)])).toEqual([true, true, true, true, true]);
      expect(await Promise.all([...names, `w${round}`].map((name) => store.get(name)))).toEqual([2, undefined, 1, 1]);
      await Promise.all([...names, `w${round}`].map((name) => store.take(name)));
    }
  });
});

describe('client registrations at their bound', () => {
  const REDIRECT = 'https://app.example.com/cb';
  const storesOf: Record<string, () => OAuthStores> = {
    memory: () => openOAuthStores((_kind, bounds) => new MemoryStore(bounds), { maxClients: 8 }),
    Redis: () => openOAuthStores((kind, bounds) => (connections[0] as RedisConnection).store(kind, bounds), { maxClients: 8 }),
  };

  it.each(Object.keys(storesOf))('in %s: the least recently used registration goes first, and one used recently stays', async (kind) => {
    const hosted = await startHosted({ accounts: [{ credentials: TEST_CREDENTIALS, account: FIXTURE_ACCOUNT }], oauth: { stores: storesOf[kind]?.() } });
    const base = new URL(hosted.url).origin;
    const page = (clientId: string) =>
      visit(`${base}/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT, code_challenge: pkce().challenge, code_challenge_method: 'S256' }).toString()}`);
    const registered = async (name: string) => String((await register(base, [REDIRECT], name)).body.client_id);
    // One at a time: each check is a use, and the order of uses is what the bound goes by.
    const live = async (clients: string[]) => {
      const statuses = [];
      for (const client of clients) statuses.push((await page(client)).status);
      return statuses;
    };
    try {
      const older = [];
      for (let n = 0; n < 8; n += 1) older.push(await registered(`older-${n}`));
      // The first four are used again, in order: the other four are now the least recently used.
      const [used, unused] = [older.slice(0, 4), older.slice(4)];
      expect(await live(used)).toEqual([200, 200, 200, 200]);
      const newer = [];
      for (let n = 0; n < 4; n += 1) newer.push(await registered(`newer-${n}`));
      expect(await live(unused)).toEqual([400, 400, 400, 400]);
      // Checked in this order, the first of `used` is again the least recently used.
      expect(await live([...used, ...newer])).toEqual(Array(8).fill(200));
      await registered('newest');
      expect(await live(used)).toEqual([400, 200, 200, 200]);
    } finally {
      await hosted.close();
    }
  });
});
