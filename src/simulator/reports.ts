import type { Order } from '../api/schemas.js';
import { type Endpoint, type RequestBody, objectField } from './endpoint.js';
import { acceptedWindow, dayAfter } from './filter-days.js';
import { OK_MESSAGE, envelope } from './http.js';
import type { ReportsWindow, SimulatorOptions } from './types.js';

/**
 * get-reports: the orders submitted in a window of at most 10 days, in pages, ending with an
 * empty page. A window's list is built once: the account never changes while the fake runs.
 */

const RANGE_ERROR = { status: 458, body: envelope(458, 'Tarih aralığı hatalı') };
const PAGE_ERROR = { status: 464, body: envelope(464, 'Sayfa numarası 1 den başlamalıdır') };

/** Page order: by submission time, then id, as a database index on both would return them. */
function inPageOrder(orders: readonly Order[]): Order[] {
  return [...orders].sort((a, b) => (a.submitAt < b.submitAt ? -1 : a.submitAt > b.submitAt ? 1 : a.id - b.id));
}

/** Orders by the day their submitAt names, compared as text, so an impossible day still has a place. */
function indexByDay(orders: readonly Order[]): Map<string, Order[]> {
  const days = new Map<string, Order[]>();
  for (const order of inPageOrder(orders)) {
    const day = order.submitAt.slice(0, 10);
    const list = days.get(day);
    if (list) list.push(order);
    else days.set(day, [order]);
  }
  return days;
}

function windowReader(options: SimulatorOptions): (window: ReportsWindow) => Order[] {
  const index = indexByDay(options.account.orders);
  const days = [...index.keys()].sort();
  const everything = [...index.values()].flat();
  const ownOrders = ({ start, end }: ReportsWindow): Order[] => {
    if (options.ignoreDateFilter) return everything;
    const from = options.crossWindowDuplicates ? dayAfter(start, -1) : start;
    const to = options.crossWindowDuplicates ? dayAfter(end, 1) : end;
    return days.filter((day) => day >= from && day <= to).flatMap((day) => index.get(day) ?? []);
  };
  const windows = new Map<string, Order[]>();
  return (window) => {
    const key = `${window.start}|${window.end}`;
    let orders = windows.get(key);
    if (!orders) {
      const extra = options.extraOrders?.(window) ?? [];
      orders = extra.length === 0 ? ownOrders(window) : inPageOrder([...ownOrders(window), ...extra]);
      windows.set(key, orders);
    }
    return orders;
  };
}

/** Counters and ids as digit strings, as sibling endpoints send them. */
function stringified(order: Order): Record<string, unknown> {
  return Object.fromEntries(Object.entries(order).map(([key, value]) => [key, typeof value === 'number' ? String(value) : value]));
}

const filterOf = (request: RequestBody) => objectField(request, 'filter');

export function reportsEndpoint(options: SimulatorOptions): Endpoint {
  const pageSize = options.pageSize ?? 30;
  const windowOrders = windowReader(options);
  return {
    describe: (request) => {
      const filter = filterOf(request);
      return { start: String(filter.start), end: String(filter.end), page: Number(filter.page ?? 1) };
    },
    answer: (request) => {
      const filter = filterOf(request);
      const window = acceptedWindow(filter.start, filter.end);
      if (!window) return RANGE_ERROR;
      const page = filter.page ?? 1;
      if (typeof page !== 'number' || !Number.isInteger(page) || page < 1) return PAGE_ERROR;
      const from = ((options.ignoresPage?.includes('get-reports') ? 1 : page) - 1) * pageSize;
      const orders = windowOrders(window).slice(from, from + pageSize);
      return { status: 200, body: envelope(200, OK_MESSAGE, { count: orders.length, orders: options.drift ? orders.map(stringified) : orders }) };
    },
  };
}
