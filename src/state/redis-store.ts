import { Redis } from 'ioredis';
import { type Share, type StoreBounds, type TakingAccountStore, type TakingStore, accountShare } from './store.js';

/** Every key this server writes starts with this, so it can share a Redis with other software. */
const KEY_PREFIX = 'iletimerkezi-mcp';

/** Short enough that a Redis outage adds little to a tool call before it falls back to fetching. */
const COMMAND_TIMEOUT_MS = 500;

/** While Redis is down, how often a PING asks whether it answers again, so a recovery is logged without waiting for a tool call. */
const PROBE_MS = 1_000;

/**
 * One connection to Redis (or Valkey) for the whole process. Commands are never queued while
 * it is down (a queued command would hold a tool call), reconnection goes on in the background,
 * and every outage is logged twice, when it starts and when it ends, never per command and
 * never with the URL, which may carry a password. An outage starts with a lost connection or a
 * command that got no answer in time (a hung Redis keeps its connection), and ends with the
 * next answer, to a tool's command or to the probe.
 */
export class RedisConnection {
  readonly client: Redis;
  private down = false;
  private probe: NodeJS.Timeout | undefined;
  private closed = false;

  /** `connectLater`: connect on the first `ready()` rather than now, so a server that cannot listen never opens Redis. */
  constructor(url: string, private readonly log: (event: string, message: string) => void, { connectLater = false } = {}) {
    this.client = new Redis(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: 2_000,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
      lazyConnect: connectLater,
    });
    // Without a listener ioredis prints its own lines to stderr, which must hold JSON only.
    this.client.on('error', () => this.failed());
    this.client.on('ready', () => this.answered());
  }

  /**
   * Waits for the first connection, so the first requests find Redis ready rather than fall back;
   * a Redis that is not up by then is an outage like any other, and the server serves anyway.
   */
  async ready(timeoutMs = 3_000): Promise<void> {
    if (this.client.status === 'ready') return;
    // A failed first attempt is retried in the background like any other; `failed` logs it below.
    if (this.client.status === 'wait') this.client.connect().catch(() => {});
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

  /** Redis did not answer: logs the start of an outage, once; every caller then falls back to fetching. */
  failed(): void {
    if (this.down || this.closed) return;
    this.down = true;
    this.log('redis-unavailable', 'Redis is unreachable; tool calls go on, fetching from the API what Redis would have served.');
    this.probe = setInterval(() => {
      this.client.ping().then(() => this.answered(), () => {});
    }, PROBE_MS);
    this.probe.unref();
  }

  /** Redis answered: logs the end of an outage, if one was on. */
  answered(): void {
    if (!this.down) return;
    this.down = false;
    clearInterval(this.probe);
    this.log('redis-recovered', 'Redis is reachable again; shared cursors and windows are back in Redis.');
  }

  store(kind: string, bounds: StoreBounds): TakingAccountStore {
    return new RedisStore(this, kind, bounds);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.probe);
    // QUIT waits for an answer a Redis that is not connected never sends.
    if (this.client.status !== 'ready') {
      this.client.disconnect();
      return;
    }
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }
}

/**
 * The bookkeeping both scripts share: forgetting one entry from the kind's index, sizes and
 * owners, and its account's index and bytes. It reads `accounts`.
 */
const BOOKKEEPING = `
local function forget(member)
  local size = tonumber(redis.call('HGET', KEYS[3], member) or '0')
  local owner = redis.call('HGET', KEYS[5], member)
  redis.call('HDEL', KEYS[3], member)
  redis.call('HDEL', KEYS[5], member)
  redis.call('ZREM', KEYS[2], member)
  redis.call('DECRBY', KEYS[4], size)
  if owner then
    redis.call('ZREM', accounts .. owner, member)
    if redis.call('ZCARD', accounts .. owner) == 0 then
      redis.call('HDEL', KEYS[6], owner)
    else
      redis.call('HINCRBY', KEYS[6], owner, -size)
    end
  end
end`;

/**
 * Writes an entry and keeps its kind within its bounds, atomically, as the memory store does. The
 * kind's index (by expiry) drops expired entries; then the writing account's own oldest entries
 * go while it is over its share or the kind over its totals, and no other account's ever do: a
 * write that would not fit with all of the writer's entries gone writes nothing and returns 0.
 * An entry written over is forgotten first, so a refused write reads as a miss. All keys of a
 * kind share one hash tag, so the script runs on one Redis Cluster slot, each account's index
 * included.
 * KEYS: entry, index, sizes, total, owners, held.
 * ARGV: value, ttl ms, now ms, max bytes, max entries, size, share bytes, share entries, scope,
 * the prefix of account indexes.
 */
const BOUNDED_SET = `
local ttl, now, maxBytes, maxEntries, size = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local shareBytes, shareEntries, scope, accounts = tonumber(ARGV[7]), tonumber(ARGV[8]), ARGV[9], ARGV[10]
${BOOKKEEPING}
local function held()
  return tonumber(redis.call('HGET', KEYS[6], scope) or '0'), redis.call('ZCARD', accounts .. scope)
end
local function kind()
  return tonumber(redis.call('GET', KEYS[4]) or '0'), redis.call('HLEN', KEYS[3])
end
for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)) do forget(member) end
if redis.call('HEXISTS', KEYS[3], KEYS[1]) == 1 then
  redis.call('DEL', KEYS[1])
  forget(KEYS[1])
end
local heldBytes, heldEntries = held()
local kindBytes, kindEntries = kind()
if kindBytes - heldBytes + size > maxBytes or kindEntries - heldEntries + 1 > maxEntries then return 0 end
while heldBytes + size > shareBytes or heldEntries + 1 > shareEntries or kindBytes + size > maxBytes or kindEntries + 1 > maxEntries do
  local oldest = redis.call('ZRANGE', accounts .. scope, 0, 0)[1]
  if not oldest then return 0 end
  redis.call('DEL', oldest)
  forget(oldest)
  heldBytes, heldEntries = held()
  kindBytes, kindEntries = kind()
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
redis.call('ZADD', KEYS[2], now + ttl, KEYS[1])
redis.call('HSET', KEYS[3], KEYS[1], size)
redis.call('HSET', KEYS[5], KEYS[1], scope)
redis.call('INCRBY', KEYS[4], size)
-- Newest of its account even within one millisecond, or from a replica whose clock is behind: the account's oldest go first, as in memory.
local newest = redis.call('ZREVRANGE', accounts .. scope, 0, 0, 'WITHSCORES')[2]
local order = now + ttl
if newest and tonumber(newest) >= order then order = tonumber(newest) + 0.001 end
redis.call('ZADD', accounts .. scope, order, KEYS[1])
redis.call('HINCRBY', KEYS[6], scope, size)
for i = 2, 6 do redis.call('PEXPIRE', KEYS[i], ttl) end
redis.call('PEXPIRE', accounts .. scope, ttl)
return 1
`;

/**
 * Reads and deletes an entry at once, forgetting it in the kind's bookkeeping.
 * KEYS: entry, index, sizes, total, owners, held. ARGV: the prefix of account indexes.
 */
const TAKE = `
local accounts = ARGV[1]
${BOOKKEEPING}
local value = redis.call('GET', KEYS[1])
if value then
  redis.call('DEL', KEYS[1])
  forget(KEYS[1])
end
return value
`;

/**
 * Counts one event: INCR on a live counter, which keeps its expiry, so the window starts with the
 * first event; else a new counter of 1, written as BOUNDED_SET writes (same KEYS and ARGV). One
 * script, so concurrent counts on many replicas are each counted once.
 */
const INCREMENT = `
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('INCR', KEYS[1]) end
${BOUNDED_SET}`;

type BoundedSet = (...keysThenArgs: Array<string | number>) => Promise<number>;
type Take = (...keysThenArgs: Array<string | number>) => Promise<string | null>;

function parsed<V>(text: string): V | undefined {
  try {
    return JSON.parse(text) as V;
  } catch {
    // Not one this server wrote: a miss, as the store promises, and no outage.
    return undefined;
  }
}

/** Redis takes whole numbers as bounds; an unbounded count is one no store reaches. */
const finite = (bound: number) => (Number.isFinite(bound) ? bound : Number.MAX_SAFE_INTEGER);

/**
 * One kind of entry (cursor snapshots, final windows) in Redis, with the TTL and the bounds of
 * its memory twin: an entry over the per-entry bound is never written, each account keeps within
 * its share (`accountShare`), and the kind's entries together stay within its totals. Redis's
 * own `maxmemory` is the backstop for everything else that shares the instance.
 */
class RedisStore implements TakingAccountStore {
  private readonly prefix: string;
  private readonly boundedSet: BoundedSet;
  private readonly takeEntry: Take;
  private readonly incrementEntry: BoundedSet;
  private readonly share: Share;

  constructor(
    private readonly connection: RedisConnection,
    kind: string,
    private readonly bounds: StoreBounds,
  ) {
    this.prefix = `${KEY_PREFIX}:{${kind}}`;
    this.share = accountShare(bounds);
    const client = connection.client as Redis & { boundedSet?: BoundedSet; takeEntry?: Take; incrementEntry?: BoundedSet };
    if (!client.boundedSet) client.defineCommand('boundedSet', { numberOfKeys: 6, lua: BOUNDED_SET });
    if (!client.takeEntry) client.defineCommand('takeEntry', { numberOfKeys: 6, lua: TAKE });
    if (!client.incrementEntry) client.defineCommand('incrementEntry', { numberOfKeys: 6, lua: INCREMENT });
    this.boundedSet = (...args) => (client as Redis & { boundedSet: BoundedSet }).boundedSet(...args);
    this.incrementEntry = (...args) => (client as Redis & { incrementEntry: BoundedSet }).incrementEntry(...args);
    this.takeEntry = (...args) => (client as Redis & { takeEntry: Take }).takeEntry(...args);
  }

  forAccount(scope: string): TakingStore {
    return {
      get: (key) => this.get(scope, key),
      set: (key, value) => this.set(scope, key, value),
      take: (key) => this.take(scope, key),
      increment: (key) => this.increment(scope, key),
    };
  }

  private kindKeys(): string[] {
    return ['index', 'sizes', 'bytes', 'owners', 'held'].map((name) => `${this.prefix}:~${name}`);
  }

  private async take<V>(scope: string, key: string): Promise<V | undefined> {
    let text: string | null;
    try {
      text = await this.takeEntry(`${this.prefix}:${scope}:${key}`, ...this.kindKeys(), `${this.prefix}:~account:`);
    } catch {
      this.connection.failed();
      return undefined;
    }
    this.connection.answered();
    return text === null ? undefined : parsed<V>(text);
  }

  private async get<V>(scope: string, key: string): Promise<V | undefined> {
    let text: string | null;
    try {
      text = await this.connection.client.get(`${this.prefix}:${scope}:${key}`);
    } catch {
      this.connection.failed();
      return undefined;
    }
    this.connection.answered();
    return text === null ? undefined : parsed<V>(text);
  }

  private async set(scope: string, key: string, value: unknown): Promise<boolean> {
    return (await this.write(this.boundedSet, scope, key, value)) === 1;
  }

  private async increment(scope: string, key: string): Promise<number | undefined> {
    const count = await this.write(this.incrementEntry, scope, key, 1);
    return count === 0 ? undefined : count;
  }

  /** Runs a writing script (BOUNDED_SET or INCREMENT) with the kind's keys and bounds: 0 when nothing was written. */
  private async write(script: BoundedSet, scope: string, key: string, value: unknown): Promise<number> {
    const text = JSON.stringify(value);
    const { prefix, bounds, share } = this;
    if (text.length > bounds.maxEntryBytes || text.length > share.bytes) return 0;
    const kindKeys = this.kindKeys();
    try {
      const done = await script(
        `${prefix}:${scope}:${key}`,
        ...kindKeys,
        text,
        bounds.ttlMs,
        Date.now(),
        bounds.maxBytes,
        finite(bounds.maxEntries ?? Number.POSITIVE_INFINITY),
        text.length,
        share.bytes,
        finite(share.entries),
        scope,
        `${prefix}:~account:`,
      );
      this.connection.answered();
      return done;
    } catch {
      this.connection.failed();
      return 0;
    }
  }
}
