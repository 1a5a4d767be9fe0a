/**
 * What the caches that outlive a call keep their entries in: memory for one process, Redis for
 * many replicas. Async, because Redis is a network hop. A store never throws: a failure reads
 * as a miss and a refused write, so a cache problem costs a refetch, never a tool call.
 */
export interface SharedStore {
  get<V>(key: string): Promise<V | undefined>;
  /** Keeps the value for the store's TTL and says whether it did. */
  set(key: string, value: unknown): Promise<boolean>;
}

/**
 * A store every account of the server shares, each through its own view: its keys apart from
 * every other account's, and its entries within its own share (`accountShare`).
 */
export interface AccountStore {
  forAccount(scope: string): SharedStore;
}

/** A store that can also hand an entry to one caller only: single-use codes, rotated tokens. */
export interface TakingStore extends SharedStore {
  /** Reads and removes an entry at once: of two callers that take the same key, one gets it. A failure reads as a miss. */
  take<V>(key: string): Promise<V | undefined>;
  /**
   * Counts one event under `key`, atomically, so events on many replicas are each counted once:
   * the count since the key's first event, in a window of the store's TTL that starts there.
   * Undefined when it could not be counted.
   */
  increment(key: string): Promise<number | undefined>;
}

export interface TakingAccountStore extends AccountStore {
  forAccount(scope: string): TakingStore;
}

export interface StoreBounds {
  ttlMs: number;
  /** All entries together, as their JSON length. */
  maxBytes: number;
  /** One entry, as its JSON length; a larger one is never kept. */
  maxEntryBytes: number;
  /** All entries together, counted; unbounded when absent. */
  maxEntries?: number;
  /**
   * How many accounts can each hold a full share (`accountShare`); 4 unless said. A store with one
   * owner says 1: its one holder may fill it, and its oldest entries go first, across the whole store.
   */
  shares?: number;
}

/** An entry's size as the bounds count it: its JSON length, the same in memory as in Redis. */
export function sizeOf(value: unknown): number {
  return JSON.stringify(value).length;
}

/** What one account may hold of a store it shares with every other account. */
export interface Share {
  bytes: number;
  entries: number;
}

/**
 * How many accounts can each hold a full share at once. Four, so that one busy tenant alone never
 * takes more than a quarter of the store, and a few others find room beside it.
 */
const SHARES_PER_STORE = 4;

/**
 * Each account's share: a quarter of the store in bytes and in entries, but never less than the
 * largest entry the store keeps (else that entry could never be kept) nor less than one entry.
 * A write may evict the writer's own entries only, oldest first, never another account's: past
 * its share, and when the accounts together fill the store. A write that still does not fit is
 * refused (a later read misses, and what it would have held is fetched again), so it costs the
 * writer alone, and no account's calls can evict another's entries. Expired entries go first.
 */
export function accountShare(bounds: StoreBounds): Share {
  const entries = bounds.maxEntries ?? Number.POSITIVE_INFINITY;
  const shares = bounds.shares ?? SHARES_PER_STORE;
  return {
    bytes: Math.min(bounds.maxBytes, Math.max(Math.floor(bounds.maxBytes / shares), bounds.maxEntryBytes)),
    entries: Math.max(Math.floor(entries / shares), 1),
  };
}

/**
 * A store that writes to `fallback` what `primary` refuses (Redis in an outage, say), and reads
 * there what `primary` misses, so cursors issued while Redis is down still continue on this process.
 */
export function withFallback(primary: AccountStore, fallback: AccountStore): AccountStore {
  return {
    forAccount(scope) {
      const first = primary.forAccount(scope);
      const second = fallback.forAccount(scope);
      return {
        get: async <V>(key: string) => (await first.get<V>(key)) ?? second.get<V>(key),
        set: async (key, value) => (await first.set(key, value)) || second.set(key, value),
      };
    },
  };
}
