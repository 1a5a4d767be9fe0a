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
 * One kind of entry (cursor snapshots, final windows) in Redis, with the TTL and the per-entry
 * bound of its memory twin. The total is bounded by Redis's own `maxmemory`, with an eviction
 * policy, as the README's Redis setup says: every key here expires, so none outlives its TTL.
 */
class RedisStore implements SharedStore {
  constructor(
    private readonly connection: RedisConnection,
    private readonly kind: string,
    private readonly bounds: StoreBounds,
  ) {}

  async get<V>(key: string): Promise<V | undefined> {
    try {
      const text = await this.connection.client.get(this.keyOf(key));
      return text === null ? undefined : (JSON.parse(text) as V);
    } catch {
      this.connection.failed();
      return undefined;
    }
  }

  async set(key: string, value: unknown): Promise<boolean> {
    const text = JSON.stringify(value);
    if (text.length > this.bounds.maxEntryBytes) return false;
    try {
      return (await this.connection.client.set(this.keyOf(key), text, 'PX', this.bounds.ttlMs)) === 'OK';
    } catch {
      this.connection.failed();
      return false;
    }
  }

  private keyOf(key: string): string {
    return `${KEY_PREFIX}:${this.kind}:${key}`;
  }
}

