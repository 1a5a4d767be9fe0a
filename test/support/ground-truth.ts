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
