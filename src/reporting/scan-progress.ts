import type { DayRange } from './date-range.js';

export interface ProgressUpdate {
  progress: number;
  total: number;
  message: string;
}

/**
 * Progress in windows: a finished window counts 1, and a window with k pages read counts
 * k/(k+1), so every page read moves the figure strictly forward without knowing page totals.
 */
export class WindowProgress {
  private readonly pagesRead: number[];
  private readonly finished: boolean[];
  private orders = 0;

  constructor(
    private readonly windows: DayRange[],
    private readonly report: ((update: ProgressUpdate) => void) | undefined,
  ) {
    this.pagesRead = windows.map(() => 0);
    this.finished = windows.map(() => false);
  }

  get windowsDone(): number {
    return this.finished.filter(Boolean).length;
  }

  pageRead(window: number, orders: number): void {
    this.pagesRead[window] = (this.pagesRead[window] ?? 0) + 1;
    this.orders += orders;
    this.emit();
  }

  windowFinished(window: number): void {
    this.finished[window] = true;
    this.emit();
  }

  private emit(): void {
    if (!this.report) return;
    let progress = 0;
    this.windows.forEach((_, index) => {
      const pages = this.pagesRead[index] ?? 0;
      progress += this.finished[index] ? 1 : pages / (pages + 1);
    });
    this.report({
      progress,
      total: this.windows.length,
      message: `${this.windowsDone} of ${this.windows.length} ten-day windows done, ${this.orders} orders read`,
    });
  }
}
