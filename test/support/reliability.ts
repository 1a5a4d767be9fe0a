import type { InboxMessage, Order } from '../../src/api/schemas.js';
import { optOutTallies, ordersBetween, totals } from './ground-truth.js';

/**
 * Helpers shared by the reliability and security suites. Expected values come from fixture
 * data with plain loops, never from the production aggregation, windowing or text code.
 */

/**
 * The fields summarize_delivery reports, as the fixture says they must be; `until` is the clock's
 * now (ISO 8601) for a range that reaches today, null for one that ended before.
 */
export function expectedSummary(orders: Order[], start: string, end: string, until: string | null = null) {
  const picked = ordersBetween(orders, start, end);
  const days = [...new Set(picked.map((order) => order.submitAt.slice(0, 10)))].sort();
  const sum = totals(picked);
  let inconsistent = 0;
  for (const order of picked) {
    if (order.delivered + order.undelivered + order.waiting !== order.total) inconsistent += 1;
  }
  const settled = sum.delivered + sum.undelivered;
  return {
    range: { start, end, timezone: 'Europe/Istanbul' },
    orders: sum.orders,
    total: sum.total,
    delivered: sum.delivered,
    undelivered: sum.undelivered,
    waiting: sum.waiting,
    deliveryRate: settled === 0 ? null : sum.delivered / settled,
    statusCounts: sum.statusCounts,
    provisional: sum.waiting > 0 || sum.statusCounts.in_progress > 0,
    inconsistentOrders: inconsistent,
    span: { days: daysBetween(start, end).length, daysWithData: days.length, firstDayWithData: days[0] ?? null, lastDayWithData: days.at(-1) ?? null, listedDaysWithData: days.length <= 5 ? days : [], soFar: until !== null, until },
    dropped: { duplicates: 0, outOfRange: 0 },
  };
}

/** Calendar days from start to end inclusive, by plain UTC date arithmetic (no time zones involved). */
export function daysBetween(start: string, end: string): string[] {
  const days: string[] = [];
  const cursor = new Date(`${start}T00:00:00Z`);
  const last = new Date(`${end}T00:00:00Z`);
  while (cursor <= last) {
    days.push(cursor.toISOString().slice(0, 10));
    cursor.setUTCDate(cursor.getUTCDate() + 1);
  }
  return days;
}

/**
 * get-reports requests a faultless scan must make: per 10-day window, one per page of
 * `pageSize` orders, plus the empty page that ends the window.
 */
export function expectedPageRequests(orders: Order[], start: string, end: string, pageSize = 30): number {
  const days = daysBetween(start, end);
  let requests = 0;
  for (let index = 0; index < days.length; index += 10) {
    const window = days.slice(index, index + 10);
    const inWindow = ordersBetween(orders, window[0] as string, window.at(-1) as string).length;
    requests += Math.ceil(inWindow / pageSize) + 1;
  }
  return requests;
}

/**
 * An independent opt-out rule: the words are the whitespace-separated tokens with their edge
 * punctuation trimmed; one of them RET in any casing makes an opt-out, clear with at most three
 * words and possible with more.
 */
export function retWordKind(text: string): 'clear' | 'possible' | null {
  const words = text
    .split(/\s+/)
    .map((word) => word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))
    .filter((word) => word.length > 0);
  if (!words.some((word) => word.toUpperCase() === 'RET' || word.toLocaleUpperCase('tr-TR') === 'RET')) return null;
  return words.length <= 3 ? 'clear' : 'possible';
}

export function expectedInbox(messages: InboxMessage[]) {
  return {
    totalRows: messages.length,
    fetched: messages.length,
    matched: messages.length,
    ...optOutTallies(messages, retWordKind),
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
