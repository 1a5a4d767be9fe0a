import type { ReportMessage, ServedNumber } from '../api/client.js';
import { ORDER_STATUS } from '../api/order-status.js';
import { MemoryStore } from '../state/memory-store.js';
import type { SharedStore, StoreBounds } from '../state/store.js';
import { type Day, dayOfTimestamp } from './calendar.js';
import type { OrderRecipients, ReportedOrder } from './recipients.js';

export interface RecipientCacheLimits {
  ttlMs: number;
  /** Bytes (as JSON length) held across all orders of the private memory store. */
  maxBytes: number;
  now: () => number;
  /**
   * Where orders live: the server gives each account its scope of one store that every account
   * shares (memory or Redis). Without it, the cache keeps a private memory store.
   */
  store?: SharedStore;
}

/**
 * 32 MB holds about 1.5 million recipients (some 22 bytes each), months of an ordinary account's
 * failing orders. Six hours covers a working day's follow-up questions, and keeps phone numbers
 * from sitting in a shared Redis for days.
 */
export const DEFAULT_RECIPIENT_CACHE_LIMITS: RecipientCacheLimits = {
  ttlMs: 6 * 60 * 60_000,
  maxBytes: 32 * 1024 * 1024,
  now: () => performance.now(),
};

/** The bounds of a recipient store, the same in memory and in Redis. */
export function recipientBounds(limits: RecipientCacheLimits = DEFAULT_RECIPIENT_CACHE_LIMITS): StoreBounds {
  return { ttlMs: limits.ttlMs, maxBytes: limits.maxBytes, maxEntryBytes: limits.maxBytes };
}

/**
 * An order can still change while the pipeline runs (113), while a message waits, or on the day
 * it was submitted, when a late status report may still arrive. Judged from what get-report said
 * first, before its recipients are kept.
 */
export function mayBeFinalOrder(status: number, waiting: number | undefined, submitAt: string | undefined, today: Day): boolean {
  return (
    (status === ORDER_STATUS.completed || status === ORDER_STATUS.failed) &&
    (waiting ?? 0) === 0 &&
    submitAt !== undefined &&
    dayOfTimestamp(submitAt) < today
  );
}

/** Final: settled by status and counters, submitted before today, and the recipients read agree with the counters. */
export function isFinalOrder(read: OrderRecipients, submitAt: string | undefined, today: Day): boolean {
  return read.consistent && read.counts.waiting === 0 && mayBeFinalOrder(read.order.status, read.order.waiting, submitAt, today);
}

/**
 * An order's recipients as kept: the order, and its rows as get-report served them (each number
 * in its served type, then its status, in one flat JSON text). One string rather than arrays of
 * strings, so that the memory store holds about the bytes it counts, not three times as many.
 */
interface Entry {
  order: ReportedOrder;
  rows: string;
}

/** What the cache serves: the order and its messages, as get-report served them. */
export interface CachedRecipients {
  order: ReportedOrder;
  messages: ReportMessage[];
}

const key = (orderId: number) => `order:${orderId}`;

function decoded(orderId: number, entry: Entry | undefined): CachedRecipients | undefined {
  if (entry?.order?.id !== orderId || typeof entry.rows !== 'string') return undefined;
  let rows: unknown;
  try {
    rows = JSON.parse(entry.rows);
  } catch {
    return undefined;
  }
  if (!Array.isArray(rows) || rows.length % 2 !== 0) return undefined;
  const messages: ReportMessage[] = [];
  for (let index = 0; index < rows.length; index += 2) {
    const number: unknown = rows[index];
    const status: unknown = rows[index + 1];
    // Anything else is no entry this server wrote: a miss, never a wrong recipient.
    if ((typeof number !== 'string' && typeof number !== 'number') || typeof status !== 'number') return undefined;
    messages.push({ number, status });
  }
  return { order: entry.order, messages };
}

/**
 * The recipients of final orders, as get-report served them: a final order's recipients never
 * change, so a follow-up question reads only the orders that were not final yet. Bounded in bytes
 * and by age; the oldest order goes first.
 */
export class FinalRecipientCache {
  private readonly store: SharedStore;

  constructor(readonly limits: RecipientCacheLimits = DEFAULT_RECIPIENT_CACHE_LIMITS) {
    this.store = limits.store ?? new MemoryStore(recipientBounds(limits), limits.now);
  }

  async get(orderId: number): Promise<CachedRecipients | undefined> {
    return decoded(orderId, await this.store.get<Entry>(key(orderId)));
  }

  /** Keeps an order read whole, given as `rows` (number, status, number, status…), if it is final and fits; says whether it did. */
  async offer(read: OrderRecipients, rows: ReadonlyArray<ServedNumber | number>, submitAt: string | undefined, today: Day): Promise<boolean> {
    if (!isFinalOrder(read, submitAt, today) || rows.length !== read.messages * 2) return false;
    const entry: Entry = { order: read.order, rows: JSON.stringify(rows) };
    return this.store.set(key(read.order.id), entry);
  }
}

/** A call's dealings with the account's recipient cache: the cache, and the Istanbul day that decides what is final. */
export interface FinalRecipients {
  cache: FinalRecipientCache;
  today: Day;
}
