export interface StoreLimits {
  maxEntries: number;
  /** Total weight held, for example items across all entries. */
  maxWeight: number;
  ttlMs: number;
  now: () => number;
}

/**
 * A map bounded by entry count, total weight and age, for the caches that outlive a call: the oldest
 * entry goes first when a new one needs room, and an expired one is never returned.
 */
export class ExpiringStore<V> {
  private readonly entries = new Map<string, { value: V; weight: number; expires: number }>();
  private held = 0;

  constructor(
    private readonly limits: StoreLimits,
    private readonly weightOf: (value: V) => number,
  ) {}

  /** Stores the value under the key and returns true, unless it alone outweighs the bound. */
  set(key: string, value: V): boolean {
    const weight = this.weightOf(value);
    if (weight > this.limits.maxWeight) return false;
    this.delete(key);
    this.expire();
    for (const oldest of this.entries.keys()) {
      if (this.entries.size < this.limits.maxEntries && this.held + weight <= this.limits.maxWeight) break;
      this.delete(oldest);
    }
    this.entries.set(key, { value, weight, expires: this.limits.now() + this.limits.ttlMs });
    this.held += weight;
    return true;
  }

  get(key: string): V | undefined {
    this.expire();
    return this.entries.get(key)?.value;
  }

  private expire(): void {
    const now = this.limits.now();
    for (const [key, entry] of this.entries) {
      if (entry.expires <= now) this.delete(key);
    }
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.held -= entry.weight;
    this.entries.delete(key);
  }
}
