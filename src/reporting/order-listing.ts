import type { IletimerkeziApi, Order } from '../api/client.js';
import { type Day, dayOfTimestamp } from './calendar.js';
import type { DayRange } from './date-range.js';
import { type DroppedOrders, droppedBy } from './delivery-summary.js';
import { type ScanOptions, scanOrders } from './order-scan.js';
import { matchingIfGiven } from './filters.js';
import { type Listing, NewestFirstCollector, type SortKey } from './listing.js';
import { type Coverage, coverageOf } from './span.js';
import { equalsIgnoringCase } from './text.js';

export interface OrderListQuery {
  range: DayRange;
  sender?: string | undefined;
  status?: number | undefined;
}

export interface OrderListMeta {
  totalOrders: number;
  /** The submission days of the matching orders. */
  coverage: Coverage;
  dropped: DroppedOrders;
}

/** Past this many orders a listing keeps only one page, and its cursor recomputes the next. */
export const MAX_LISTED_ORDERS_HELD = 50_000;

export const orderKey = (order: Order): SortKey => ({ at: order.submitAt, id: String(order.id) });

/** The orders matching the query that come after `after`, newest first, and how many match in all. */
export async function listOrders(
  api: IletimerkeziApi,
  query: OrderListQuery,
  after: SortKey | undefined,
  keep: number,
  options: ScanOptions,
): Promise<Listing<Order, OrderListMeta>> {
  const matchesSender = matchingIfGiven(query.sender, equalsIgnoringCase);
  const collector = new NewestFirstCollector(orderKey, after, keep, MAX_LISTED_ORDERS_HELD);
  let totalOrders = 0;
  const days = new Set<Day>();
  const matches = (order: Order) => matchesSender(order.sender) && (query.status === undefined || order.status === query.status);
  const stats = await scanOrders(
    api,
    query.range,
    () => {
      const matching: Order[] = [];
      return {
        add: (order) => {
          if (matches(order)) matching.push(order);
        },
        commit: () => {
          totalOrders += matching.length;
          for (const order of matching) {
            collector.add(order);
            days.add(dayOfTimestamp(order.submitAt));
          }
        },
      };
    },
    options,
  );
  const { items, complete } = collector.finish();
  return { items, complete, meta: { totalOrders, coverage: coverageOf(query.range, days), dropped: droppedBy(stats) } };
}
