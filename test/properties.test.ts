import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Order } from '../src/api/client.js';
import { splitIntoWindows } from '../src/reporting/date-range.js';
import { type GroupBy, Tally, summarizeDelivery } from '../src/reporting/delivery-summary.js';
import { ordersBetween, totals } from './support/ground-truth.js';
import { pagedOrdersApi } from './support/memory-api.js';

/** Day arithmetic in plain UTC, independent of the production calendar code. */
const DAY_MS = 86_400_000;
const toDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const toMs = (day: string) => Date.parse(`${day}T00:00:00Z`);
const spanDays = (start: string, end: string) => (toMs(end) - toMs(start)) / DAY_MS + 1;

const FIRST = toMs('2000-01-01');
const LAST = toMs('2999-12-31');

describe('splitIntoWindows', () => {
  it('tiles any valid range exactly, in windows of at most 10 days', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: (LAST - FIRST) / DAY_MS }),
        // Mostly ranges a tool accepts by default (up to 366 days), sometimes up to the 3660-day setting.
        fc.oneof({ arbitrary: fc.integer({ min: 1, max: 400 }), weight: 4 }, { arbitrary: fc.integer({ min: 1, max: 3660 }), weight: 1 }),
        (offset, length) => {
        const start = toDay(FIRST + offset * DAY_MS);
        const endMs = Math.min(LAST, FIRST + (offset + length - 1) * DAY_MS);
        const end = toDay(endMs);
        const windows = splitIntoWindows({ start, end });
        expect(windows[0]?.start).toBe(start);
        expect(windows.at(-1)?.end).toBe(end);
        let days = 0;
        windows.forEach((window, index) => {
          const size = spanDays(window.start, window.end);
          expect(size).toBeGreaterThanOrEqual(1);
          expect(size).toBeLessThanOrEqual(10);
          // Every window but the last is a full 10 days, so the count is the fewest possible.
          if (index < windows.length - 1) expect(size).toBe(10);
          const next = windows[index + 1];
          if (next) expect(toMs(next.start)).toBe(toMs(window.end) + DAY_MS);
          days += size;
        });
        expect(days).toBe(spanDays(start, end));
        expect(windows).toHaveLength(Math.ceil(spanDays(start, end) / 10));
        },
      ),
      { numRuns: 150 },
    );
  });
});

const SENDERS = ['ACME MARKET', 'acme market', 'KARGOTAKIP', 'ISTKLINIK', 'ACME BİLGİ'];
const RANGE = { start: '2026-01-01', end: '2026-03-31' };
const RANGE_DAYS = spanDays(RANGE.start, RANGE.end);

const orderArbitrary = fc.record({
  status: fc.constantFrom(113, 114, 115, 116, 0),
  total: fc.nat({ max: 100_000 }),
  delivered: fc.nat({ max: 100_000 }),
  undelivered: fc.nat({ max: 100_000 }),
  waiting: fc.nat({ max: 100_000 }),
  // A few days on each side of the range, to prove they are left out.
  dayOffset: fc.integer({ min: -3, max: RANGE_DAYS + 2 }),
  seconds: fc.integer({ min: 0, max: 86_399 }),
  sender: fc.constantFrom(...SENDERS),
  scheduled: fc.boolean(),
});

type OrderRecord = typeof orderArbitrary extends fc.Arbitrary<infer R> ? R : never;

function buildOrders(records: OrderRecord[]): Order[] {
  return records.map((record, index) => {
    const day = toDay(toMs(RANGE.start) + record.dayOffset * DAY_MS);
    const time = new Date(record.seconds * 1000).toISOString().slice(11, 19);
    const submitAt = `${day} ${time}`;
    return {
      id: 1_000 + index,
      status: record.status,
      total: record.total,
      delivered: record.delivered,
      undelivered: record.undelivered,
      waiting: record.waiting,
      submitAt,
      sendAt: record.scheduled ? `${toDay(toMs(day) + DAY_MS)} 10:00:00` : submitAt,
      sender: record.sender,
    };
  });
}

const COUNTERS = ['orders', 'total', 'delivered', 'undelivered', 'waiting'] as const;

describe('delivery totals', () => {
  it('summing per group equals summing overall, for every grouping, and equals a plain loop', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(orderArbitrary, { maxLength: 120 }),
        fc.constantFrom<GroupBy>('sender', 'day', 'week', 'month'),
        fc.integer({ min: 1, max: 40 }),
        async (records, groupBy, pageSize) => {
          const orders = buildOrders(records);
          const summary = await summarizeDelivery(pagedOrdersApi(orders, pageSize), { range: RANGE, groupBy }, {});
          const expected = totals(ordersBetween(orders, RANGE.start, RANGE.end));
          for (const counter of COUNTERS) {
            expect(summary[counter]).toBe(expected[counter]);
            expect((summary.groups ?? []).reduce((sum, group) => sum + group[counter], 0)).toBe(expected[counter]);
          }
          expect(summary.statusCounts).toEqual(expected.statusCounts);
          expect(new Set(summary.groups?.map((group) => group.key)).size).toBe(summary.groups?.length);
          // Senders come from the orders; periods are the range's complete series (2025-12-29 starts the first week).
          if (groupBy === 'sender') for (const group of summary.groups ?? []) expect(group.orders).toBeGreaterThan(0);
          else expect(summary.groups).toHaveLength({ day: RANGE_DAYS, week: 14, month: 3 }[groupBy]);
          const days = [...new Set(ordersBetween(orders, RANGE.start, RANGE.end).map((order) => order.submitAt.slice(0, 10)))].sort();
          expect(summary.coverage).toEqual({ days: RANGE_DAYS, daysWithData: days.length, firstDayWithData: days[0] ?? null, lastDayWithData: days.at(-1) ?? null, listedDaysWithData: days.length <= 5 ? days : [] });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('the Tally of a whole list equals the sum of the Tallies of any split of it', () => {
    fc.assert(
      fc.property(fc.array(orderArbitrary, { maxLength: 80 }), fc.array(fc.nat({ max: 3 }), { maxLength: 80 }), (records, parts) => {
        const orders = buildOrders(records);
        const whole = new Tally();
        const split = [new Tally(), new Tally(), new Tally(), new Tally()];
        orders.forEach((order, index) => {
          whole.add(order);
          split[(parts[index] ?? 0) % split.length]?.add(order);
        });
        for (const counter of COUNTERS) {
          expect(split.reduce((sum, tally) => sum + tally[counter], 0)).toBe(whole[counter]);
        }
        expect(split.reduce((sum, tally) => sum + tally.inconsistent, 0)).toBe(whole.inconsistent);
        let inconsistent = 0;
        for (const order of orders) if (order.delivered + order.undelivered + order.waiting !== order.total) inconsistent += 1;
        expect(whole.inconsistent).toBe(inconsistent);
        for (const state of ['in_progress', 'completed', 'failed', 'other'] as const) {
          expect(split.reduce((sum, tally) => sum + tally.statusCounts[state], 0)).toBe(whole.statusCounts[state]);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('per-sender summaries add up to the unfiltered one (sender matching is case-insensitive)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(orderArbitrary, { maxLength: 100 }), async (records) => {
        const orders = buildOrders(records);
        const api = pagedOrdersApi(orders, 25);
        const overall = await summarizeDelivery(api, { range: RANGE }, {});
        // 'ACME MARKET' also matches 'acme market', so the distinct senders are the case-folded ones.
        const distinct = ['ACME MARKET', 'KARGOTAKIP', 'ISTKLINIK', 'ACME BİLGİ'];
        const parts = await Promise.all(distinct.map((sender) => summarizeDelivery(api, { range: RANGE, sender }, {})));
        for (const counter of COUNTERS) {
          expect(parts.reduce((sum, part) => sum + part[counter], 0)).toBe(overall[counter]);
        }
      }),
      { numRuns: 60 },
    );
  });
});
