import { type Day, shiftDays } from '../src/reporting/calendar.js';
import { type DayRange, splitIntoWindows } from '../src/reporting/date-range.js';

/**
 * Lower bounds on the wall time of a full scan, from the fake's data. Windows are independent;
 * inside a window pages are sequential until the empty one, so a window with n orders is a
 * chain of ceil(n / pageSize) + 1 requests.
 */

export interface WindowLoad {
  start: Day;
  end: Day;
  orders: number;
  requests: number;
}

export interface Floors {
  windows: WindowLoad[];
  orders: number;
  /** Requests a complete scan needs: the sum of every window's chain. */
  requests: number;
  longestChain: number;
  /** max(longest chain, ceil(requests / c)) × latency. */
  floorMs: number;
  /** Every request one after another: requests × latency. */
  sequentialFloorMs: number;
}

export function windowLoads(range: DayRange, ordersByDay: ReadonlyMap<Day, number>, pageSize: number): WindowLoad[] {
  return splitIntoWindows(range).map((window) => {
    let orders = 0;
    for (let day = window.start; day <= window.end; day = shiftDays(day, 1)) orders += ordersByDay.get(day) ?? 0;
    return { ...window, orders, requests: Math.ceil(orders / pageSize) + 1 };
  });
}

export function computeFloors(
  range: DayRange,
  ordersByDay: ReadonlyMap<Day, number>,
  options: { pageSize: number; latencyMs: number; concurrency: number },
): Floors {
  const windows = windowLoads(range, ordersByDay, options.pageSize);
  const requests = windows.reduce((sum, window) => sum + window.requests, 0);
  const longestChain = Math.max(0, ...windows.map((window) => window.requests));
  return {
    windows,
    orders: windows.reduce((sum, window) => sum + window.orders, 0),
    requests,
    longestChain,
    floorMs: Math.max(longestChain, Math.ceil(requests / options.concurrency)) * options.latencyMs,
    sequentialFloorMs: requests * options.latencyMs,
  };
}

/** get-report's page size as the client asks for it, and the fake serves by default. */
export const REPORT_ROWS = 1000;

/**
 * The requests one order's recipients take when get-report gives the order's total: its pages up
 * to the short last one, which ends the walk; after a full last page, the empty one too.
 */
export function reportChain(order: { total: number }): number {
  return Math.floor(order.total / REPORT_ROWS) + 1;
}

/** The same walk before it stopped early: every page, then always the empty one. */
export function reportChainToEmptyPage(order: { total: number }): number {
  return Math.ceil(order.total / REPORT_ROWS) + 1;
}

export interface RecipientFloors {
  /** Orders whose recipients must be read (undelivered > 0), and the get-report requests they take. */
  ordersRead: number;
  requests: number;
  /** The requests the walk before the early stop made for the same orders: every page, then the empty one. */
  requestsToEmptyPages: number;
  /** What reading every order's recipients would have taken on top. */
  requestsSaved: number;
  /** The scan's floor, then the recipients' own: max(longest order chain, ceil(requests / c)) × latency. */
  floorMs: number;
}

/** The floor of list_failed_numbers: the scan, then the recipients of the orders with failures. */
export function recipientFloors(scan: Floors, orders: ReadonlyArray<{ total: number; undelivered: number }>, options: { latencyMs: number; concurrency: number }): RecipientFloors {
  const failing = orders.filter((order) => order.undelivered > 0);
  const requests = failing.reduce((sum, order) => sum + reportChain(order), 0);
  const requestsToEmptyPages = failing.reduce((sum, order) => sum + reportChainToEmptyPage(order), 0);
  const longest = Math.max(0, ...failing.map(reportChain));
  const requestsSaved = orders.filter((order) => order.undelivered === 0).reduce((sum, order) => sum + reportChain(order), 0);
  return {
    ordersRead: failing.length,
    requests,
    requestsToEmptyPages,
    requestsSaved,
    floorMs: scan.floorMs + Math.max(longest, Math.ceil(requests / options.concurrency)) * options.latencyMs,
  };
}

/**
 * Final as the bench's data can tell, so its recipients are cached: 114 or 115, nothing waiting,
 * submitted before today. (The fake's recipients always agree with the order's counters.)
 */
export function isFinalOrder(order: { status: number; waiting: number; submitAt: string }, today: Day): boolean {
  return (order.status === 114 || order.status === 115) && order.waiting === 0 && order.submitAt.slice(0, 10) < today;
}
