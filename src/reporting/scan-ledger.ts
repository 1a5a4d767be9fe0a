import type { Order, OrderSink } from '../api/client.js';
import { dayOfTimestamp } from './calendar.js';
import type { DayRange } from './date-range.js';
import { IdList, IdSet } from './id-set.js';

/**
 * How the ledger took an order, and where it keeps the id (a window's own set, or the strays),
 * so a failed attempt can give it back. Plain strings: the hot path allocates nothing.
 */
type Admission =
  /** From the bringing window's own days, new to the call: it counts. */
  | 'counted'
  /** From another window's days, new to the call: it counts, kept as a stray. */
  | 'counted-stray'
  /** From the bringing window's own days, already counted as a stray: kept, not counted again. */
  | 'seen-elsewhere-own'
  /** Already counted from another window. */
  | 'seen-elsewhere'
  /** From outside the range: it never counts, kept as a stray so it is reported once. */
  | 'out-of-range'
  /** Already taken from this window, on an earlier page or earlier in this one. */
  | 'repeat';

/**
 * Which orders of one tool call count: each order once, whatever window or page brings it, and
 * only the orders submitted on a day of the range asked for, since get-reports filters by
 * submission day and an API or proxy may send more than it was asked for.
 *
 * An order's own window is the one whose days hold its submission day. Orders a window brings
 * from its own days, nearly all of them, go in that window's id set. The rare stray, an order
 * from another window's days or from outside the range, goes in one small map, keyed by id,
 * with the window that brought it first; a stray of the range counts unless its own window has
 * it already, and its own window later finds it there.
 */
export class OrderLedger {
  private readonly own: IdSet[];
  private readonly strays = new Map<number, number>();

  constructor(
    private readonly range: DayRange,
    private readonly windows: readonly DayRange[],
  ) {
    this.own = windows.map(() => new IdSet());
  }

  admit(order: Order, window: number): Admission {
    const home = this.homeOf(dayOfTimestamp(order.submitAt), window);
    const { id } = order;
    if (home === window) {
      if (!(this.own[window] as IdSet).add(id)) return 'repeat';
      return this.strays.has(id) ? 'seen-elsewhere-own' : 'counted';
    }
    const first = this.strays.get(id);
    if (first !== undefined) return first === window ? 'repeat' : 'seen-elsewhere';
    if (home >= 0 && (this.own[home] as IdSet).has(id)) return 'seen-elsewhere';
    this.strays.set(id, window);
    return home < 0 ? 'out-of-range' : 'counted-stray';
  }

  giveBackOwn(window: number, id: number): void {
    (this.own[window] as IdSet).delete(id);
  }

  giveBackStray(id: number): void {
    this.strays.delete(id);
  }

  /** The window whose days hold `day`, checked first against the window that brought it; -1 outside the range. */
  private homeOf(day: string, window: number): number {
    const bringer = this.windows[window] as DayRange;
    if (day >= bringer.start && day <= bringer.end) return window;
    if (day < this.range.start || day > this.range.end) return -1;
    let low = 0;
    let high = this.windows.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if ((this.windows[middle] as DayRange).start <= day) low = middle;
      else high = middle - 1;
    }
    return low;
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
  /** What this attempt took into the ledger, to give back if it fails. */
  private readonly takenOwn = new IdList();
  private readonly takenStrays: number[] = [];

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
    if (admission === 'counted' || admission === 'seen-elsewhere-own') this.takenOwn.push(order.id);
    else if (admission !== 'seen-elsewhere') this.takenStrays.push(order.id);
    if (admission === 'seen-elsewhere' || admission === 'seen-elsewhere-own') {
      this.duplicates += 1;
    } else if (admission === 'out-of-range') {
      this.outOfRange += 1;
    } else {
      this.counted += 1;
      this.downstream.add(order);
    }
  }

  commit(): void {
    this.downstream.commit();
  }

  rollback(): void {
    for (const id of this.takenOwn) this.ledger.giveBackOwn(this.window, id);
    for (const id of this.takenStrays) this.ledger.giveBackStray(id);
  }

  private keep(order: Order): void {
    if (this.kept === undefined) return;
    if (this.kept.length < this.room) this.kept.push(order);
    else this.kept = undefined;
  }
}
