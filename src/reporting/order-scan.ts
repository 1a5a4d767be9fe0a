import { setMaxListeners } from 'node:events';
import type { IletimerkeziApi, Order } from '../api/client.js';
import { CancelledError, UpstreamError } from '../errors.js';
import type { Day } from './calendar.js';
import { type DayRange, splitIntoWindows } from './date-range.js';
import { IdSet } from './id-set.js';
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

  add(fresh: readonly Order[]): void {
    if (this.overflowed) return;
    if (this.orders.length + fresh.length > this.cap || fresh.length > this.budget.remaining) {
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
 * Orders are handed to `consume` page by page; beyond the final-window cache's bounded share,
 * none is kept, so memory stays flat. The first failure cancels the sibling windows and is rethrown.
 */
export async function scanOrders(
  api: IletimerkeziApi,
  range: DayRange,
  consume: (orders: readonly Order[]) => void,
  options: ScanOptions = {},
): Promise<ScanStats> {
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

  /**
   * Reads and consumes one page; false once the page is empty. A function of its own so the
   * page's orders die with this frame: held in walkWindow's loop, every window would keep its
   * last page alive while it waits for a slot, which at large page sizes is most of the heap.
   */
  const readPage = async (window: DayRange, index: number, page: number, seen: IdSet, keeper: WindowKeeper | undefined): Promise<boolean> => {
    const orders = await api.fetchOrdersPage(window, page, operation.signal);
    if (orders.length === 0) return false;
    const fresh = orders.filter((order) => seen.add(order.id));
    if (fresh.length === 0) {
      throw new UpstreamError(
        'repeating-pages',
        `The iletiMerkezi API served page ${page} of ${window.start}..${window.end} with only orders already read on ` +
          'earlier pages; stopped rather than count them twice or loop forever. Try again later.',
      );
    }
    stats.duplicatesDropped += orders.length - fresh.length;
    keeper?.add(fresh);
    consume(fresh);
    progress.pageRead(index, fresh.length);
    return true;
  };

  const walkWindow = async (window: DayRange, index: number): Promise<void> => {
    const cached = finals?.cache.get(window);
    if (cached) {
      stats.cachedWindows += 1;
      consume(cached);
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
