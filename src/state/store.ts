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

export interface StoreBounds {
  ttlMs: number;
  /** All entries together, as their JSON length. */
  maxBytes: number;
  /** One entry, as its JSON length; a larger one is never kept. */
  maxEntryBytes: number;
}

/** An entry's size as the bounds count it: its JSON length, the same in memory as in Redis. */
export function sizeOf(value: unknown): number {
  return JSON.stringify(value).length;
}

/** One account's view of a shared store: every key carries the account's scope, so no two accounts share an entry. */
export function scoped(store: SharedStore, scope: string): SharedStore {
  return {
    get: (key) => store.get(`${scope}:${key}`),
    set: (key, value) => store.set(`${scope}:${key}`, value),
  };
}

/**
 * A store that writes to `fallback` what `primary` refuses (Redis in an outage, say), and reads
 * there what `primary` misses, so cursors issued while Redis is down still continue on this process.
 */
export function withFallback(primary: SharedStore, fallback: SharedStore): SharedStore {
  return {
    get: async <V>(key: string) => (await primary.get<V>(key)) ?? fallback.get<V>(key),
    set: async (key, value) => (await primary.set(key, value)) || fallback.set(key, value),
  };
}
