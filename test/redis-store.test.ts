import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisConnection } from '../src/state/redis-store.js';
import { type RedisInstance, startRedis } from './support/redis-server.js';
import { BYTE_BOUNDS, ENTRY_BOUNDS, checkByteShares, checkEntryShares } from './support/store-shares.js';

describe('the Redis store, against a real redis-server', () => {
  let redis: RedisInstance;
  let connection: RedisConnection;
  let inspect: Redis;
  const events: string[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    connection = new RedisConnection(redis.url, (event) => events.push(event));
    inspect = new Redis(redis.url);
    await connection.ready();
  });
  afterAll(async () => {
    inspect?.disconnect();
    await connection?.close();
    await redis?.stop();
  });

  it('hands an entry to one taker only, and forgets it in the kind\'s bookkeeping', async () => {
    const store = connection.store('taken', { ttlMs: 60_000, maxBytes: 1_000, maxEntryBytes: 100, maxEntries: 8 });
    const account = store.forAccount('t'.repeat(8));
    expect(await account.set('code', { n: 1 })).toBe(true);
    expect(await account.set('other', { n: 2 })).toBe(true);
    const takers = await Promise.all([account.take('code'), account.take('code'), account.take('code')]);
    expect(takers.filter((value) => value !== undefined)).toEqual([{ n: 1 }]);
    expect(await account.get('code')).toBeUndefined();
    expect(Number(await inspect.get('iletimerkezi-mcp:{taken}:~bytes'))).toBe(JSON.stringify({ n: 2 }).length);
    expect(await inspect.hkeys('iletimerkezi-mcp:{taken}:~sizes')).toEqual([`iletimerkezi-mcp:{taken}:${'t'.repeat(8)}:other`]);
    expect(await account.take('never')).toBeUndefined();
    await inspect.del(...(await inspect.keys('iletimerkezi-mcp:{taken}*')));
  });

  it('keeps a kind within its byte bounds, the oldest going first, each entry scoped by its account', async () => {
    const entry = (n: number) => ({ pad: 'x'.repeat(30), n });
    const size = JSON.stringify(entry(1)).length;
    const store = connection.store('bounded', { ttlMs: 60_000, maxBytes: size * 2, maxEntryBytes: size * 2 });
    const account = store.forAccount('a'.repeat(64));
    expect(await account.set('one', entry(1))).toBe(true);
    expect(await account.set('two', entry(2))).toBe(true);
    expect(await account.set('three', entry(3))).toBe(true);
    expect([await account.get('one'), await account.get('two'), await account.get('three')]).toEqual([undefined, entry(2), entry(3)]);
    expect(await account.set('two', entry(4))).toBe(true);
    expect([await account.get('two'), await account.get('three')]).toEqual([entry(4), entry(3)]);
    expect(await account.set('big', { pad: 'x'.repeat(size * 2) })).toBe(false);
    expect(await account.get('big')).toBeUndefined();
    expect(Number(await inspect.get('iletimerkezi-mcp:{bounded}:~bytes'))).toBe(size * 2);
    const keys = (await inspect.keys('iletimerkezi-mcp:*')).sort();
    expect(keys).toEqual([
      `iletimerkezi-mcp:{bounded}:${'a'.repeat(64)}:three`,
      `iletimerkezi-mcp:{bounded}:${'a'.repeat(64)}:two`,
      `iletimerkezi-mcp:{bounded}:~account:${'a'.repeat(64)}`,
      'iletimerkezi-mcp:{bounded}:~bytes',
      'iletimerkezi-mcp:{bounded}:~held',
      'iletimerkezi-mcp:{bounded}:~index',
      'iletimerkezi-mcp:{bounded}:~owners',
      'iletimerkezi-mcp:{bounded}:~sizes',
    ]);
    // Another account's scope sees none of it.
    expect(await store.forAccount('b'.repeat(64)).get('two')).toBeUndefined();
  });

  it('forgets entries after their TTL, and counts them out of the total', async () => {
    const store = connection.store('expiring', { ttlMs: 150, maxBytes: 1_000, maxEntryBytes: 1_000 }).forAccount('c'.repeat(64));
    expect(await store.set('soon', { a: 1 })).toBe(true);
    expect(await store.get('soon')).toEqual({ a: 1 });
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await store.get('soon')).toBeUndefined();
    expect(await store.set('later', { b: 2 })).toBe(true);
    expect(Number(await inspect.get('iletimerkezi-mcp:{expiring}:~bytes'))).toBe(JSON.stringify({ b: 2 }).length);
    expect(events).toEqual([]);
  });

  it('keeps each account within its share in bytes, a write evicting only the writer\'s own entries when all together fill the kind', async () => {
    await checkByteShares(connection.store('byte-shares', BYTE_BOUNDS));
    expect(Number(await inspect.get('iletimerkezi-mcp:{byte-shares}:~bytes'))).toBe(355);
    expect(await inspect.hlen('iletimerkezi-mcp:{byte-shares}:~sizes')).toBe(7);
  });

  it('keeps each account within its share in entries too', async () => {
    await checkEntryShares(connection.store('entry-shares', ENTRY_BOUNDS));
    expect(await inspect.hlen('iletimerkezi-mcp:{entry-shares}:~sizes')).toBe(16);
    expect(await inspect.zcard(`iletimerkezi-mcp:{entry-shares}:~account:${'a'.repeat(64)}`)).toBe(4);
  });
});
