import type { IletimerkeziApi, Order } from '../api/client.js';
import { dayOfTimestamp, mondayOf } from './calendar.js';
import type { DayRange } from './date-range.js';
import { type ScanOptions, type ScanStats, scanOrders } from './order-scan.js';
import { equalsIgnoringCase } from './text.js';

export const ORDER_STATES = { 113: 'in_progress', 114: 'completed', 115: 'failed' } as const;
export type OrderState = (typeof ORDER_STATES)[keyof typeof ORDER_STATES] | 'other';

export function stateOf(status: number): OrderState {
  return ORDER_STATES[status as keyof typeof ORDER_STATES] ?? 'other';
}

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
    this.statusCounts[stateOf(order.status)] += 1;
    if (order.delivered + order.undelivered + order.waiting !== order.total) this.inconsistent += 1;
  }

  counters(): Counters & { provisional: boolean } {
    const { orders, total, delivered, undelivered, waiting } = this;
    return { orders, total, delivered, undelivered, waiting, provisional: waiting > 0 };
  }
}

export type GroupBy = 'sender' | 'day' | 'week' | 'month';

export interface DeliveryGroup extends Counters {
  key: string;
  provisional: boolean;
}

export interface DeliverySummary extends Counters {
  range: DayRange;
  deliveryRate: number | null;
  statusCounts: StatusCounts;
  provisional: boolean;
  inconsistentOrders: number;
  groups?: DeliveryGroup[];
  stats: ScanStats;
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

function sortedGroups(groups: Map<string, Tally>, groupBy: GroupBy): DeliveryGroup[] {
  const list = [...groups].map(([key, tally]) => ({ key, ...tally.counters() }));
  return groupBy === 'sender'
    ? list.sort((a, b) => b.total - a.total || a.key.localeCompare(b.key))
    : list.sort((a, b) => a.key.localeCompare(b.key));
}

export interface SummaryQuery {
  range: DayRange;
  sender?: string | undefined;
  groupBy?: GroupBy | undefined;
}

/** Totals for a range, aggregated page by page without keeping orders. */
export async function summarizeDelivery(api: IletimerkeziApi, query: SummaryQuery, options: ScanOptions): Promise<DeliverySummary> {
  const overall = new Tally();
  const groups = new Map<string, Tally>();
  const matchesSender = query.sender === undefined ? () => true : equalsIgnoringCase(query.sender);
  const keyOf = query.groupBy ? groupKeyFor(query.groupBy) : undefined;

  const stats = await scanOrders(
    api,
    query.range,
    (orders) => {
      for (const order of orders) {
        if (!matchesSender(order.sender)) continue;
        overall.add(order);
        if (!keyOf) continue;
        const key = keyOf(order);
        let group = groups.get(key);
        if (!group) {
          group = new Tally();
          groups.set(key, group);
        }
        group.add(order);
      }
    },
    options,
  );

  const settled = overall.delivered + overall.undelivered;
  return {
    range: query.range,
    ...overall.counters(),
    deliveryRate: settled === 0 ? null : overall.delivered / settled,
    statusCounts: { ...overall.statusCounts },
    inconsistentOrders: overall.inconsistent,
    ...(query.groupBy ? { groups: sortedGroups(groups, query.groupBy) } : {}),
    stats,
  };
}
