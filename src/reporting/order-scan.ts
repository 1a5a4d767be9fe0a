import { setMaxListeners } from 'node:events';
import type { IletimerkeziApi, Order, OrderSink } from '../api/client.js';
import { OrderList } from '../api/orders-page.js';
import { CancelledError, UpstreamError } from '../errors.js';
import type { ProgressUpdate } from './call-progress.js';
import { type DayRange, splitIntoWindows } from './date-range.js';
import { FinalWindowShare, type FinalWindows, type WindowKeeper } from './final-window-share.js';
import type { FinalRecipients } from './recipient-cache.js';
import { OrderLedger, PageSink } from './scan-ledger.js';
import { WindowProgress } from './scan-progress.js';
import { WindowPace } from './window-pace.js';

export type { ProgressUpdate } from './call-progress.js';
export type { FinalWindows } from './final-window-share.js';

export interface ScanOptions {
  signal?: AbortSignal | undefined;
  onProgress?: ((update: ProgressUpdate) => void) | undefined;
  /** Serves final windows from, and offers them to, the session's cache. */
  finalWindows?: FinalWindows | undefined;
  /** The account's cache of final orders' recipients, for the reads that follow a scan; the scan itself leaves it alone. */
  finalRecipients?: FinalRecipients | undefined;
  /** A backstop against an API that invents new pages forever. */
  maxPagesPerWindow?: number;
}

export interface ScanStats {
  windows: number;
  requests: number;
  /** Windows answered from the final-window cache, with no request. */
  cachedWindows: number;
  /** Orders the API served more than once, in one window or in several; each was counted once. */
  duplicatesDropped: number;
  /** Orders submitted outside the range asked for; none was counted. */
  outOfRangeDropped: number;
}

const DEFAULT_MAX_PAGES_PER_WINDOW = 10_000;

/**
 * Reads every order in the range: 10-day windows fetched concurrently (the client's limiter
 * caps requests in flight), pages inside a window walked in order until an empty page. Orders
 * reach a fresh sink from `openSink` for each page read, as they arrive, and count once the page
 * is whole. Beyond the final-window cache's bounded share and the pages read ahead (at most
 * 2,000 orders a window, held until their turn) none is kept, so memory stays flat however
 * many there are. The first failure cancels the sibling windows and is rethrown.
 */
export function scanOrders(api: IletimerkeziApi, range: DayRange, openSink: () => OrderSink, options: ScanOptions = {}): Promise<ScanStats> {
  return new OrderScan(api, range, openSink, options).run();
}

class OrderScan {
  private readonly windows: DayRange[];
  private readonly ledger: OrderLedger;
  private readonly progress: WindowProgress;
  private readonly finals: FinalWindowShare | undefined;
  private readonly maxPages: number;
  /** Every queued and in-flight request of the scan listens on this one signal. */
  private readonly operation = new AbortController();
  private readonly stats: ScanStats;
  private failure: Error | undefined;

  constructor(
    private readonly api: IletimerkeziApi,
    range: DayRange,
    private readonly openSink: () => OrderSink,
    private readonly options: ScanOptions,
  ) {
    this.windows = splitIntoWindows(range);
    this.ledger = new OrderLedger(range, this.windows);
    this.progress = new WindowProgress(this.windows, options.onProgress);
    this.finals = options.finalWindows && new FinalWindowShare(options.finalWindows);
    this.maxPages = options.maxPagesPerWindow ?? DEFAULT_MAX_PAGES_PER_WINDOW;
    this.stats = { windows: this.windows.length, requests: 0, cachedWindows: 0, duplicatesDropped: 0, outOfRangeDropped: 0 };
    // They all remove themselves once done.
    setMaxListeners(0, this.operation.signal);
  }

  async run(): Promise<ScanStats> {
    const { signal } = this.options;
    // A cancel or a deadline may have landed before the scan began; then no request starts.
    if (signal?.aborted) throw new CancelledError();
    const cancel = () => this.operation.abort();
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      await Promise.all(this.windows.map((window, index) => this.walkWindow(window, index).catch((error: unknown) => this.fail(error))));
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
    if (signal?.aborted) throw new CancelledError();
    if (this.failure !== undefined) throw this.failure;
    return this.stats;
  }

  private fail(error: unknown): void {
    this.failure ??= error instanceof Error ? error : new Error(String(error));
    this.operation.abort();
  }

  private async walkWindow(window: DayRange, index: number): Promise<void> {
    const cached = await this.finals?.cached(window);
    if (cached) {
      this.replay(index, cached);
    } else {
      const keeper = this.finals?.keeperFor(window);
      await this.walkPages(window, index, keeper);
      await this.finals?.settle(window, keeper);
    }
    this.progress.windowFinished(index);
  }

  /**
   * Walks a window's pages in order until an empty one, counting each page in turn. While the
   * window's pace says more pages are coming, the next ones are read ahead, in parallel, and held
   * until their turn; once a page comes back empty, those beyond it are dropped, never counted.
   */
  private async walkPages(window: DayRange, index: number, keeper: WindowKeeper | undefined): Promise<void> {
    const pace = new WindowPace(window, this.api.concurrency ?? 1);
    const ahead = new Map<number, Promise<OrderList>>();
    // Reads ahead that the window no longer needs stop waiting for a request slot.
    const done = new AbortController();
    const signal = AbortSignal.any([this.operation.signal, done.signal]);
    let issued = 0;
    try {
      for (let page = 1; ; page += 1) {
        if (page > this.maxPages) throw this.endless(window);
        // The highest page that should be in flight now; past `page` only while the pace says so.
        const highest = Math.min(page - 1 + pace.ahead(), this.maxPages);
        for (; highest > page && issued < highest; issued += 1) ahead.set(issued + 1, this.readAhead(window, issued + 1, signal));
        const held = ahead.get(page);
        ahead.delete(page);
        issued = Math.max(issued, page);
        const read = held ? this.settleHeld(index, await held, keeper) : await this.readPage(window, index, page, keeper);
        if (read.received === 0) return;
        if (read.newToWindow === 0) throw this.repeating(window, page);
        keeper?.addPage(read.kept);
        this.tally(index, read);
        pace.record(read);
      }
    } finally {
      done.abort();
    }
  }

  /** Counts a cached window's orders exactly as if they had just been read. */
  private replay(index: number, orders: readonly Order[]): void {
    this.stats.cachedWindows += 1;
    const sink = new PageSink(this.ledger, index, this.openSink(), 0);
    for (const order of orders) sink.add(order);
    sink.commit();
    this.tally(index, sink);
  }

  /** Reads the page whose turn it is straight into the ledger; the client commits it once whole. */
  private readPage(window: DayRange, index: number, page: number, keeper: WindowKeeper | undefined): Promise<PageSink> {
    this.stats.requests += 1;
    let attempt: PageSink | undefined;
    const open = () => {
      attempt?.rollback();
      attempt = new PageSink(this.ledger, index, this.openSink(), keeper?.room() ?? 0);
      return attempt;
    };
    return this.api.readOrdersPage(window, page, open, this.operation.signal);
  }

  /** Reads a page ahead of its turn into a holding list: nothing of it counts until it is settled. */
  private readAhead(window: DayRange, page: number, signal: AbortSignal): Promise<OrderList> {
    this.stats.requests += 1;
    const read = this.api.readOrdersPage(window, page, () => new OrderList(), signal);
    // A page past the end may fail, or be cancelled, long before anyone waits for it; only a page
    // whose turn comes reports its failure, when it is awaited.
    read.catch(() => {});
    return read;
  }

  /** Counts a page read ahead, now that its turn has come, exactly as if it had been read now. */
  private settleHeld(index: number, held: OrderList, keeper: WindowKeeper | undefined): PageSink {
    const sink = new PageSink(this.ledger, index, this.openSink(), keeper?.room() ?? 0);
    for (const order of held.orders) sink.add(order);
    sink.commit();
    return sink;
  }

  private tally(index: number, page: PageSink): void {
    this.stats.duplicatesDropped += page.duplicates;
    this.stats.outOfRangeDropped += page.outOfRange;
    this.progress.pageRead(index, page.counted);
  }

  private repeating(window: DayRange, page: number): UpstreamError {
    return new UpstreamError(
      'repeating-pages',
      `The iletiMerkezi API served page ${page} of ${window.start}..${window.end} with only orders already read on ` +
        'earlier pages; stopped rather than count them twice or loop forever. Try again later.',
    );
  }

  private endless(window: DayRange): UpstreamError {
    return new UpstreamError(
      'repeating-pages',
      `The iletiMerkezi API served more than ${this.maxPages} pages for ${window.start}..${window.end} without an empty page; ` +
        'stopped reading rather than loop forever. Try a shorter range, or try again later.',
    );
  }
}
