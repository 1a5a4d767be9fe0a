import type { IletimerkeziApi, Order } from '../api/client.js';
import { type Day, dayOfTimestamp } from './calendar.js';
import type { DayRange } from './date-range.js';
import { type DroppedOrders, droppedBy } from './delivery-summary.js';
import type { ScanOptions } from './order-scan.js';
import { type Listing, NewestFirstCollector, type SortKey } from './listing.js';
import { type SenderFilterOutcome, bySenderMatch, scanOrdersOfSender } from './sender-filter.js';
import { type Coverage, coverageOf } from './span.js';

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
  /** How the sender filter matched, when one was given. */
  senderFilter?: SenderFilterOutcome;
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
  const collectors = bySenderMatch(() => new NewestFirstCollector(orderKey, after, keep, MAX_LISTED_ORDERS_HELD));
  const totalOrders = bySenderMatch(() => 0);
  const days = bySenderMatch(() => new Set<Day>());
  const { stats, match, filter } = await scanOrdersOfSender(
    api,
    query.range,
    query.sender,
    {
      create: (): Order[] => [],
      add: (page, order) => {
        if (query.status === undefined || order.status === query.status) page.push(order);
      },
      commit: (page, kind) => {
        totalOrders[kind] += page.length;
        for (const order of page) {
          collectors[kind].add(order);
          days[kind].add(dayOfTimestamp(order.submitAt));
        }
      },
    },
    options,
  );
  const { items, complete } = collectors[match].finish();
  return {
    items,
    complete,
    meta: {
      totalOrders: totalOrders[match],
      coverage: coverageOf(query.range, days[match]),
      dropped: droppedBy(stats),
      ...(filter ? { senderFilter: filter } : {}),
    },
  };
}
