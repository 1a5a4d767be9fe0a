import type { ProgressReport } from './call-progress.js';
import type { DayRange } from './date-range.js';

/**
 * Progress over parts read page by page, whose page counts are not known ahead (a window's
 * orders, an order's recipients): a finished part counts 1, and a part with k pages read counts
 * k/(k+1), so every page read moves the figure strictly forward. Kept as a running sum, since a
 * call may read the recipients of thousands of orders.
 */
export class PagedProgress {
  private readonly pagesRead: number[];
  private readonly finished: boolean[];
  private finishedParts = 0;
  /** What the unfinished parts' pages count for together. */
  private partial = 0;

  constructor(
    private readonly parts: number,
    private readonly report: ProgressReport | undefined,
    private readonly describe: (finishedParts: number, parts: number) => string,
  ) {
    this.pagesRead = Array.from({ length: parts }, () => 0);
    this.finished = Array.from({ length: parts }, () => false);
  }

  pageRead(part: number): void {
    if (this.finished[part]) return;
    const pages = this.pagesRead[part] ?? 0;
    this.pagesRead[part] = pages + 1;
    this.partial += (pages + 1) / (pages + 2) - pages / (pages + 1);
    this.emit();
  }

  partFinished(part: number): void {
    if (this.finished[part]) return;
    const pages = this.pagesRead[part] ?? 0;
    this.finished[part] = true;
    this.finishedParts += 1;
    // Once every part is finished nothing is partial, whatever rounding the sum gathered.
    this.partial = this.finishedParts === this.parts ? 0 : this.partial - pages / (pages + 1);
    this.emit();
  }

  private emit(): void {
    this.report?.({ progress: this.finishedParts + this.partial, total: this.parts, message: this.describe(this.finishedParts, this.parts) });
  }
}

/** A scan's progress in its ten-day windows, with the orders read so far. */
export class WindowProgress {
  private orders = 0;
  private readonly paged: PagedProgress;

  constructor(windows: readonly DayRange[], report: ProgressReport | undefined) {
    this.paged = new PagedProgress(windows.length, report, (done, all) => `${done} of ${all} ten-day windows done, ${this.orders} orders read`);
  }

  pageRead(window: number, orders: number): void {
    this.orders += orders;
    this.paged.pageRead(window);
  }

  windowFinished(window: number): void {
    this.paged.partFinished(window);
  }
}
