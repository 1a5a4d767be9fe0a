import type { IletimerkeziApi, Order } from '../api/client.js';
import { normalizePhoneNumber } from '../api/phone-number.js';
import { MESSAGE_STATUS } from '../api/order-status.js';
import { WorkLimitError } from '../errors.js';
import { progressPhases } from './call-progress.js';
import { type Day, dayOfTimestamp } from './calendar.js';
import type { DayRange } from './date-range.js';
import { type DroppedOrders, droppedBy } from './delivery-summary.js';
import type { ScanOptions } from './order-scan.js';
import { type NotCheckedOrder, readRecipientsOfOrders } from './recipients.js';
import { type SenderFilterOutcome, bySenderMatch, scanOrdersOfSender } from './sender-filter.js';
import { type Coverage, coverageOf } from './span.js';
import { FailureTally, MAX_FAILED_NUMBERS } from './failure-tally.js';
import type { RankedFailures } from './ranked-failures.js';

export type { FailedNumber } from './ranked-failures.js';

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
  numbers: RankedFailures;
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
  /** The most distinct failing numbers one call holds (MAX_FAILED_NUMBERS unless a test asks for fewer). */
  maxFailedNumbers?: number;
}

const ADVICE = 'Ask for a narrower range, or pass sender to look at one sender.';

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

/**
 * Which numbers failed in a range: the orders scanned as summarize_delivery scans them, then the
 * recipients read only for the orders with undelivered > 0, and the undelivered ones tallied per
 * number. The scan is the first half of the progress, the recipients the second.
 */
export async function findFailedNumbers(api: IletimerkeziApi, query: FailedNumbersQuery, options: RecipientReadOptions): Promise<FailedNumbersReport> {
  const progress = progressPhases(options.onProgress, { scan: 1, recipients: 1 });
  const { found, stats, filter } = await scanForFailures(api, query, { ...options, onProgress: progress.scan });
  const maxFailedNumbers = options.maxFailedNumbers ?? MAX_FAILED_NUMBERS;
  const tally = new FailureTally(
    maxFailedNumbers,
    (ordersRead) =>
      new WorkLimitError(
        `More than ${maxFailedNumbers.toLocaleString('en-US')} distinct numbers failed in ${ordersRead.toLocaleString('en-US')} of the ` +
          `${found.failing.length.toLocaleString('en-US')} orders with failures, more than one call can hold, so the call stopped there. ${ADVICE}`,
      ),
  );
  const { results, notChecked } = await readRecipientsOfOrders(
    api,
    found.failing,
    (message) => (message.status === MESSAGE_STATUS.undelivered ? tally.keyOf(normalizePhoneNumber(message.number)) : undefined),
    (order, failed) => {
      tally.addOrder(order, failed);
      return { orderId: order.id, expected: order.undelivered, found: failed.length };
    },
    {
      signal: options.signal,
      onProgress: progress.recipients,
      maxReportOrders: options.maxReportOrders,
      what: 'orders with failures',
      advice: ADVICE,
      finalRecipients: options.finalRecipients,
    },
  );
  return {
    range: query.range,
    ordersScanned: found.scanned,
    ordersWithFailures: found.failing.length,
    failedMessages: results.reduce((sum, result) => sum + result.found, 0),
    expectedFailedMessages: found.expectedFailures,
    numbers: tally.rank(),
    mismatched: results.filter((result) => result.found !== result.expected).sort((a, b) => a.orderId - b.orderId),
    notChecked,
    coverage: coverageOf(query.range, found.days),
    dropped: droppedBy(stats),
    ...(filter ? { senderFilter: filter } : {}),
  };
}
