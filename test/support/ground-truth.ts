import type { InboxMessage, Order } from '../../src/api/schemas.js';

/**
 * Expected answers computed straight from fixture data with plain loops, independent of the
 * production aggregation, windowing and paging code.
 */
export function ordersBetween(orders: Order[], start: string, end: string): Order[] {
  return orders.filter((order) => {
    const day = order.submitAt.slice(0, 10);
    return day >= start && day <= end;
  });
}

export function totals(orders: Order[]) {
  const sum = { orders: orders.length, total: 0, delivered: 0, undelivered: 0, waiting: 0 };
  const statusCounts = { in_progress: 0, completed: 0, failed: 0, other: 0 };
  for (const order of orders) {
    sum.total += order.total;
    sum.delivered += order.delivered;
    sum.undelivered += order.undelivered;
    sum.waiting += order.waiting;
    if (order.status === 113) statusCounts.in_progress += 1;
    else if (order.status === 114) statusCounts.completed += 1;
    else if (order.status === 115) statusCounts.failed += 1;
    else statusCounts.other += 1;
  }
  return { ...sum, statusCounts };
}

/** Newest first by submitAt, then the larger id first. */
export function newestFirst(orders: Order[]): Order[] {
  return [...orders].sort((a, b) => (a.submitAt === b.submitAt ? b.id - a.id : a.submitAt < b.submitAt ? 1 : -1));
}

export function optOutIds(messages: InboxMessage[], isOptOut: (text: string) => boolean): string[] {
  return messages.filter((message) => isOptOut(message.text)).map((message) => message.id);
}

/** The demo account's opt-out texts, listed by hand from src/demo/account.ts. */
export const DEMO_OPT_OUT_TEXTS = [
  'ILT AHKTEST RET',
  'ret',
  'Ret.',
  'RET ACME',
  'Ürünü iade (RETURN) etmek istiyorum, RET değil',
  'acme ret',
  'ILT KARGOTAKIP rEt',
  'RET',
];

/**
 * The E.164 form of a number as the demo account and the tests write them, by a rule written
 * here by hand for exactly those forms (10 digits starting 5, with 0, 90 or +90 before, spaced
 * or not), independent of the phone-number library the server uses. Anything else is not a
 * phone number and is expected back exactly as sent.
 */
export function expectedNumber(raw: string | number): { number: string; isPhoneNumber: boolean } {
  const text = String(raw);
  const digits = text.replace(/[\s+]/g, '');
  const national = /^\d+$/.test(digits) ? digits.replace(/^(90|0)(?=5\d{9}$)/, '') : '';
  return /^5\d{9}$/.test(national) ? { number: `+90${national}`, isPhoneNumber: true } : { number: text, isPhoneNumber: false };
}

export interface Recipient {
  number: string | number;
  status: number;
}

/** Recipients listed undelivered first, then waiting, delivered and anything else, each in the API's order. */
export function recipientsInListOrder(recipients: readonly Recipient[]): Recipient[] {
  const rank = (status: number) => ({ 112: 0, 110: 1, 111: 2 })[status] ?? 3;
  const ordered: Recipient[] = [];
  for (const wanted of [0, 1, 2, 3]) for (const recipient of recipients) if (rank(recipient.status) === wanted) ordered.push(recipient);
  return ordered;
}

export interface FailedNumberTruth {
  number: string;
  isPhoneNumber: boolean;
  failures: number;
  orders: number;
  lastFailedAt: string;
}

/** Failures per number over the orders given, most first, then by number; lastFailedAt is the latest order's sendAt as ISO. */
export function failedNumbersOf(orders: readonly Order[], recipientsOf: (order: Order) => readonly Recipient[]): FailedNumberTruth[] {
  const byNumber = new Map<string, FailedNumberTruth & { seen: Set<number> }>();
  for (const order of orders) {
    for (const recipient of recipientsOf(order)) {
      if (recipient.status !== 112) continue;
      const { number, isPhoneNumber } = expectedNumber(recipient.number);
      const entry = byNumber.get(number) ?? { number, isPhoneNumber, failures: 0, orders: 0, lastFailedAt: '', seen: new Set<number>() };
      entry.failures += 1;
      entry.seen.add(order.id);
      entry.orders = entry.seen.size;
      if (order.sendAt > entry.lastFailedAt) entry.lastFailedAt = order.sendAt;
      byNumber.set(number, entry);
    }
  }
  return [...byNumber.values()]
    .map(({ seen: _seen, ...entry }) => ({ ...entry, lastFailedAt: `${entry.lastFailedAt.replace(' ', 'T')}+03:00` }))
    .sort((a, b) => b.failures - a.failures || (a.number < b.number ? -1 : a.number > b.number ? 1 : 0));
}
