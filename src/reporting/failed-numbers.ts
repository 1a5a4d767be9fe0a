import type { IletimerkeziApi, Order, PhoneNumber } from '../api/client.js';
import { normalizePhoneNumber } from '../api/phone-number.js';
import { MESSAGE_STATUS } from '../api/order-status.js';
import { progressPhases } from './call-progress.js';
import { type Day, dayOfTimestamp } from './calendar.js';
import type { DayRange } from './date-range.js';
import { type DroppedOrders, droppedBy } from './delivery-summary.js';
import type { ScanOptions } from './order-scan.js';
import { type NotCheckedOrder, readRecipientsOfOrders } from './recipients.js';
import { type SenderFilterOutcome, bySenderMatch, scanOrdersOfSender } from './sender-filter.js';
import { type Coverage, coverageOf } from './span.js';

/** One number that failed, over every order of the range in which it did. */
export interface FailedNumber {
  number: string;
  isPhoneNumber: boolean;
  /** Undelivered messages to it. */
  failures: number;
  /** Orders in which it failed at least once. */
  orders: number;
  /** The sendAt of the latest of those orders (API wall-clock). */
  lastFailedAt: string;
}

/** An order whose undelivered recipients differ from its undelivered counter. */
export interface MismatchedOrder {
  orderId: number;
  expected: number;
  found: number;
}

export interface FailedNumbersReport {
  range: DayRange;
  ordersScanned: number;
  ordersWithFailures: number;
  failedMessages: number;
  expectedFailedMessages: number;
  /** Every failing number, most failures first, then by number. */
  numbers: FailedNumber[];
  mismatched: MismatchedOrder[];
  /** Orders with failures whose recipients could not be read yet, by id: their failures are in no figure above. */
  notChecked: NotCheckedOrder[];
  /** The submission days of the orders scanned. */
  coverage: Coverage;
  dropped: DroppedOrders;
  /** How the sender filter matched, when one was given. */
  senderFilter?: SenderFilterOutcome;
}

export interface FailedNumbersQuery {
  range: DayRange;
  sender?: string | undefined;
}

export interface RecipientReadOptions extends ScanOptions {
  /** The most orders whose recipients one call may read (ILETIMERKEZI_MAX_REPORT_ORDERS). */
  maxReportOrders: number;
}

/** What a scan of the range found: the orders counted, and those with failures whose recipients to read. */
interface FailingOrders {
  scanned: number;
  days: Set<Day>;
  expectedFailures: number;
  failing: Array<Pick<Order, 'id' | 'sendAt' | 'undelivered' | 'total' | 'submitAt'>>;
}

async function scanForFailures(api: IletimerkeziApi, query: FailedNumbersQuery, options: ScanOptions) {
  const foundBy = bySenderMatch((): FailingOrders => ({ scanned: 0, days: new Set(), expectedFailures: 0, failing: [] }));
  const { stats, match, filter } = await scanOrdersOfSender(
    api,
    query.range,
    query.sender,
    {
      create: (): Order[] => [],
      add: (page, order) => page.push(order),
      commit: (page, kind) => {
        const found = foundBy[kind];
        for (const order of page) {
          found.scanned += 1;
          found.days.add(dayOfTimestamp(order.submitAt));
          found.expectedFailures += order.undelivered;
          // Orders without failures are never read: that is most of the saving.
          if (order.undelivered > 0) found.failing.push({ id: order.id, sendAt: order.sendAt, undelivered: order.undelivered, total: order.total, submitAt: order.submitAt });
        }
      },
    },
    options,
  );
  return { found: foundBy[match], stats, filter };
}

/** Per-number tallies of undelivered messages. */
class FailureTally {
  private readonly byNumber = new Map<string, FailedNumber & { lastOrder: number }>();

  add(number: PhoneNumber, order: Pick<Order, 'id' | 'sendAt'>): void {
    let entry = this.byNumber.get(number.number);
    if (!entry) {
      entry = { ...number, failures: 0, orders: 0, lastFailedAt: order.sendAt, lastOrder: -1 };
      this.byNumber.set(number.number, entry);
    }
    entry.failures += 1;
    if (entry.lastOrder !== order.id) {
      // One order's messages arrive together, so a new order id here is a new order for this number.
      entry.orders += 1;
      entry.lastOrder = order.id;
    }
    if (order.sendAt > entry.lastFailedAt) entry.lastFailedAt = order.sendAt;
  }

  sorted(): FailedNumber[] {
    return [...this.byNumber.values()]
      .map(({ lastOrder: _lastOrder, ...entry }) => entry)
      .sort((a, b) => b.failures - a.failures || (a.number < b.number ? -1 : a.number > b.number ? 1 : 0));
  }
}

/**
 * Which numbers failed in a range: the orders scanned as summarize_delivery scans them, then the
 * recipients read only for the orders with undelivered > 0, and the undelivered ones tallied per
 * number. The scan is the first half of the progress, the recipients the second.
 */
export async function findFailedNumbers(api: IletimerkeziApi, query: FailedNumbersQuery, options: RecipientReadOptions): Promise<FailedNumbersReport> {
  const progress = progressPhases(options.onProgress, { scan: 1, recipients: 1 });
  const { found, stats, filter } = await scanForFailures(api, query, { ...options, onProgress: progress.scan });
  const tally = new FailureTally();
  const { results, notChecked } = await readRecipientsOfOrders(
    api,
    found.failing,
    (message) => (message.status === MESSAGE_STATUS.undelivered ? normalizePhoneNumber(message.number) : undefined),
    (order, failed) => {
      for (const number of failed) tally.add(number, order);
      return { orderId: order.id, expected: order.undelivered, found: failed.length };
    },
    {
      signal: options.signal,
      onProgress: progress.recipients,
      maxReportOrders: options.maxReportOrders,
      what: 'orders with failures',
      advice: 'Ask for a narrower range, or pass sender to look at one sender.',
      finalRecipients: options.finalRecipients,
    },
  );
  return {
    range: query.range,
    ordersScanned: found.scanned,
    ordersWithFailures: found.failing.length,
    failedMessages: results.reduce((sum, result) => sum + result.found, 0),
    expectedFailedMessages: found.expectedFailures,
    numbers: tally.sorted(),
    mismatched: results.filter((result) => result.found !== result.expected).sort((a, b) => a.orderId - b.orderId),
    notChecked,
    coverage: coverageOf(query.range, found.days),
    dropped: droppedBy(stats),
    ...(filter ? { senderFilter: filter } : {}),
  };
}
