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

/** delivered / (delivered + undelivered), null when nothing has settled. */
export function rateOf(order: Order): number | null {
  const settled = order.delivered + order.undelivered;
  return settled === 0 ? null : order.delivered / settled;
}

/** Lower rate first, an order without a rate after every order with one; 0 when the rates are the same. */
function byRateAscending(a: Order, b: Order): number {
  const rateA = rateOf(a);
  const rateB = rateOf(b);
  if (rateA === rateB) return 0;
  if (rateA === null) return 1;
  if (rateB === null) return -1;
  return rateA < rateB ? -1 : 1;
}

const byNewest = (a: Order, b: Order) => (a.submitAt === b.submitAt ? b.id - a.id : a.submitAt < b.submitAt ? 1 : -1);

/** list_orders' sorts, as its schema describes them, by plain comparisons. */
export const ORDER_SORT_TRUTH: Record<'newest' | 'oldest' | 'most_undelivered' | 'lowest_rate', (a: Order, b: Order) => number> = {
  newest: byNewest,
  oldest: (a, b) => -byNewest(a, b),
  most_undelivered: (a, b) => b.undelivered - a.undelivered || byRateAscending(a, b) || byNewest(a, b),
  lowest_rate: (a, b) => byRateAscending(a, b) || b.undelivered - a.undelivered || byNewest(a, b),
};

export function optOutIds(messages: InboxMessage[], isOptOut: (text: string) => boolean): string[] {
  return messages.filter((message) => isOptOut(message.text)).map((message) => message.id);
}

/** The demo account's opt-out texts, clear and possible alike, listed by hand from src/demo/account.ts. */
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

/** Of those, the one with RET inside a longer text (seven words): a possible opt-out, for review. */
export const DEMO_POSSIBLE_OPT_OUT_TEXTS = ['Ürünü iade (RETURN) etmek istiyorum, RET değil'];

export type OptOutKind = 'clear' | 'possible';

/** The kind of a demo text, by the two lists above. */
export function demoOptOutKind(text: string): OptOutKind | null {
  if (!DEMO_OPT_OUT_TEXTS.includes(text)) return null;
  return DEMO_POSSIBLE_OPT_OUT_TEXTS.includes(text) ? 'possible' : 'clear';
}

/** The senders of the clear and of the possible opt-outs among messages, each counted and sorted, as read_inbox tallies them. */
export function optOutTallies(messages: readonly InboxMessage[], kindOf: (text: string) => OptOutKind | null) {
  const tally = (kind: OptOutKind) => {
    const ofKind = messages.filter((message) => kindOf(message.text) === kind);
    const senders = [...new Set(ofKind.map((message) => message.sender))].sort();
    return { count: ofKind.length, distinctSenders: senders.length, senders };
  };
  return { optOuts: tally('clear'), possibleOptOuts: tally('possible') };
}

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

/**
 * The get-report requests that read an order of `total` recipients whole when the API gives its
 * total and serves pages of `rowCount`: every page up to a short one, and an empty one after the
 * last page only when that page came back full (2,000 recipients: pages 1, 2 and the empty 3).
 */
export function reportRequests(total: number, rowCount = 1000): number {
  return Math.floor(total / rowCount) + 1;
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

export interface AuditTruthItem {
  number: string;
  isPhoneNumber: boolean;
  optOutKind: OptOutKind;
  optedOutAt: string;
  messageId: string;
  text: string;
  blacklisted: boolean | null;
  sends: Array<{ orderId: number; sendAt: string; sender: string; status: string }>;
}

/**
 * The opt-out audit by plain loops over an account: the opt-out messages of the range (their
 * kinds by a list the caller gives), each number's earliest clear one, or its earliest possible
 * one when it sent no clear one, the blacklist, and every order of the scanned days that went
 * out after it (and by `now`) with the number among its recipients. The scanned days start
 * `leadDays` before the earliest opt-out's day (the audit's default lead when no scheduling
 * horizon is given). Items come problems first, clear before possible, then newest opt-out first.
 */
export function auditOf(
  account: { inbox: readonly InboxMessage[]; orders: readonly Order[]; blacklist?: readonly { number: string }[] },
  recipientsOf: (order: Order) => readonly Recipient[],
  range: { start: string; end: string },
  kindOf: (text: string) => OptOutKind | null,
  today: string,
  now: string,
  leadDays = 30,
): AuditTruthItem[] {
  const byNumber = new Map<string, AuditTruthItem>();
  for (const message of account.inbox) {
    const day = message.date.slice(0, 10);
    const optOutKind = kindOf(message.text);
    if (day < range.start || day > range.end || optOutKind === null) continue;
    const { number, isPhoneNumber } = expectedNumber(message.sender);
    const known = byNumber.get(number);
    if (known && (known.optOutKind === optOutKind ? known.optedOutAt <= message.date : known.optOutKind === 'clear')) continue;
    byNumber.set(number, { number, isPhoneNumber, optOutKind, optedOutAt: message.date, messageId: message.id, text: message.text, blacklisted: null, sends: [] });
  }
  const blacklist = new Set((account.blacklist ?? []).map((entry) => expectedNumber(entry.number).number));
  const items = [...byNumber.values()];
  for (const item of items) if (item.isPhoneNumber) item.blacklisted = blacklist.has(item.number);
  const checkable = items.filter((item) => item.isPhoneNumber);
  if (checkable.length > 0) {
    const earliest = checkable.map((item) => item.optedOutAt).sort()[0] ?? '';
    const first = new Date(Date.parse(`${earliest.slice(0, 10)}T00:00:00Z`) - leadDays * 86_400_000).toISOString().slice(0, 10);
    for (const order of account.orders) {
      const day = order.submitAt.slice(0, 10);
      if (day < first || day > today || order.sendAt <= earliest || order.sendAt > now) continue;
      for (const recipient of recipientsOf(order)) {
        const item = byNumber.get(expectedNumber(recipient.number).number);
        if (!item?.isPhoneNumber || order.sendAt <= item.optedOutAt) continue;
        const status = ({ 110: 'waiting', 111: 'delivered', 112: 'undelivered' } as Record<number, string>)[recipient.status] ?? 'other';
        item.sends.push({ orderId: order.id, sendAt: order.sendAt, sender: order.sender, status });
      }
    }
  }
  for (const item of items) item.sends.sort((a, b) => (a.sendAt < b.sendAt ? -1 : a.sendAt > b.sendAt ? 1 : a.orderId - b.orderId));
  const problem = (item: AuditTruthItem) => item.blacklisted === false || item.sends.length > 0;
  const clearFirst = (item: AuditTruthItem) => (item.optOutKind === 'clear' ? 0 : 1);
  return items.sort(
    (a, b) =>
      Number(problem(b)) - Number(problem(a)) ||
      clearFirst(a) - clearFirst(b) ||
      (a.optedOutAt < b.optedOutAt ? 1 : a.optedOutAt > b.optedOutAt ? -1 : a.number < b.number ? -1 : 1),
  );
}

/** The audit's counts for the items of one kind, as audit_opt_outs reports them. */
export function auditCounts(items: readonly AuditTruthItem[], kind: OptOutKind) {
  const ofKind = items.filter((item) => item.optOutKind === kind);
  return {
    count: ofKind.length,
    blacklisted: ofKind.filter((item) => item.blacklisted === true).length,
    notBlacklisted: ofKind.filter((item) => item.blacklisted === false).length,
    uncheckable: ofKind.filter((item) => item.blacklisted === null).length,
    messagedAfterOptOut: ofKind.filter((item) => item.sends.length > 0).length,
    toReview: ofKind.filter((item) => item.blacklisted === false || item.sends.length > 0).length,
  };
}

export interface TracedOrderTruth {
  orderId: number;
  sendAt: string;
  sender: string;
  recipientStatus: string;
  orderStatus: string;
  messages: number;
  orderDeliveryRate: number | null;
  orderRateProvisional: boolean;
}

const MESSAGE_STATE: Record<number, string> = { 110: 'waiting', 111: 'delivered', 112: 'undelivered' };
const ORDER_STATE: Record<number, string> = { 113: 'in_progress', 114: 'completed', 115: 'failed' };

/**
 * The orders of `orders` that went to `number` (E.164), by plain loops: each order's recipients
 * compared in E.164 by the hand rule above, what became of its messages to the number (delivered
 * if any was, else waiting, else undelivered, else other), newest sendAt first, then the larger id.
 * sendAt stays the API's wall-clock here.
 */
export function traceOf(orders: readonly Order[], recipientsOf: (order: Order) => readonly Recipient[], number: string): TracedOrderTruth[] {
  const traced: TracedOrderTruth[] = [];
  for (const order of orders) {
    const states = recipientsOf(order)
      .filter((recipient) => expectedNumber(recipient.number).number === number)
      .map((recipient) => MESSAGE_STATE[recipient.status] ?? 'other');
    if (states.length === 0) continue;
    const recipientStatus = ['delivered', 'waiting', 'undelivered', 'other'].find((state) => states.includes(state)) ?? 'other';
    const settled = order.delivered + order.undelivered;
    traced.push({
      orderId: order.id,
      sendAt: order.sendAt,
      sender: order.sender,
      recipientStatus,
      orderStatus: ORDER_STATE[order.status] ?? 'other',
      messages: states.length,
      orderDeliveryRate: settled === 0 ? null : order.delivered / settled,
      orderRateProvisional: order.waiting > 0 || order.status === 113,
    });
  }
  return traced.sort((a, b) => (a.sendAt === b.sendAt ? b.orderId - a.orderId : a.sendAt < b.sendAt ? 1 : -1));
}

/** Orders newest sendAt first, then the larger id: the order trace_number reads them in. */
export function newestSentFirst(orders: readonly Order[]): Order[] {
  return [...orders].sort((a, b) => (a.sendAt === b.sendAt ? b.id - a.id : a.sendAt < b.sendAt ? 1 : -1));
}
