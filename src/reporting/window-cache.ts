import { type Order, windowKey } from '../api/client.js';
import { isInProgress } from '../api/order-status.js';
import { type Day, shiftDays } from './calendar.js';
import type { DayRange } from './date-range.js';
import { ExpiringStore } from './expiring-store.js';

export interface WindowCacheLimits {
  /** Orders held across all windows. */
  maxOrders: number;
  /** A window with more orders than this is never collected, so large scans keep flat memory. */
  maxOrdersPerWindow: number;
  ttlMs: number;
  now: () => number;
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
};

/** A window's figures can still change until its last day is more than 2 days ago. */
export function mayBeFinal(window: DayRange, today: Day): boolean {
  return window.end < shiftDays(today, -2);
}

/** Final: old enough, and not one of its orders is still waiting or in progress. */
export function isFinal(window: DayRange, orders: readonly Order[], today: Day): boolean {
  return mayBeFinal(window, today) && orders.every((order) => order.waiting === 0 && !isInProgress(order.status));
}

/**
 * The orders of final windows, as the API served them, kept for the life of the server so a
 * follow-up question costs no repeat requests. Bounded by orders held and by age; the oldest
 * entry goes first.
 */
export class FinalWindowCache {
  private readonly store: ExpiringStore<readonly Order[]>;

  constructor(readonly limits: WindowCacheLimits = DEFAULT_WINDOW_CACHE_LIMITS) {
    this.store = new ExpiringStore(
      { maxEntries: Number.POSITIVE_INFINITY, maxWeight: limits.maxOrders, ttlMs: limits.ttlMs, now: limits.now },
      (orders) => orders.length,
    );
  }

  get(window: DayRange): readonly Order[] | undefined {
    return this.store.get(windowKey(window));
  }

  /** Keeps the window's orders if the window is final and fits, and says whether it did. */
  offer(window: DayRange, orders: readonly Order[], today: Day): boolean {
    if (orders.length > this.limits.maxOrdersPerWindow || !isFinal(window, orders, today)) return false;
    return this.store.set(windowKey(window), orders);
  }
}
