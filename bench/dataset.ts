import type { Order } from '../src/api/schemas.js';
import { type Day, shiftDays, toTimestamp, today, weekdayOf } from '../src/reporting/calendar.js';
import { hashString, seededRandom } from '../src/simulator/random.js';

/**
 * Deterministic order data for the benchmark, dated relative to `now` (the real clock, because
 * the server clips ranges to today's Istanbul date). Weekdays get three times the orders of a
 * weekend day; each day's count varies ±40 % around its rate. Cheap enough for a million orders.
 */

export interface DatasetOptions {
  now: Date;
  /** Days of data ending today, today included. */
  days: number;
  /** Expected orders over all `days` (the actual count varies by a few per cent). */
  expectedOrders: number;
  seed?: number;
}

/** The demo account's senders, Turkish letters included (real bodies are not ASCII). */
const SENDERS = ['ACME MARKET', 'ACME BİLGİ', 'KARGOTAKIP', 'ISTKLINIK', 'eMarka Test'] as const;
const FIRST_ORDER_ID = 310_000_000;
const WEEKEND_SHARE = 1 / 3;
/** Orders are submitted between 08:00 and 22:00 Istanbul time. */
const DAY_START_SECONDS = 8 * 3600;
const DAY_SPAN_SECONDS = 14 * 3600;

const pad = (value: number) => (value < 10 ? `0${value}` : String(value));

function clock(seconds: number): string {
  return `${pad(Math.floor(seconds / 3600))}:${pad(Math.floor((seconds % 3600) / 60))}:${pad(seconds % 60)}`;
}

export function generateOrders(options: DatasetOptions): Order[] {
  const seed = options.seed ?? 4_2026;
  const nowStamp = toTimestamp(options.now);
  const lastDay = today(() => options.now);
  const days: Day[] = [];
  for (let back = options.days - 1; back >= 0; back -= 1) days.push(shiftDays(lastDay, -back));
  const weights = days.map((day) => (weekdayOf(day) === 0 || weekdayOf(day) === 6 ? WEEKEND_SHARE : 1));
  const weekdayRate = options.expectedOrders / weights.reduce((sum, weight) => sum + weight, 0);

  const orders: Order[] = [];
  let serial = 0;
  days.forEach((day, index) => {
    const random = seededRandom(hashString(`${seed}:${day}`));
    const count = Math.round((weights[index] ?? 1) * weekdayRate * (0.6 + random() * 0.8));
    const recent = index >= days.length - 2;
    for (let i = 0; i < count; i += 1) {
      // Evenly spread with jitter, so the times come out already sorted.
      const seconds = DAY_START_SECONDS + Math.floor(((i + random()) * DAY_SPAN_SECONDS) / count);
      const submitAt = `${day} ${clock(seconds)}`;
      if (submitAt > nowStamp) break;
      serial += 1;
      const campaign = random() < 0.2;
      const total = campaign ? 200 + Math.floor(random() * 4800) : 1 + Math.floor(random() * 3);
      const stillGoing = recent && random() < 0.3;
      const failed = !stillGoing && serial % 47 === 13;
      const waiting = stillGoing ? Math.max(1, Math.round(total * (0.1 + random() * 0.5))) : 0;
      const undelivered = failed ? total : Math.round((total - waiting) * (0.01 + random() * 0.07));
      orders.push({
        id: FIRST_ORDER_ID + serial * 7,
        status: failed ? 115 : stillGoing ? 113 : 114,
        total,
        delivered: total - waiting - undelivered,
        undelivered,
        waiting,
        submitAt,
        sendAt: submitAt,
        sender: SENDERS[Math.floor(random() * SENDERS.length)] ?? SENDERS[0],
      });
    }
  });
  return orders;
}

/** Orders per Istanbul submission day. */
export function countByDay(orders: readonly Order[]): Map<Day, number> {
  const counts = new Map<Day, number>();
  for (const order of orders) {
    const day = order.submitAt.slice(0, 10);
    counts.set(day, (counts.get(day) ?? 0) + 1);
  }
  return counts;
}
