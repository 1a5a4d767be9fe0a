import type { IletimerkeziApi, Order } from '../api/client.js';
import { matchesNumber } from '../api/phone-number.js';
import { type MessageStateName, type OrderState, orderStateOf } from '../api/order-status.js';
import type { Blacklist, SharedBlacklist } from './blacklist.js';
import { type Day, dayOfTimestamp } from './calendar.js';
import { progressPhases } from './call-progress.js';
import type { DayRange } from './date-range.js';
import { type DroppedOrders, deliveryRateOf, droppedBy, isProvisionalOrder } from './delivery-summary.js';
import { type CleanMessage, readInbox } from './inbox.js';
import { type ScanOptions, scanOrders } from './order-scan.js';
import { type NotCheckedOrder, messageStateOf, readRecipientsOfOrders } from './recipients.js';
import { sideBySide } from './side-by-side.js';
import { type Coverage, coverageOf } from './span.js';

/**
 * What happened to one number: every order of a range that went to it and what became of its
 * message, whether it is on the blacklist now, and what it sent to the inbox. A support desk's
 * "my customer says the SMS never came", answered from the API's own records.
 */

export type RecipientState = MessageStateName | 'other';

export interface TracedOrder {
  orderId: number;
  sendAt: string;
  sender: string;
  /** What became of the message to this number; when the order held it more than once, the best of them (delivered, then waiting, then undelivered). */
  recipientStatus: RecipientState;
  orderStatus: OrderState;
  /** The order's messages to this number: 1 but for a list that held it more than once. */
  messages: number;
  /** The whole order's delivery rate, null when nothing settled: a number that failed in an order that did well points at the number. */
  orderDeliveryRate: number | null;
  orderRateProvisional: boolean;
}

export interface NumberTraceQuery {
  /** E.164. */
  number: string;
  range: DayRange;
  /** Now as an API timestamp: an order due later has not gone out, and get-report refuses it (456). */
  now: string;
}

export interface NumberTraceOptions extends ScanOptions {
  /** The most orders whose recipients one call reads (ILETIMERKEZI_MAX_REPORT_ORDERS): past it, the newest. */
  maxReportOrders: number;
  blacklist: SharedBlacklist;
}

export interface NumberTrace {
  number: string;
  range: DayRange;
  /** The orders that went to the number, newest sendAt first. */
  orders: TracedOrder[];
  /** Those orders by what became of the message. */
  counts: Record<RecipientState, number>;
  lastDeliveredAt: string | null;
  lastUndeliveredAt: string | null;
  /** Orders submitted in the range. */
  ordersInRange: number;
  /** Of those, the orders whose recipients were read whole. */
  ordersRead: number;
  /** Orders past ILETIMERKEZI_MAX_REPORT_ORDERS, all sent before every order read, and never read. */
  ordersNotRead: number;
  /** The sendAt of the oldest order read when some were left unread: they were all sent at or before it. */
  readBackTo: string | null;
  notChecked: NotCheckedOrder[];
  /** Orders scheduled to go out after now: they have no recipients to read yet. */
  scheduledLater: number;
  blacklist: Blacklist;
  /** The number's inbox messages received in the range, newest first. */
  inbox: CleanMessage[];
  /** Its latest opt-out anywhere in the inbox, in the range or not. */
  lastOptOut: CleanMessage | undefined;
  /** Orders read that went out to it after lastOptOut, and the sendAt of the first of them. */
  sentAfterOptOut: { orders: number; firstAt: string | null };
  inboxRead: { totalRows: number; fetched: number };
  /** Whether every order of the range was read and the inbox came whole. */
  complete: boolean;
  /** The submission days of the orders scanned. */
  coverage: Coverage;
  dropped: DroppedOrders;
}

/** Which of several messages to one number in one order tells its story: delivered over waiting over undelivered. */
const PRECEDENCE: readonly RecipientState[] = ['delivered', 'waiting', 'undelivered', 'other'];

function recipientState(statuses: readonly number[]): RecipientState {
  const states = new Set(statuses.map(messageStateOf));
  return PRECEDENCE.find((state) => states.has(state)) ?? 'other';
}

/** Newest sendAt first, then the larger id. */
const newestSentFirst = (a: Pick<Order, 'id' | 'sendAt'>, b: Pick<Order, 'id' | 'sendAt'>) =>
  a.sendAt < b.sendAt ? 1 : a.sendAt > b.sendAt ? -1 : b.id - a.id;

/** The orders submitted in the range, the submission days, and those not gone out yet set apart. */
async function ordersOfRange(api: IletimerkeziApi, query: NumberTraceQuery, options: ScanOptions) {
  const sent: Order[] = [];
  const days = new Set<Day>();
  let scheduledLater = 0;
  const stats = await scanOrders(
    api,
    query.range,
    () => {
      const page: Order[] = [];
      return {
        add: (order) => page.push(order),
        commit: () => {
          for (const order of page) {
            days.add(dayOfTimestamp(order.submitAt));
            if (order.sendAt > query.now) scheduledLater += 1;
            else sent.push(order);
          }
        },
      };
    },
    options,
  );
  return { sent: sent.sort(newestSentFirst), days, scheduledLater, stats };
}

/** The orders' part of the trace: the range scanned, then the recipients of its newest orders read, as many as allowed. */
async function tracedOrders(api: IletimerkeziApi, query: NumberTraceQuery, options: NumberTraceOptions) {
  const progress = progressPhases(options.onProgress, { scan: 1, recipients: 3 });
  const scanned = await ordersOfRange(api, query, { ...options, onProgress: progress.scan });
  const toRead = scanned.sent.slice(0, options.maxReportOrders);
  const isTraced = matchesNumber(query.number);
  const { results, notChecked } = await readRecipientsOfOrders(
    api,
    toRead,
    (message) => (isTraced(message.number) ? message.status : undefined),
    (order, statuses): TracedOrder | undefined =>
      statuses.length === 0
        ? undefined
        : {
            orderId: order.id,
            sendAt: order.sendAt,
            sender: order.sender,
            recipientStatus: recipientState(statuses),
            orderStatus: orderStateOf(order.status),
            messages: statuses.length,
            orderDeliveryRate: deliveryRateOf(order),
            orderRateProvisional: isProvisionalOrder(order),
          },
    {
      signal: options.signal,
      onProgress: progress.recipients,
      maxReportOrders: options.maxReportOrders,
      what: 'orders',
      advice: 'Ask for a narrower range.',
      finalRecipients: options.finalRecipients,
    },
  );
  const ordersNotRead = scanned.sent.length - toRead.length;
  return {
    // In the order read: newest sendAt first.
    orders: results.filter((order) => order !== undefined),
    ordersInRange: scanned.sent.length + scanned.scheduledLater,
    ordersRead: toRead.length - notChecked.length,
    ordersNotRead,
    readBackTo: ordersNotRead > 0 ? (toRead.at(-1)?.sendAt ?? null) : null,
    notChecked,
    scheduledLater: scanned.scheduledLater,
    coverage: coverageOf(query.range, scanned.days),
    dropped: droppedBy(scanned.stats),
  };
}

function lastWith(orders: readonly TracedOrder[], state: RecipientState): string | null {
  return orders.find((order) => order.recipientStatus === state)?.sendAt ?? null;
}

/**
 * Traces one number over a range. The orders (the scan, then get-report for each) run beside the
 * blacklist and the inbox, which are a few requests each; any failure stops the other parts and
 * is the call's.
 */
export async function traceNumber(api: IletimerkeziApi, query: NumberTraceQuery, options: NumberTraceOptions): Promise<NumberTrace> {
  // The blacklist and the inbox take a few requests beside hundreds of get-report: the orders carry the progress.
  const [traced, blacklist, inbox] = await sideBySide(options.signal, (signal) => [
    tracedOrders(api, query, { ...options, signal }),
    options.blacklist.read(api, signal),
    readInbox(api, { sender: query.number }, signal),
  ]);
  const inRange = inbox.items.filter((message) => {
    const day = dayOfTimestamp(message.date);
    return day >= query.range.start && day <= query.range.end;
  });
  const counts: Record<RecipientState, number> = { delivered: 0, undelivered: 0, waiting: 0, other: 0 };
  for (const order of traced.orders) counts[order.recipientStatus] += 1;
  const inboxRead = { totalRows: inbox.meta.totalRows, fetched: inbox.meta.fetched };
  // A clear opt-out says more than a possible one, whenever each came, as in the audit.
  const lastOptOut = inbox.items.find((message) => message.optOutKind === 'clear') ?? inbox.items.find((message) => message.optOut);
  // Newest sendAt first, so the last of them is the first to go out after the opt-out.
  const after = lastOptOut ? traced.orders.filter((order) => order.sendAt > lastOptOut.date) : [];
  return {
    number: query.number,
    range: query.range,
    ...traced,
    counts,
    lastDeliveredAt: lastWith(traced.orders, 'delivered'),
    lastUndeliveredAt: lastWith(traced.orders, 'undelivered'),
    blacklist,
    inbox: inRange,
    lastOptOut,
    sentAfterOptOut: { orders: after.length, firstAt: after.at(-1)?.sendAt ?? null },
    inboxRead,
    complete: traced.ordersNotRead === 0 && traced.notChecked.length === 0 && inboxRead.fetched === inboxRead.totalRows,
  };
}
