import type { IletimerkeziApi, Order } from '../api/client.js';
import { type OrderState, isInProgress, orderStateOf } from '../api/order-status.js';
import { type Day, dayOfTimestamp, firstOfMonth, mondayOf, shiftDays, shiftMonths } from './calendar.js';
import type { DayRange } from './date-range.js';
import type { ScanOptions, ScanStats } from './order-scan.js';
import { type SenderFilterOutcome, bySenderMatch, scanOrdersOfSender } from './sender-filter.js';
import { type Coverage, coverageOf } from './span.js';

export interface Counters {
  orders: number;
  total: number;
  delivered: number;
  undelivered: number;
  waiting: number;
}

export type StatusCounts = Record<OrderState, number>;

/** Running sums of order counters; adding is O(1), so any number of orders fits. */
export class Tally implements Counters {
  orders = 0;
  total = 0;
  delivered = 0;
  undelivered = 0;
  waiting = 0;
  /** Orders whose delivered + undelivered + waiting differs from total; summed as reported. */
  inconsistent = 0;
  readonly statusCounts: StatusCounts = { in_progress: 0, completed: 0, failed: 0, other: 0 };

  add(order: Order): void {
    this.orders += 1;
    this.total += order.total;
    this.delivered += order.delivered;
    this.undelivered += order.undelivered;
    this.waiting += order.waiting;
    this.statusCounts[orderStateOf(order.status)] += 1;
    if (order.delivered + order.undelivered + order.waiting !== order.total) this.inconsistent += 1;
  }

  merge(other: Tally): void {
    this.orders += other.orders;
    this.total += other.total;
    this.delivered += other.delivered;
    this.undelivered += other.undelivered;
    this.waiting += other.waiting;
    this.inconsistent += other.inconsistent;
    for (const state of Object.keys(this.statusCounts) as OrderState[]) this.statusCounts[state] += other.statusCounts[state];
  }

  counters(): Counters & { provisional: boolean } {
    const { orders, total, delivered, undelivered, waiting } = this;
    // An order in progress can still gain failures even when its waiting count reads 0.
    return { orders, total, delivered, undelivered, waiting, provisional: waiting > 0 || this.statusCounts.in_progress > 0 };
  }
}

/** delivered / (delivered + undelivered): the share of settled messages that arrived; null when none has settled. */
export function deliveryRateOf(counters: Pick<Counters, 'delivered' | 'undelivered'>): number | null {
  const settled = counters.delivered + counters.undelivered;
  return settled === 0 ? null : counters.delivered / settled;
}

/** Whether one order's rate may still change: messages are waiting, or it is still going out (it can gain failures whatever its waiting count says). */
export function isProvisionalOrder(order: Pick<Order, 'status' | 'waiting'>): boolean {
  return order.waiting > 0 || isInProgress(order.status);
}

export type GroupBy = 'sender' | 'day' | 'week' | 'month';
export type PeriodGroupBy = Exclude<GroupBy, 'sender'>;

export interface DeliveryGroup extends Counters {
  key: string;
  provisional: boolean;
  deliveryRate: number | null;
}

export interface DeliverySummary extends Counters {
  range: DayRange;
  deliveryRate: number | null;
  statusCounts: StatusCounts;
  provisional: boolean;
  inconsistentOrders: number;
  /** By sender, largest volume (messages) first; by period, every period of the range in time order, empty ones too. */
  groups?: DeliveryGroup[];
  /** The submission days of the orders counted. */
  coverage: Coverage;
  dropped: DroppedOrders;
  /** How the sender filter matched, when one was given. */
  senderFilter?: SenderFilterOutcome;
}

/** Orders the API served that were not counted, so that leaving them out is never silent. */
export interface DroppedOrders {
  /** Served more than once, in one window or in several. */
  duplicates: number;
  /** Submitted on a day outside the range asked for. */
  outOfRange: number;
}

export function droppedBy(stats: ScanStats): DroppedOrders {
  return { duplicates: stats.duplicatesDropped, outOfRange: stats.outOfRangeDropped };
}

/**
 * Every period key of the range, oldest first, as groupKeyFor writes them: a day, the Monday that
 * starts a week, or a month as YYYY-MM. The first week or month may begin before the range.
 */
export function periodKeys(range: DayRange, groupBy: PeriodGroupBy): string[] {
  const keys: string[] = [];
  if (groupBy === 'month') {
    for (let first = firstOfMonth(range.start); first <= range.end; first = shiftMonths(first, 1)) keys.push(first.slice(0, 7));
    return keys;
  }
  const step = groupBy === 'week' ? 7 : 1;
  for (let day = groupBy === 'week' ? mondayOf(range.start) : range.start; day <= range.end; day = shiftDays(day, step)) keys.push(day);
  return keys;
}

/** Group keys come from the order's submission day (submitAt, Istanbul wall-clock). */
function groupKeyFor(groupBy: GroupBy): (order: Order) => string {
  if (groupBy === 'sender') return (order) => order.sender;
  if (groupBy === 'month') return (order) => order.submitAt.slice(0, 7);
  if (groupBy === 'day') return (order) => dayOfTimestamp(order.submitAt);
  const mondays = new Map<string, string>();
  return (order) => {
    const day = dayOfTimestamp(order.submitAt);
    let monday = mondays.get(day);
    if (monday === undefined) {
      monday = mondayOf(day);
      mondays.set(day, monday);
    }
    return monday;
  };
}

/** Totals overall and per group; a page's totals merge into the scan's once the page is complete. */
class DeliveryTotals {
  readonly overall = new Tally();
  readonly groups = new Map<string, Tally>();
  readonly days = new Set<Day>();

  constructor(private readonly keyOf: ((order: Order) => string) | undefined) {}

  add(order: Order): void {
    this.overall.add(order);
    this.days.add(dayOfTimestamp(order.submitAt));
    if (this.keyOf) this.groupFor(this.keyOf(order)).add(order);
  }

  merge(other: DeliveryTotals): void {
    this.overall.merge(other.overall);
    for (const day of other.days) this.days.add(day);
    for (const [key, tally] of other.groups) this.groupFor(key).merge(tally);
  }

  /** Senders by volume; periods as the range's complete series, a period without orders as zeros. */
  groupList(groupBy: GroupBy, range: DayRange): DeliveryGroup[] {
    const group = (key: string, tally: Tally): DeliveryGroup => {
      const counters = tally.counters();
      return { key, ...counters, deliveryRate: deliveryRateOf(counters) };
    };
    if (groupBy !== 'sender') return periodKeys(range, groupBy).map((key) => group(key, this.groups.get(key) ?? new Tally()));
    return [...this.groups]
      .map(([key, tally]) => group(key, tally))
      .sort((a, b) => b.total - a.total || a.key.localeCompare(b.key));
  }

  private groupFor(key: string): Tally {
    let group = this.groups.get(key);
    if (!group) {
      group = new Tally();
      this.groups.set(key, group);
    }
    return group;
  }
}

export interface SummaryQuery {
  range: DayRange;
  sender?: string | undefined;
  groupBy?: GroupBy | undefined;
}

/** Totals for a range, aggregated page by page without keeping orders. */
export async function summarizeDelivery(api: IletimerkeziApi, query: SummaryQuery, options: ScanOptions): Promise<DeliverySummary> {
  const keyOf = query.groupBy ? groupKeyFor(query.groupBy) : undefined;
  const totalsBy = bySenderMatch(() => new DeliveryTotals(keyOf));
  const { stats, match, filter } = await scanOrdersOfSender(
    api,
    query.range,
    query.sender,
    {
      create: () => new DeliveryTotals(keyOf),
      add: (page, order) => page.add(order),
      commit: (page, kind) => totalsBy[kind].merge(page),
    },
    options,
  );

  const totals = totalsBy[match];
  const { overall } = totals;
  return {
    range: query.range,
    ...overall.counters(),
    deliveryRate: deliveryRateOf(overall),
    statusCounts: { ...overall.statusCounts },
    inconsistentOrders: overall.inconsistent,
    ...(query.groupBy ? { groups: totals.groupList(query.groupBy, query.range) } : {}),
    coverage: coverageOf(query.range, totals.days),
    dropped: droppedBy(stats),
    ...(filter ? { senderFilter: filter } : {}),
  };
}
