import { type Share, type SharedStore, type StoreBounds, type TakingAccountStore, type TakingStore, accountShare, sizeOf } from './store.js';

interface Entry {
  value: unknown;
  size: number;
  expires: number;
}

/** One account's entries, oldest first (one TTL for all, so also soonest to expire first). */
class Holding {
  readonly entries = new Map<string, Entry>();
  bytes = 0;
}

/**
 * The store of one process, bounded by entry count, total bytes and age: the caches that outlive
 * a call keep their entries here, each account within its share (`accountShare`), all accounts
 * together within the bounds. Values are kept as given (the caches never mutate them), so a hit
 * costs no parse. Used without an account (`get`, `set`), it is one private store with no share.
 */
export class MemoryStore implements SharedStore, TakingAccountStore {
  private readonly holdings = new Map<string, Holding>();
  private readonly maxEntries: number;
  private readonly share: Share;
  private bytes = 0;
  private count = 0;

  constructor(
    private readonly bounds: StoreBounds,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.maxEntries = bounds.maxEntries ?? Number.POSITIVE_INFINITY;
    this.share = accountShare(bounds);
  }

  get<V>(key: string): Promise<V | undefined> {
    return Promise.resolve(this.read<V>('', key));
  }

  set(key: string, value: unknown): Promise<boolean> {
    return Promise.resolve(this.write('', key, value, { bytes: this.bounds.maxBytes, entries: this.maxEntries }));
  }

  take<V>(key: string): Promise<V | undefined> {
    return Promise.resolve(this.remove<V>('', key));
  }

  increment(key: string): Promise<number | undefined> {
    return Promise.resolve(this.incremented('', key, { bytes: this.bounds.maxBytes, entries: this.maxEntries }));
  }

  forAccount(scope: string): TakingStore {
    return {
      get: <V>(key: string) => Promise.resolve(this.read<V>(scope, key)),
      set: (key, value) => Promise.resolve(this.write(scope, key, value, this.share)),
      take: <V>(key: string) => Promise.resolve(this.remove<V>(scope, key)),
      increment: (key) => Promise.resolve(this.incremented(scope, key, this.share)),
    };
  }

  /** The entry's count plus one, its expiry unchanged (the window starts with the first event). */
  private incremented(scope: string, key: string, share: Share): number | undefined {
    const counted = this.read<unknown>(scope, key);
    const holding = this.holdings.get(scope);
    const entry = holding?.entries.get(key);
    if (typeof counted !== 'number' || !holding || !entry) return this.write(scope, key, 1, share) ? 1 : undefined;
    const size = sizeOf(counted + 1);
    holding.bytes += size - entry.size;
    this.bytes += size - entry.size;
    entry.value = counted + 1;
    entry.size = size;
    return counted + 1;
  }

  private remove<V>(scope: string, key: string): V | undefined {
    const value = this.read<V>(scope, key);
    const holding = this.holdings.get(scope);
    if (holding) this.forget(scope, holding, key);
    return value;
  }

  private read<V>(scope: string, key: string): V | undefined {
    const holding = this.holdings.get(scope);
    const entry = holding?.entries.get(key);
    if (!holding || !entry) return undefined;
    if (entry.expires > this.now()) return entry.value as V;
    this.forget(scope, holding, key);
    return undefined;
  }

  private write(scope: string, key: string, value: unknown, share: Share): boolean {
    const size = sizeOf(value);
    if (size > this.bounds.maxEntryBytes || size > share.bytes) return false;
    this.expire();
    const holding = this.holdings.get(scope) ?? new Holding();
    // Forgotten even when the write is refused: a later read misses rather than find the old value.
    this.forget(scope, holding, key);
    // Only the writer's own entries may make room, so a write that would not fit without them all gone is refused.
    if (this.bytes - holding.bytes + size > this.bounds.maxBytes || this.count - holding.entries.size + 1 > this.maxEntries) return false;
    while (
      holding.bytes + size > share.bytes ||
      holding.entries.size + 1 > share.entries ||
      this.bytes + size > this.bounds.maxBytes ||
      this.count + 1 > this.maxEntries
    ) {
      if (!this.evictOldest(scope, holding)) return false;
    }
    this.holdings.set(scope, holding);
    holding.entries.set(key, { value, size, expires: this.now() + this.bounds.ttlMs });
    holding.bytes += size;
    this.bytes += size;
    this.count += 1;
    return true;
  }

  /** Says whether there was an entry to evict. */
  private evictOldest(scope: string, holding: Holding): boolean {
    const oldest = holding.entries.keys().next();
    if (oldest.done) return false;
    this.forget(scope, holding, oldest.value);
    return true;
  }

  private expire(): void {
    const now = this.now();
    for (const [scope, holding] of this.holdings) {
      for (const [key, entry] of holding.entries) {
        if (entry.expires > now) break;
        this.forget(scope, holding, key);
      }
    }
  }

  private forget(scope: string, holding: Holding, key: string): void {
    const entry = holding.entries.get(key);
    if (entry) {
      holding.entries.delete(key);
      holding.bytes -= entry.size;
      this.bytes -= entry.size;
      this.count -= 1;
    }
    if (holding.entries.size === 0) this.holdings.delete(scope);
  }
}
