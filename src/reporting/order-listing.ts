import type { IletimerkeziApi, Order } from '../api/client.js';
import { type Day, dayOfTimestamp } from './calendar.js';
import type { DayRange } from './date-range.js';
import { type DroppedOrders, deliveryRateOf, droppedBy } from './delivery-summary.js';
import type { ScanOptions } from './order-scan.js';
import { type Listing, NewestFirstCollector, type SortKey } from './listing.js';
import { type SenderFilterOutcome, bySenderMatch, scanOrdersOfSender } from './sender-filter.js';
import { type Coverage, coverageOf } from './span.js';

export const ORDER_SORTS = ['newest', 'oldest', 'most_undelivered', 'lowest_rate'] as const;
export type OrderSort = (typeof ORDER_SORTS)[number];

export interface OrderListQuery {
  range: DayRange;
  sender?: string | undefined;
  status?: number | undefined;
  /** Only orders of at least this many messages (their `total`). */
  minMessages?: number | undefined;
  sort: OrderSort;
}

export interface OrderListMeta {
  totalOrders: number;
  /** The submission days of the matching orders. */
  coverage: Coverage;
  dropped: DroppedOrders;
  /** Orders that pass the other filters but have fewer messages than minMessages, when it was given. */
  belowMinMessages?: number;
  /** How the sender filter matched, when one was given. */
  senderFilter?: SenderFilterOutcome;
}

/** Past this many orders a listing keeps only one page, and its cursor recomputes the next. */
export const MAX_LISTED_ORDERS_HELD = 50_000;

const newestKey = (order: Order): SortKey => ({ at: order.submitAt, id: String(order.id) });

// Listings page by keys shown largest first (listing.ts). A sort other than newest writes its
// values into the key, each at a fixed width and in lowercase hex, so that comparing the keys as
// strings compares the values; a value sorted smallest first has each digit complemented. The
// key ends with the order's id, so no two orders tie, and keyset paging serves every sort as it
// serves newest first, from a snapshot or recomputed.
const hex = (value: number, width: number) => value.toString(16).padStart(width, '0');
const ascending = (text: string) => text.replace(/[0-9a-f]/g, (digit) => (15 - Number.parseInt(digit, 16)).toString(16));
/** Ids and counters are safe integers: 14 hex digits hold any of them. */
const ID_WIDTH = 14;
const rateView = new DataView(new ArrayBuffer(8));

/** A rate as 16 hex digits: a non-negative double's bits, read as an unsigned integer, order as its values do. */
function rateHex(rate: number): string {
  rateView.setFloat64(0, rate);
  return rateView.getBigUint64(0).toString(16).padStart(16, '0');
}

/** Lowest rate first, and an order with no rate (nothing settled) after every order with one. */
function lowestRateFirst(order: Order): string {
  const rate = deliveryRateOf(order);
  return rate === null ? '0'.repeat(17) : `1${ascending(rateHex(rate))}`;
}

function sortedKey(order: Order, ...parts: string[]): SortKey {
  return { at: parts.join(' '), id: String(order.id) };
}

const SORT_KEYS: Record<OrderSort, (order: Order) => SortKey> = {
  newest: newestKey,
  oldest: (order) => sortedKey(order, ascending(order.submitAt), ascending(hex(order.id, ID_WIDTH))),
  most_undelivered: (order) => sortedKey(order, hex(order.undelivered, ID_WIDTH), lowestRateFirst(order), order.submitAt, hex(order.id, ID_WIDTH)),
  lowest_rate: (order) => sortedKey(order, lowestRateFirst(order), hex(order.undelivered, ID_WIDTH), order.submitAt, hex(order.id, ID_WIDTH)),
};

/** The key that places an order in a listing sorted by `sort`. */
export function orderKeyOf(sort: OrderSort): (order: Order) => SortKey {
  return SORT_KEYS[sort];
}

/** The orders matching the query that come after `after`, in the query's sort, and how many match in all. */
export async function listOrders(
  api: IletimerkeziApi,
  query: OrderListQuery,
  after: SortKey | undefined,
  keep: number,
  options: ScanOptions,
): Promise<Listing<Order, OrderListMeta>> {
  const keyOf = orderKeyOf(query.sort);
  const collectors = bySenderMatch(() => new NewestFirstCollector(keyOf, after, keep, MAX_LISTED_ORDERS_HELD));
  const totalOrders = bySenderMatch(() => 0);
  const belowMinMessages = bySenderMatch(() => 0);
  const { minMessages } = query;
  const days = bySenderMatch(() => new Set<Day>());
  const { stats, match, filter } = await scanOrdersOfSender(
    api,
    query.range,
    query.sender,
    {
      create: () => ({ orders: [] as Order[], belowMinMessages: 0 }),
      add: (page, order) => {
        if (query.status !== undefined && order.status !== query.status) return;
        if (minMessages !== undefined && order.total < minMessages) page.belowMinMessages += 1;
        else page.orders.push(order);
      },
      commit: (page, kind) => {
        totalOrders[kind] += page.orders.length;
        belowMinMessages[kind] += page.belowMinMessages;
        for (const order of page.orders) {
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
      ...(minMessages === undefined ? {} : { belowMinMessages: belowMinMessages[match] }),
      ...(filter ? { senderFilter: filter } : {}),
    },
  };
}
