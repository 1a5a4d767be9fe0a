import { Redis } from 'ioredis';
import type { SharedStore, StoreBounds } from './store.js';

/** Every key this server writes starts with this, so it can share a Redis with other software. */
const KEY_PREFIX = 'iletimerkezi-mcp';

/** Short enough that a Redis outage adds little to a tool call before it falls back to fetching. */
const COMMAND_TIMEOUT_MS = 500;

/**
 * One connection to Redis (or Valkey) for the whole process. Commands are never queued while
 * it is down (a queued command would hold a tool call), reconnection goes on in the background,
 * and an outage is logged once, when it starts, never per command and never with the URL,
 * which may carry a password.
 */
export class RedisConnection {
  readonly client: Redis;
  private down = false;

  constructor(url: string, private readonly log: (event: string, message: string) => void) {
    this.client = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: 2_000,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
      lazyConnect: false,
    });
    // Without a listener ioredis prints its own lines to stderr, which must hold JSON only.
    this.client.on('error', () => this.failed());
    this.client.on('ready', () => {
      if (this.down) this.log('redis-recovered', 'Redis is reachable again; shared cursors and windows are back in Redis.');
      this.down = false;
    });
  }

  /**
   * Waits for the first connection, so the first requests find Redis ready rather than fall back;
   * a Redis that is not up by then is an outage like any other, and the server serves anyway.
   */
  async ready(timeoutMs = 3_000): Promise<void> {
    if (this.client.status === 'ready') return;
    const connected = await new Promise<boolean>((resolve) => {
      const onReady = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.client.off('ready', onReady);
        resolve(false);
      }, timeoutMs);
      this.client.once('ready', onReady);
    });
    if (!connected) this.failed();
  }

  /** Reports the start of an outage once; every caller then falls back to fetching. */
  failed(): void {
    if (this.down) return;
    this.down = true;
    this.log('redis-unavailable', 'Redis is unreachable; tool calls go on, fetching from the API what Redis would have served.');
  }

  store(kind: string, bounds: StoreBounds): SharedStore {
    return new RedisStore(this, kind, bounds);
  }

  async close(): Promise<void> {
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }
}

/**
 * Writes an entry and keeps its kind within its byte bound, atomically, as the memory store does:
 * the kind's index (by expiry) and sizes drop expired entries, then the oldest go until the new
 * one fits. All keys of a kind share one hash tag, so the script runs on one Redis Cluster slot.
 * KEYS: entry, index, sizes, total. ARGV: value, ttl ms, now ms, max bytes, size.
 */
const BOUNDED_SET = `
local function forget(member)
  local size = tonumber(redis.call('HGET', KEYS[3], member) or '0')
  redis.call('HDEL', KEYS[3], member)
  redis.call('ZREM', KEYS[2], member)
  redis.call('DECRBY', KEYS[4], size)
end
local ttl, now, max, size = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)) do forget(member) end
if redis.call('HEXISTS', KEYS[3], KEYS[1]) == 1 then forget(KEYS[1]) end
while tonumber(redis.call('GET', KEYS[4]) or '0') + size > max do
  local oldest = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
  if not oldest then break end
  redis.call('DEL', oldest)
  forget(oldest)
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
redis.call('ZADD', KEYS[2], now + ttl, KEYS[1])
redis.call('HSET', KEYS[3], KEYS[1], size)
redis.call('INCRBY', KEYS[4], size)
for i = 2, 4 do redis.call('PEXPIRE', KEYS[i], ttl) end
return 1
`;

type BoundedSet = (entry: string, index: string, sizes: string, total: string, value: string, ttlMs: number, now: number, maxBytes: number, size: number) => Promise<number>;

/**
 * One kind of entry (cursor snapshots, final windows) in Redis, with the TTL and the byte bounds
 * of its memory twin: an entry over the per-entry bound is never written, and the kind's entries
 * together stay within its total, the oldest evicted first. Redis's own `maxmemory` is the
 * backstop for everything else that shares the instance.
 */
class RedisStore implements SharedStore {
  private readonly prefix: string;
  private readonly boundedSet: BoundedSet;

  constructor(
    private readonly connection: RedisConnection,
    kind: string,
    private readonly bounds: StoreBounds,
  ) {
    this.prefix = `${KEY_PREFIX}:{${kind}}`;
    const client = connection.client as Redis & { boundedSet?: BoundedSet };
    if (!client.boundedSet) client.defineCommand('boundedSet', { numberOfKeys: 4, lua: BOUNDED_SET });
    this.boundedSet = (...args) => (client as Redis & { boundedSet: BoundedSet }).boundedSet(...args);
  }

  async get<V>(key: string): Promise<V | undefined> {
    try {
      const text = await this.connection.client.get(`${this.prefix}:${key}`);
      return text === null ? undefined : (JSON.parse(text) as V);
    } catch {
      this.connection.failed();
      return undefined;
    }
  }

  async set(key: string, value: unknown): Promise<boolean> {
    const text = JSON.stringify(value);
    if (text.length > this.bounds.maxEntryBytes) return false;
    const { prefix, bounds } = this;
    try {
      const done = await this.boundedSet(`${prefix}:${key}`, `${prefix}:~index`, `${prefix}:~sizes`, `${prefix}:~bytes`, text, bounds.ttlMs, Date.now(), bounds.maxBytes, text.length);
      return done === 1;
    } catch {
      this.connection.failed();
      return false;
    }
  }
}
