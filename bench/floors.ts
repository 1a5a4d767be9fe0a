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
