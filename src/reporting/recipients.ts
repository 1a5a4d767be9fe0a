import { setMaxListeners } from 'node:events';
import type { IletimerkeziApi, ReportMessage, ReportPage } from '../api/client.js';
import { MESSAGE_STATUS, type MessageStateName } from '../api/order-status.js';
import { CancelledError, UpstreamError, WorkLimitError } from '../errors.js';
import type { ProgressUpdate } from './call-progress.js';
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
 * serving pages forever (the same page again, say, which a list without ids cannot tell from a
 * number that failed twice): the walk stops there rather than loop or count twice.
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
 * Reads one order's recipients with get-report, page after page until a page has no messages
 * (the page size is never assumed, and `total` is a cross-check, not a stop rule), handing each
 * page's messages to `onPage` as it arrives, so a caller keeps only what it needs.
 */
export async function readOrderRecipients(
  api: IletimerkeziApi,
  orderId: number,
  onPage: (messages: readonly ReportMessage[]) => void,
  signal?: AbortSignal,
): Promise<OrderRecipients> {
  const counts: RecipientCounts = { delivered: 0, undelivered: 0, waiting: 0, other: 0 };
  let first: ReportPage | undefined;
  let messages = 0;
  for (let page = 1; ; page += 1) {
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
    first ??= read;
    const rows = read?.message ?? [];
    if (rows.length === 0) break;
    if (messages + rows.length > MAX_RECIPIENTS) {
      throw new UpstreamError(
        'repeating-pages',
        `The iletiMerkezi API served more than ${MAX_RECIPIENTS.toLocaleString('en-US')} recipients for order ${orderId} by page ${page}, ` +
          'more than one order can hold; stopped rather than count them twice or loop forever. Try again later.',
      );
    }
    for (const message of rows) counts[messageStateOf(message.status)] += 1;
    messages += rows.length;
    onPage(rows);
  }
  if (!first) {
    throw new UpstreamError(
      'invalid-response',
      `The iletiMerkezi get-report response for order ${orderId} had no order in it. The API may have changed; please report this to iletimerkezi-mcp.`,
    );
  }
  const order = resolvedOrder(first, counts, messages);
  const consistent =
    counts.delivered === order.delivered && counts.undelivered === order.undelivered && counts.waiting === order.waiting && messages === order.total;
  return { order, counts, messages, consistent };
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
}

/**
 * Reads the recipients of many orders side by side, after checking they are no more than
 * allowed (the client's limiter caps requests in flight; each order's pages go in turn). Of
 * each order, `keep` picks what to hold from its messages as they arrive, and `finish` turns
 * that into the order's result once the order is read whole, so a failed read adds nothing.
 * The first failure, or the caller's cancellation, stops every other order's traffic and is
 * rethrown.
 */
export async function readRecipientsOfOrders<O extends { id: number }, T, R>(
  api: IletimerkeziApi,
  orders: readonly O[],
  keep: (message: ReportMessage, order: O) => T | undefined,
  finish: (order: O, kept: T[], read: OrderRecipients) => R,
  options: ManyOrdersOptions,
): Promise<R[]> {
  checkReportOrders(orders.length, options);
  const operation = new AbortController();
  // Every queued request listens on this one signal, and removes itself once done.
  setMaxListeners(0, operation.signal);
  if (options.signal?.aborted) throw new CancelledError();
  const cancel = () => operation.abort();
  options.signal?.addEventListener('abort', cancel, { once: true });
  let failure: Error | undefined;
  const progress = new PagedProgress(orders.length, options.onProgress, (done, all) => `orders scanned; recipients of ${done} of ${all} ${options.what} read`);
  const readOne = async (order: O, index: number): Promise<R | undefined> => {
    try {
      const kept: T[] = [];
      const read = await readOrderRecipients(
        api,
        order.id,
        (messages) => {
          for (const message of messages) {
            const picked = keep(message, order);
            if (picked !== undefined) kept.push(picked);
          }
          progress.pageRead(index);
        },
        operation.signal,
      );
      progress.partFinished(index);
      return finish(order, kept, read);
    } catch (error) {
      failure ??= error instanceof Error ? error : new Error(String(error));
      operation.abort();
      return undefined;
    }
  };
  try {
    const results = await Promise.all(orders.map(readOne));
    if (options.signal?.aborted) throw new CancelledError();
    if (failure !== undefined) throw failure;
    return results as R[];
  } finally {
    options.signal?.removeEventListener('abort', cancel);
  }
}
