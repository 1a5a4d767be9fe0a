import type { Order } from '../api/client.js';
import type { Day } from './calendar.js';
import type { DayRange } from './date-range.js';
import { type FinalWindowCache, mayBeFinal } from './window-cache.js';

export interface FinalWindows {
  cache: FinalWindowCache;
  today: Day;
}

/** Gathers one window's orders as served, page by page, for the final-window cache. */
export class WindowKeeper {
  orders: Order[] = [];
  overflowed = false;

  constructor(private readonly share: FinalWindowShare) {}

  /** How many more orders this window could keep now; a page that brings more makes it give up. */
  room(): number {
    return this.overflowed ? 0 : this.share.room(this.orders.length);
  }

  /** A committed page's orders; undefined when the page brought more than its room. */
  addPage(orders: readonly Order[] | undefined): void {
    if (this.overflowed) return;
    if (orders === undefined || !this.share.take(this.orders.length, orders.length)) {
      this.overflowed = true;
      this.share.giveBack(this.orders.length);
      this.orders = [];
      return;
    }
    this.orders.push(...orders);
  }
}

/**
 * A scan's dealings with the final-window cache, and their accounting in one place. Windows run
 * side by side, so their keepers draw on one budget, the cache's size; a keeper past its own cap
 * or the budget gives up and hands its share back, and so does a window the cache refuses.
 */
export class FinalWindowShare {
  private remaining: number;

  constructor(private readonly finals: FinalWindows) {
    this.remaining = finals.cache.limits.maxOrders;
  }

  cached(window: DayRange): Promise<readonly Order[] | undefined> {
    return this.finals.cache.get(window);
  }

  /** A keeper for a window old enough to be final; none for a recent one. */
  keeperFor(window: DayRange): WindowKeeper | undefined {
    return mayBeFinal(window, this.finals.today) ? new WindowKeeper(this) : undefined;
  }

  /** Offers a window read to its end; what the cache does not keep goes back to the budget. */
  async settle(window: DayRange, keeper: WindowKeeper | undefined): Promise<void> {
    if (!keeper || keeper.overflowed) return;
    // Awaited, so a window is in a shared store before the answer that read it goes out.
    if (!(await this.finals.cache.offer(window, keeper.orders, this.finals.today))) this.giveBack(keeper.orders.length);
  }

  room(held: number): number {
    return Math.min(this.finals.cache.limits.maxOrdersPerWindow - held, this.remaining);
  }

  take(held: number, more: number): boolean {
    if (held + more > this.finals.cache.limits.maxOrdersPerWindow || more > this.remaining) return false;
    this.remaining -= more;
    return true;
  }

  giveBack(count: number): void {
    this.remaining += count;
  }
}
