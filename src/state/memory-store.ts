import { ExpiringStore } from './expiring-store.js';
import { type SharedStore, type StoreBounds, sizeOf } from './store.js';

/**
 * The store of one process: every account's entries in one map bounded in bytes, so memory is
 * bounded across all accounts together rather than per account times their number. Values are
 * kept as given (the caches never mutate them), so a hit costs no parse.
 */
export class MemoryStore implements SharedStore {
  private readonly entries: ExpiringStore<{ value: unknown; size: number }>;

  constructor(
    private readonly bounds: StoreBounds,
    now: () => number = () => performance.now(),
    maxEntries = Number.POSITIVE_INFINITY,
  ) {
    this.entries = new ExpiringStore({ maxEntries, maxWeight: bounds.maxBytes, ttlMs: bounds.ttlMs, now }, (entry) => entry.size);
  }

  get<V>(key: string): Promise<V | undefined> {
    return Promise.resolve(this.entries.get(key)?.value as V | undefined);
  }

  set(key: string, value: unknown): Promise<boolean> {
    const size = sizeOf(value);
    return Promise.resolve(size <= this.bounds.maxEntryBytes && this.entries.set(key, { value, size }));
  }
}
