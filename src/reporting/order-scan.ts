import { setMaxListeners } from 'node:events';
import type { IletimerkeziApi, Order, OrderPage } from '../api/client.js';
import { CancelledError, UpstreamError } from '../errors.js';
import type { Day } from './calendar.js';
import { type DayRange, splitIntoWindows } from './date-range.js';
import { IdList, IdSet } from './id-set.js';
import { type FinalWindowCache, mayBeFinal } from './window-cache.js';

export interface ProgressUpdate {
  progress: number;
  total: number;
  message: string;
}

export interface ScanOptions {
  signal?: AbortSignal | undefined;
  onProgress?: ((update: ProgressUpdate) => void) | undefined;
  /** Serves final windows from, and offers them to, the session's cache. */
  finalWindows?: { cache: FinalWindowCache; today: Day } | undefined;
  /** A backstop against an API that invents new pages forever. */
  maxPagesPerWindow?: number;
}

/** What a scan does with the orders of one page: nothing it adds counts until commit. */
export interface OrderSink {
  add(order: Order): void;
  /** The page was read whole: fold its orders in. Called at most once. */
  commit(): void;
}

export interface ScanStats {
  windows: number;
  requests: number;
  /** Windows answered from the final-window cache, with no request. */
  cachedWindows: number;
  /** Orders the API served more than once within a window; each was counted once. */
  duplicatesDropped: number;
}

const DEFAULT_MAX_PAGES_PER_WINDOW = 10_000;

/**
 * Gathers a window's orders for the final-window cache. Windows run side by side, so all the
 * keepers of one scan draw on one budget (the cache's size); a keeper past its own cap or the
 * budget gives up and hands its share back.
 */
class WindowKeeper {
  orders: Order[] = [];
  overflowed = false;

  constructor(
    private readonly cap: number,
    private readonly budget: { remaining: number },
  ) {}

  /** How many more orders this window could keep now; a page that brings more makes it give up. */
  room(): number {
    return this.overflowed ? 0 : Math.min(this.cap - this.orders.length, this.budget.remaining);
  }

  /** A committed page's fresh orders; undefined when the page brought more than its room. */
  add(fresh: readonly Order[] | undefined): void {
    if (this.overflowed) return;
    if (fresh === undefined || this.orders.length + fresh.length > this.cap || fresh.length > this.budget.remaining) {
      this.overflowed = true;
      this.budget.remaining += this.orders.length;
      this.orders = [];
      return;
    }
    this.budget.remaining -= fresh.length;
    this.orders.push(...fresh);
  }
}

/**
 * One page as it is read: orders already counted in the window, or repeated within the page, are
 * dropped; the rest go to the sink at once, and count only when the page is committed. A failed
 * read is rolled back when its retry opens the next page, so a retried page is never counted twice.
 */
class ScanPage implements OrderPage {
  received = 0;
  /** This page's fresh ids, already in `seen`: a read that fails takes them out again. */
  private readonly added = new IdList();
  /** The fresh orders, for the final-window cache, while they fit its room; undefined past it. */
  kept: Order[] | undefined;

  constructor(
    private readonly seen: IdSet,
    private readonly sink: OrderSink,
    private readonly room: number,
  ) {
    this.kept = room > 0 ? [] : undefined;
  }

  get fresh(): number {
    return this.added.length;
  }

  add(order: Order): void {
    this.received += 1;
    if (!this.seen.add(order.id)) return;
    this.added.push(order.id);
    this.sink.add(order);
    if (this.kept === undefined) return;
    if (this.kept.length < this.room) this.kept.push(order);
    else this.kept = undefined;
  }

  commit(): void {
    this.sink.commit();
  }

  rollback(): void {
    for (const id of this.added) this.seen.delete(id);
  }
}

/**
 * Progress in windows: a finished window counts 1, and a window with k pages read counts
 * k/(k+1), so every page read moves the figure strictly forward without knowing page totals.
 */
class WindowProgress {
  private readonly pagesRead: number[];
  private readonly finished: boolean[];
  private orders = 0;

  constructor(
    private readonly windows: DayRange[],
    private readonly report: ScanOptions['onProgress'],
  ) {
    this.pagesRead = windows.map(() => 0);
    this.finished = windows.map(() => false);
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
    let done = 0;
    this.windows.forEach((_, index) => {
      const pages = this.pagesRead[index] ?? 0;
      if (this.finished[index]) done += 1;
      progress += this.finished[index] ? 1 : pages / (pages + 1);
    });
    this.report({
      progress,
      total: this.windows.length,
      message: `${done} of ${this.windows.length} ten-day windows done, ${this.orders} orders read`,
    });
  }
}

/**
 * Reads every order in the range: 10-day windows fetched concurrently (the client's limiter
 * caps requests in flight), pages inside a window walked in order until an empty page.
 * Orders reach a fresh sink from `openSink` for each page read, as they arrive; beyond the
 * final-window cache's bounded share none is kept, so memory stays flat however many there are.
 * The first failure cancels the sibling windows and is rethrown.
 */
export async function scanOrders(api: IletimerkeziApi, range: DayRange, openSink: () => OrderSink, options: ScanOptions = {}): Promise<ScanStats> {
  const windows = splitIntoWindows(range);
  const maxPages = options.maxPagesPerWindow ?? DEFAULT_MAX_PAGES_PER_WINDOW;
  const progress = new WindowProgress(windows, options.onProgress);
  const operation = new AbortController();
  // Every queued and in-flight request listens on this one signal; they all remove themselves.
  setMaxListeners(0, operation.signal);
  const cancel = () => operation.abort();
  options.signal?.addEventListener('abort', cancel, { once: true });
  const stats: ScanStats = { windows: windows.length, requests: 0, cachedWindows: 0, duplicatesDropped: 0 };
  const finals = options.finalWindows;
  const keeperBudget = { remaining: finals?.cache.limits.maxOrders ?? 0 };
  let failure: unknown;

  /** Reads one page into a fresh sink and commits it; false once the page is empty. */
  const readPage = async (window: DayRange, index: number, page: number, seen: IdSet, keeper: WindowKeeper | undefined): Promise<boolean> => {
    let attempt: ScanPage | undefined;
    const open = () => {
      attempt?.rollback();
      attempt = new ScanPage(seen, openSink(), keeper?.room() ?? 0);
      return attempt;
    };
    const read = await api.readOrdersPage(window, page, open, operation.signal);
    if (read.received === 0) return false;
    if (read.fresh === 0) {
      throw new UpstreamError(
        'repeating-pages',
        `The iletiMerkezi API served page ${page} of ${window.start}..${window.end} with only orders already read on ` +
          'earlier pages; stopped rather than count them twice or loop forever. Try again later.',
      );
    }
    stats.duplicatesDropped += read.received - read.fresh;
    read.commit();
    keeper?.add(read.kept);
    progress.pageRead(index, read.fresh);
    return true;
  };

  const walkWindow = async (window: DayRange, index: number): Promise<void> => {
    const cached = finals?.cache.get(window);
    if (cached) {
      stats.cachedWindows += 1;
      const sink = openSink();
      for (const order of cached) sink.add(order);
      sink.commit();
      progress.pageRead(index, cached.length);
      progress.windowFinished(index);
      return;
    }
    const keeper =
      finals && mayBeFinal(window, finals.today) ? new WindowKeeper(finals.cache.limits.maxOrdersPerWindow, keeperBudget) : undefined;
    const seen = new IdSet();
    for (let page = 1; ; page += 1) {
      if (page > maxPages) {
        throw new UpstreamError(
          'repeating-pages',
          `The iletiMerkezi API served more than ${maxPages} pages for ${window.start}..${window.end} without an empty page; ` +
            'stopped reading rather than loop forever. Try a shorter range, or try again later.',
        );
      }
      stats.requests += 1;
      if (!(await readPage(window, index, page, seen, keeper))) break;
    }
    if (finals && keeper && !keeper.overflowed && !finals.cache.offer(window, keeper.orders, finals.today)) {
      keeperBudget.remaining += keeper.orders.length;
    }
    progress.windowFinished(index);
  };

  try {
    await Promise.all(
      windows.map((window, index) =>
        walkWindow(window, index).catch((error: unknown) => {
          failure ??= error;
          operation.abort();
        }),
      ),
    );
  } finally {
    options.signal?.removeEventListener('abort', cancel);
  }
  if (options.signal?.aborted) throw new CancelledError();
  if (failure !== undefined) throw failure;
  return stats;
}
