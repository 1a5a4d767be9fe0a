import type { InboxMessage, Order } from '../../src/api/schemas.js';

/**
 * What a sender filter that matched nothing should name, by plain loops over fixture data: the
 * senders of the range, most messages first, then most orders, then by name, at most 20.
 */
export function sendersByMessages(orders: readonly Order[], limit = 20): Array<{ sender: string; orders: number; messages: number }> {
  const bySender = new Map<string, { sender: string; orders: number; messages: number }>();
  for (const order of orders) {
    const entry = bySender.get(order.sender) ?? { sender: order.sender, orders: 0, messages: 0 };
    entry.orders += 1;
    entry.messages += order.total;
    bySender.set(order.sender, entry);
  }
  return [...bySender.values()]
    .sort((a, b) => b.messages - a.messages || b.orders - a.orders || (a.sender < b.sender ? -1 : 1))
    .slice(0, limit);
}

/** The same for inbox messages: each message counts one. */
export function inboxSendersByMessages(messages: readonly InboxMessage[], limit = 20): Array<{ sender: string; messages: number }> {
  const counts = new Map<string, number>();
  for (const message of messages) counts.set(message.sender, (counts.get(message.sender) ?? 0) + 1);
  return [...counts]
    .map(([sender, count]) => ({ sender, messages: count }))
    .sort((a, b) => b.messages - a.messages || (a.sender < b.sender ? -1 : 1))
    .slice(0, limit);
}

export function distinctSenders(items: ReadonlyArray<{ sender: string }>): number {
  return new Set(items.map((item) => item.sender)).size;
}
