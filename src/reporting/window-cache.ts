import { type Order, windowKey } from '../api/client.js';
import { isInProgress } from '../api/order-status.js';
import { type Day, shiftDays } from './calendar.js';
import type { DayRange } from './date-range.js';
import { MemoryStore } from '../state/memory-store.js';
import type { SharedStore, StoreBounds } from '../state/store.js';

export interface WindowCacheLimits {
  /** Orders one scan may gather for the cache, across its windows. */
  maxOrders: number;
  /** A window with more orders than this is never collected, so large scans keep flat memory. */
  maxOrdersPerWindow: number;
  ttlMs: number;
  now: () => number;
  /** Bytes (as JSON length) held across all windows of the private memory store. */
  maxBytes: number;
  /**
   * Where windows live: the server gives each account its scope of one store that every
   * account shares (memory or Redis). Without it, the cache keeps a private memory store.
   */
  store?: SharedStore;
}

/**
 * Sized for ordinary accounts (a few hundred orders a month): years of windows, a few MB. A
 * window of up to 1,000 orders (3,000 a month) is kept; a larger one is never collected, and a
 * scan holds at most that many of a window's orders before it knows, so large scans stay light.
 */
export const DEFAULT_WINDOW_CACHE_LIMITS: WindowCacheLimits = {
  maxOrders: 20_000,
  maxOrdersPerWindow: 1_000,
  ttlMs: 30 * 60_000,
  now: () => performance.now(),
  maxBytes: 16 * 1024 * 1024,
};

/** The bounds of a window store, the same in memory and in Redis. */
export function windowBounds(limits: WindowCacheLimits = DEFAULT_WINDOW_CACHE_LIMITS): StoreBounds {
  return { ttlMs: limits.ttlMs, maxBytes: limits.maxBytes, maxEntryBytes: limits.maxBytes };
}

/** The memory store the window limits describe; the server shares one among all accounts. */
export function windowMemoryStore(limits: WindowCacheLimits = DEFAULT_WINDOW_CACHE_LIMITS): SharedStore {
  return new MemoryStore(windowBounds(limits), limits.now);
}

/** A window's figures can still change until its last day is more than 2 days ago. */
export function mayBeFinal(window: DayRange, today: Day): boolean {
  return window.end < shiftDays(today, -2);
}

/** Final: old enough, and not one of its orders is still waiting or in progress. */
export function isFinal(window: DayRange, orders: readonly Order[], today: Day): boolean {
  return mayBeFinal(window, today) && orders.every((order) => order.waiting === 0 && !isInProgress(order.status));
}

/**
 * The orders of final windows, as the API served them, kept so a follow-up question costs no
 * repeat requests. Bounded in bytes and by age; the oldest entry goes first.
 */
export class FinalWindowCache {
  private readonly store: SharedStore;

  constructor(readonly limits: WindowCacheLimits = DEFAULT_WINDOW_CACHE_LIMITS) {
    this.store = limits.store ?? windowMemoryStore(limits);
  }

  get(window: DayRange): Promise<readonly Order[] | undefined> {
    return this.store.get(`window:${windowKey(window)}`);
  }

  /** Keeps the window's orders if the window is final and fits, and says whether it did. */
  async offer(window: DayRange, orders: readonly Order[], today: Day): Promise<boolean> {
    if (orders.length > this.limits.maxOrdersPerWindow || !isFinal(window, orders, today)) return false;
    return this.store.set(`window:${windowKey(window)}`, orders);
  }
}
