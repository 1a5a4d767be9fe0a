import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { type IletimerkeziApi, MAX_ROW_COUNT, type ReportMessage, type ReportPage, type ServedNumber, servedKey } from '../api/client.js';
import { MESSAGE_STATUS, type MessageStateName } from '../api/order-status.js';
import { CancelledError, UpstreamError, WorkLimitError } from '../errors.js';
import type { ProgressUpdate } from './call-progress.js';
import { type FinalRecipients, mayBeFinalOrder } from './recipient-cache.js';
import { PagedProgress } from './scan-progress.js';

/** How an order's recipients stand, counted from the messages themselves. */
export type RecipientCounts = Record<MessageStateName | 'other', number>;

const STATE_BY_CODE = new Map<number, MessageStateName>(
  (Object.keys(MESSAGE_STATUS) as MessageStateName[]).map((name) => [MESSAGE_STATUS[name], name]),
);

export function messageStateOf(status: number): MessageStateName | 'other' {
  return STATE_BY_CODE.get(status) ?? 'other';
}

/** An order as get-report describes it: counters from the response, or counted from the messages when it has none. */
export interface ReportedOrder {
  id: number;
  status: number;
  total: number;
  delivered: number;
  undelivered: number;
  waiting: number;
  submitAt: string | undefined;
  sendAt: string | undefined;
  sender: string | undefined;
}

export interface OrderRecipients {
  order: ReportedOrder;
  counts: RecipientCounts;
  /** Messages read, over every page. */
  messages: number;
  /** The counts and the number of messages agree with the order's counters. */
  consistent: boolean;
}

/**
 * One send request carries at most 50,000 numbers, so an order with more recipients is an API
 * serving pages forever (pages that never end, whether or not they repeat earlier ones): the walk
 * stops there rather than loop or count twice.
 */
const MAX_RECIPIENTS = 50_000;

/** 455 and 456 mean something about this very order, so the error names it and what to do. */
function aboutTheOrder(error: unknown, orderId: number): unknown {
  if (!(error instanceof UpstreamError)) return error;
  const { apiCode } = error.details;
  if (apiCode === 455) {
    return new UpstreamError(
      'api-status',
      `Order ${orderId} was not found (iletiMerkezi 455): no such order, or it has not started sending yet. ` +
        'Check the id with list_orders; an order just submitted can be read once it starts sending.',
      error.details,
    );
  }
  if (apiCode === 456) {
    return new UpstreamError(
      'api-status',
      `Order ${orderId} is scheduled and its send time has not come (iletiMerkezi 456), so it has no recipients to report yet. ` +
        'Ask again after its send time (list_orders shows sendAt).',
      error.details,
    );
  }
  return error;
}

function resolvedOrder(first: ReportPage, counts: RecipientCounts, messages: number): ReportedOrder {
  return {
    id: first.id,
    status: first.status,
    total: first.total ?? messages,
    delivered: first.delivered ?? counts.delivered,
    undelivered: first.undelivered ?? counts.undelivered,
    waiting: first.waiting ?? counts.waiting,
    submitAt: first.submitAt,
    sendAt: first.sendAt,
    sender: first.sender,
  };
}

/**
 * What a page of recipients was, as served: the numbers in the form and type the API wrote them
 * and their statuses, in order. get-report rows have no ids, and one number may be a recipient of
 * an order twice, so a page is a repeat only when it is the very same list as an earlier page.
 */
function servedForm(rows: readonly ReportMessage[]): string {
  const hash = createHash('sha256');
  for (const row of rows) hash.update(`${servedKey(row.number)}:${row.status}\n`);
  return hash.digest('base64');
}

/** What a caller may know of an order from get-reports, which get-report may leave out. */
export interface KnownOrder {
  total?: number | undefined;
  submitAt?: string | undefined;
}

export interface OrderReadOptions {
  signal?: AbortSignal | undefined;
  /**
   * The order as get-reports listed it: its `total` lets the walk stop early when get-report
   * gives none of its own, and its `submitAt` dates the order when get-report does not.
   */
  known?: KnownOrder | undefined;
  /** Serves final orders' recipients from, and offers them to, the account's cache. */
  finalRecipients?: FinalRecipients | undefined;
}

function summaryOf(order: ReportedOrder, counts: RecipientCounts, messages: number): OrderRecipients {
  const consistent =
    counts.delivered === order.delivered && counts.undelivered === order.undelivered && counts.waiting === order.waiting && messages === order.total;
  return { order, counts, messages, consistent };
}

const noRecipients = (): RecipientCounts => ({ delivered: 0, undelivered: 0, waiting: 0, other: 0 });

function countInto(counts: RecipientCounts, messages: readonly ReportMessage[]): RecipientCounts {
  for (const message of messages) counts[messageStateOf(message.status)] += 1;
  return counts;
}

/**
 * Reads one order's recipients, handing each page's messages to `onPage` as it arrives, so a
 * caller keeps only what it needs. A final order the account's cache holds costs no request: its
 * messages arrive as one page, as get-report served them. Any other order is walked with
 * get-report, and kept in the cache if it turns out final.
 */
export async function readOrderRecipients(
  api: IletimerkeziApi,
  orderId: number,
  onPage: (messages: readonly ReportMessage[]) => void,
  options: OrderReadOptions = {},
): Promise<OrderRecipients> {
  const { finalRecipients } = options;
  const cached = await finalRecipients?.cache.get(orderId);
  if (cached) {
    onPage(cached.messages);
    return summaryOf(cached.order, countInto(noRecipients(), cached.messages), cached.messages.length);
  }
  /** The rows as served, while the order may be final; null once it cannot be. */
  let kept: Array<ServedNumber | number> | null | undefined;
  const read = await walkOrderPages(api, orderId, options, (rows, first) => {
    // Decided on the first page: only an order that may be final is worth holding whole.
    kept ??= finalRecipients && mayBeFinalOrder(first.status, first.waiting, first.submitAt ?? options.known?.submitAt, finalRecipients.today) ? [] : null;
    if (kept) for (const row of rows) kept.push(row.number, row.status);
    onPage(rows);
  });
  // Awaited, so an order is in a shared store before the answer that read it goes out.
  if (kept && finalRecipients) await finalRecipients.cache.offer(read, kept, read.order.submitAt ?? options.known?.submitAt, finalRecipients.today);
  return read;
}

/**
 * Walks one order's get-report pages, the page size never assumed: until a page has no messages,
 * or until two signals agree that the order is read whole, whichever comes first. The two are a
 * page shorter than the rows asked for, and the recipients read so far reaching the order's total
 * exactly (get-report's own, or the caller's from get-reports when get-report gives none). Either alone
 * proves nothing: an API may serve fewer rows than asked on every page, and a total is a counter
 * that may be missing or wrong, so the walk stops on the two together and otherwise goes on to the
 * empty page. `onPage` is told of each page's messages, with the first page as the order's description.
 *
 * A page served exactly as an earlier one was brings nothing new, unless the order holds the same
 * list twice (get-report rows have no ids, and one number may be in an order many times). Which
 * it is, the order's `total` cannot say, since a total is a counter that may be wrong, and an API
 * that ignores `page` serves page 1 forever, short pages included. So the walk asks the page just
 * past the end the total gives at this page size: an API that honours `page` serves it empty, and
 * the repeat is the order's own; one that serves recipients there is repeating itself, and the
 * walk stops with an error rather than count them again. Past the total, or without one (as the
 * older docs give get-report), a repeat is the API's. A page with a number the order holds twice
 * is no repeat at all: pages are judged whole, as served.
 */
async function walkOrderPages(
  api: IletimerkeziApi,
  orderId: number,
  options: OrderReadOptions,
  onPage: (messages: readonly ReportMessage[], first: ReportPage) => void,
): Promise<OrderRecipients> {
  const counts = noRecipients();
  let first: ReportPage | undefined;
  let messages = 0;
  /** Each page read, by its served form: the first page that had it. */
  const pagesServed = new Map<string, number>();
  /** Set once a page past the end came back empty: the API honours `page`, so a repeat is the order's. */
  let pageHonoured = false;
  for (let page = 1; ; page += 1) {
    const read = await readReportPage(api, orderId, page, options.signal);
    first ??= read;
    const rows = read?.message ?? [];
    // A page with messages is a page with an order: the check only tells the compiler so.
    if (rows.length === 0 || !first) break;
    const served = servedForm(rows);
    const earlier = pagesServed.get(served);
    if (earlier !== undefined && !pageHonoured) {
      const repeated = `The iletiMerkezi API served page ${page} of order ${orderId} exactly as it served page ${earlier}`;
      const stopped = '; stopped rather than count them twice or loop forever. Try again later.';
      const { total } = first;
      if (total === undefined) throw new UpstreamError('repeating-pages', `${repeated}${stopped}`);
      const recipients = `the ${total.toLocaleString('en-US')} recipients the order holds`;
      if (messages + rows.length > total) throw new UpstreamError('repeating-pages', `${repeated}, past ${recipients}${stopped}`);
      const pastTheEnd = Math.ceil(total / rows.length) + 1;
      if (((await readReportPage(api, orderId, pastTheEnd, options.signal))?.message.length ?? 0) > 0) {
        throw new UpstreamError(
          'repeating-pages',
          `${repeated}, and served recipients on page ${pastTheEnd.toLocaleString('en-US')}, past ${recipients}, so it does not follow the page asked for${stopped}`,
        );
      }
      pageHonoured = true;
    }
    pagesServed.set(served, earlier ?? page);
    if (messages + rows.length > MAX_RECIPIENTS) {
      throw new UpstreamError(
        'repeating-pages',
        `The iletiMerkezi API served more than ${MAX_RECIPIENTS.toLocaleString('en-US')} recipients for order ${orderId} by page ${page}, ` +
          'more than one order can hold; stopped rather than count them twice or loop forever. Try again later.',
      );
    }
    countInto(counts, rows);
    messages += rows.length;
    onPage(rows, first);
    if (rows.length < MAX_ROW_COUNT && messages === (first.total ?? options.known?.total)) break;
  }
  if (!first) {
    throw new UpstreamError(
      'invalid-response',
      `The iletiMerkezi get-report response for order ${orderId} had no order in it. The API may have changed; please report this to iletimerkezi-mcp.`,
    );
  }
  return summaryOf(resolvedOrder(first, counts, messages), counts, messages);
}

/** One get-report page, checked to be about the order asked for; 455 and 456 name the order. */
async function readReportPage(api: IletimerkeziApi, orderId: number, page: number, signal: AbortSignal | undefined): Promise<ReportPage | undefined> {
  let read: ReportPage | undefined;
  try {
    read = await api.readReportPage(orderId, page, signal);
  } catch (error) {
    throw aboutTheOrder(error, orderId);
  }
  if (read && read.id !== orderId) {
    throw new UpstreamError(
      'invalid-response',
      `The iletiMerkezi get-report response for order ${orderId} described order ${read.id} instead; nothing was counted from it. Try again, and report it if it persists.`,
    );
  }
  return read;
}

/** Refuses, before a single recipient is read, a call that would read more orders than allowed. */
function checkReportOrders(count: number, options: ManyOrdersOptions): void {
  if (count <= options.maxReportOrders) return;
  throw new WorkLimitError(
    `The range holds ${count.toLocaleString('en-US')} ${options.what}, more than the ${options.maxReportOrders.toLocaleString('en-US')} whose ` +
      `recipients one call may read (ILETIMERKEZI_MAX_REPORT_ORDERS), so nothing was read. ${options.advice}`,
  );
}

export interface ManyOrdersOptions {
  signal?: AbortSignal | undefined;
  onProgress?: ((update: ProgressUpdate) => void) | undefined;
  /** The most orders whose recipients one call may read (ILETIMERKEZI_MAX_REPORT_ORDERS). */
  maxReportOrders: number;
  /** What the orders are, for the messages: "orders with failures". */
  what: string;
  /** What to ask instead when there are too many of them. */
  advice: string;
  /**
   * The account's cache of final orders' recipients and today's date; undefined only where no
   * cache may serve (say so by writing it), so that no caller loses the cache by leaving it out.
   */
  finalRecipients: FinalRecipients | undefined;
}

/**
 * Why an order's recipients could not be read, when the reason is the order's own and the other
 * orders of a scan can still be read: get-report's 455 (the order has not started sending) and
 * 456 (its send time has not come), the API failing on its pages after every retry, serving
 * them over and over, or answering for it with a body the client cannot read (not the
 * documented shape, another order than the one asked for, too large).
 */
export const NOT_CHECKED_REASONS = ['not_sending_yet', 'scheduled', 'api_kept_failing', 'repeating_pages', 'unreadable_response'] as const;
export type NotCheckedReason = (typeof NOT_CHECKED_REASONS)[number];

export interface NotCheckedOrder {
  orderId: number;
  reason: NotCheckedReason;
}

/**
 * The reason when a failure concerns this order alone, or undefined when it concerns the whole
 * call (credentials, balance, a request the API refuses, a cancellation): those stop the scan, as
 * they would stop any other order.
 */
function notCheckedReason(error: unknown): NotCheckedReason | undefined {
  if (!(error instanceof UpstreamError)) return undefined;
  if (error.kind === 'repeating-pages') return 'repeating_pages';
  if (error.kind === 'invalid-response' || error.kind === 'too-large') return 'unreadable_response';
  if (error.details.apiCode === 455) return 'not_sending_yet';
  if (error.details.apiCode === 456) return 'scheduled';
  // Only the transport's last word after its retries carries a count of attempts.
  if (error.details.attempts !== undefined) return 'api_kept_failing';
  return undefined;
}

/** The reasons that, for every order alike, would be the API failing (down, or changed) rather than the orders. */
const API_FAILING: ReadonlySet<NotCheckedReason> = new Set(['api_kept_failing', 'unreadable_response']);

/**
 * Orders in a row, with none read between, that the API kept failing on after every retry or
 * answered unreadably: past this, the API is down or has changed rather than these orders, and
 * the call fails with it instead of trying every other order against it.
 */
const MAX_FAILING_IN_A_ROW = 3;

export interface RecipientsOfOrders<R> {
  /** One result for each order read whole, in the orders' order. */
  results: R[];
  /** The orders whose recipients could not be read, by id; nothing of theirs is in `results`. */
  notChecked: NotCheckedOrder[];
}

/**
 * Reads the recipients of many orders side by side, after checking they are no more than
 * allowed: as many orders at a time as the client runs requests at once, each order's pages in
 * turn, so an API that is down fails a few orders, not every one of them. Of each order, `keep`
 * picks what to hold from its messages as they arrive, and `finish` turns that into the order's
 * result once the order is read whole, so a failed read adds nothing. An order that fails for a
 * reason of its own (see NOT_CHECKED_REASONS) is set aside as not checked and the others go on;
 * any other failure, or the caller's cancellation, stops every other order's traffic and is
 * rethrown. Each order is read as readOrderRecipients reads one, the orders' own `total` and
 * `submitAt` (from get-reports) standing in for what get-report leaves out: a final order the
 * cache holds costs no request.
 */
export async function readRecipientsOfOrders<O extends { id: number } & KnownOrder, T, R>(
  api: IletimerkeziApi,
  orders: readonly O[],
  keep: (message: ReportMessage, order: O) => T | undefined,
  finish: (order: O, kept: T[], read: OrderRecipients) => R,
  options: ManyOrdersOptions,
): Promise<RecipientsOfOrders<R>> {
  checkReportOrders(orders.length, options);
  const operation = new AbortController();
  // Every queued request listens on this one signal, and removes itself once done.
  setMaxListeners(0, operation.signal);
  if (options.signal?.aborted) throw new CancelledError();
  const cancel = () => operation.abort();
  options.signal?.addEventListener('abort', cancel, { once: true });
  let failure: Error | undefined;
  let failingInARow = 0;
  const notChecked: NotCheckedOrder[] = [];
  const progress = new PagedProgress(orders.length, options.onProgress, (done, all) => `orders scanned; recipients of ${done} of ${all} ${options.what} read`);
  // One slot an order, filled once the order is read whole.
  const read: Array<{ result: R } | undefined> = [];
  const readOne = async (order: O, index: number): Promise<void> => {
    try {
      const kept: T[] = [];
      const recipients = await readOrderRecipients(
        api,
        order.id,
        (messages) => {
          for (const message of messages) {
            const picked = keep(message, order);
            if (picked !== undefined) kept.push(picked);
          }
          progress.pageRead(index);
        },
        { signal: operation.signal, known: order, finalRecipients: options.finalRecipients },
      );
      failingInARow = 0;
      progress.partFinished(index);
      read[index] = { result: finish(order, kept, recipients) };
    } catch (error) {
      const reason = operation.signal.aborted ? undefined : notCheckedReason(error);
      // Any answer about an order, a 455 as much as its recipients, shows the API is up.
      failingInARow = reason !== undefined && API_FAILING.has(reason) ? failingInARow + 1 : 0;
      if (reason === undefined || failingInARow >= MAX_FAILING_IN_A_ROW) {
        failure ??= error instanceof Error ? error : new Error(String(error));
        operation.abort();
      } else {
        notChecked.push({ orderId: order.id, reason });
        progress.partFinished(index);
      }
    }
  };
  let next = 0;
  const worker = async () => {
    while (next < orders.length && !operation.signal.aborted) {
      const index = next;
      next += 1;
      await readOne(orders[index] as O, index);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(api.concurrency ?? 1, orders.length) }, worker));
    if (options.signal?.aborted) throw new CancelledError();
    if (failure !== undefined) throw failure;
    return { results: read.flatMap((slot) => (slot ? [slot.result] : [])), notChecked: notChecked.sort((a, b) => a.orderId - b.orderId) };
  } finally {
    options.signal?.removeEventListener('abort', cancel);
  }
}
