import type { Order, OrderSink } from '../api/client.js';
import { dayOfTimestamp } from './calendar.js';
import type { DayRange } from './date-range.js';
import { IdList, IdSet } from './id-set.js';

/** How the ledger took an order. */
type Admission =
  /** New to the call and submitted in the range: it counts. */
  | 'counted'
  /** New to the call, but submitted outside the range: it never counts. */
  | 'out-of-range'
  /** Already taken from another window. */
  | 'seen-elsewhere'
  /** Already taken from this window, on an earlier page or earlier in this one. */
  | 'repeat';

/**
 * Which orders of one tool call count: each order once, whatever window or page brings it, and
 * only the orders submitted on a day of the range asked for, since get-reports filters by
 * submission day and an API or proxy may send more than it was asked for.
 */
export class OrderLedger {
  /** Every order id taken so far, with the window that brought it first. */
  private readonly seen = new IdSet();

  constructor(private readonly range: DayRange) {}

  admit(order: Order, window: number): Admission {
    if (!this.seen.add(order.id, window)) return this.seen.ownerOf(order.id) === window ? 'repeat' : 'seen-elsewhere';
    const day = dayOfTimestamp(order.submitAt);
    return day >= this.range.start && day <= this.range.end ? 'counted' : 'out-of-range';
  }

  forget(id: number): void {
    this.seen.delete(id);
  }
}

/**
 * One attempt at one page: the orders that count go to the downstream sink at once, and count
 * only when the client commits this page. An attempt that fails is rolled back when its retry
 * opens the next one, so a page read again is never counted twice.
 */
export class PageSink implements OrderSink {
  received = 0;
  counted = 0;
  duplicates = 0;
  outOfRange = 0;
  /** Orders no earlier page of this window brought: a page without any is the API repeating itself. */
  newToWindow = 0;
  /** When the page's first and last orders were submitted, for the window's pace. */
  firstAt: string | undefined;
  lastAt: string | undefined;
  /** The page's orders as served, for the final-window cache, while they fit its room; undefined past it. */
  kept: Order[] | undefined;
  /** The ids this attempt took into the ledger, to give back if it fails. */
  private readonly taken = new IdList();

  constructor(
    private readonly ledger: OrderLedger,
    private readonly window: number,
    private readonly downstream: OrderSink,
    private readonly room: number,
  ) {
    this.kept = room > 0 ? [] : undefined;
  }

  add(order: Order): void {
    this.received += 1;
    this.firstAt ??= order.submitAt;
    this.lastAt = order.submitAt;
    this.keep(order);
    const admission = this.ledger.admit(order, this.window);
    if (admission === 'repeat') {
      this.duplicates += 1;
      return;
    }
    this.newToWindow += 1;
    if (admission === 'seen-elsewhere') {
      this.duplicates += 1;
      return;
    }
    this.taken.push(order.id);
    if (admission === 'out-of-range') {
      this.outOfRange += 1;
      return;
    }
    this.counted += 1;
    this.downstream.add(order);
  }

  commit(): void {
    this.downstream.commit();
  }

  rollback(): void {
    for (const id of this.taken) this.ledger.forget(id);
  }

  private keep(order: Order): void {
    if (this.kept === undefined) return;
    if (this.kept.length < this.room) this.kept.push(order);
    else this.kept = undefined;
  }
}
