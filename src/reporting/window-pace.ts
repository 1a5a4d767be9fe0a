import type { DayRange } from './date-range.js';

/** Orders read ahead are held until their turn; this bounds what one window holds that way. */
const HELD_ORDERS_PER_WINDOW = 2_000;

/** Pages read ahead count for half of what the pace promises, so a wrong guess costs little. */
const CAUTION = 0.5;

/** What a settled page tells the pace: how many orders, and when the first and last were submitted. */
export interface PageShape {
  received: number;
  firstAt: string | undefined;
  lastAt: string | undefined;
}

/** Seconds since an arbitrary epoch for an API timestamp; only differences matter. */
function secondsOf(timestamp: string): number {
  return Date.parse(`${timestamp.replace(' ', 'T')}Z`) / 1000;
}

/**
 * How many pages of one window to have in flight beyond the last one counted. get-reports does
 * not say how many pages a window has, but its pages run through the window's days in order, so
 * how far the orders have come through those days says roughly how many pages are left. Most
 * windows have a page or two and are read one page after another, at exactly today's cost; a
 * window that will clearly run on keeps up to `maxAhead` pages in flight. A page shorter than the
 * longest one means the end is near: then only the next page, which should be the empty one.
 */
export class WindowPace {
  private readonly startSeconds: number;
  private readonly endSeconds: number;
  private pages = 0;
  private longest = 0;
  private orders = 0;
  private last: PageShape | undefined;
  private first: string | undefined;

  constructor(
    window: DayRange,
    private readonly concurrency: number,
  ) {
    this.startSeconds = secondsOf(`${window.start} 00:00:00`);
    this.endSeconds = secondsOf(`${window.end} 23:59:59`);
  }

  record(page: PageShape): void {
    this.pages += 1;
    this.orders += page.received;
    this.longest = Math.max(this.longest, page.received);
    this.first ??= page.firstAt;
    this.last = page;
  }

  /** Pages to keep in flight past the last one counted: 1 reads one page after another. */
  ahead(): number {
    const { last, first } = this;
    if (this.pages < 2 || !last?.lastAt || !first || last.received < this.longest) return 1;
    const maxAhead = Math.min(this.concurrency, Math.floor(HELD_ORDERS_PER_WINDOW / this.longest));
    if (maxAhead <= 1) return 1;
    const from = secondsOf(first);
    const to = secondsOf(last.lastAt);
    const covered = Math.abs(to - from);
    // Newest first runs back to the window's first day, oldest first on to its last.
    const remaining = to >= from ? this.endSeconds - to : to - this.startSeconds;
    if (covered <= 0 || remaining <= 0) return 1;
    const pagesLeft = ((this.orders / covered) * remaining) / this.longest;
    return Math.max(1, Math.min(maxAhead, Math.floor(pagesLeft * CAUTION)));
  }
}
