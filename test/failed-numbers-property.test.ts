import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Order, ReportPage } from '../src/api/client.js';
import { findFailedNumbers } from '../src/reporting/failed-numbers.js';
import { type Recipient, failedNumbersOf, ordersBetween } from './support/ground-truth.js';
import { pagedOrdersApi } from './support/memory-api.js';

const RANGE = { start: '2026-03-01', end: '2026-03-20' };
/** A small pool, so numbers fail in several orders; written in several forms. */
const POOL = ['5321234567', '05321234567', '+905321234567', '5359990017', '905359990017', '7889', 'ACME'];

const orderArbitrary = fc.record({
  day: fc.integer({ min: 1, max: 20 }),
  delivered: fc.nat({ max: 6 }),
  undelivered: fc.nat({ max: 6 }),
  waiting: fc.nat({ max: 3 }),
  sender: fc.constantFrom('ACME', 'KARGO'),
  picks: fc.array(fc.nat({ max: POOL.length - 1 }), { minLength: 15, maxLength: 15 }),
});

describe('list_failed_numbers, as a property', () => {
  it('finds exactly the orders\' undelivered counters as failed recipients for consistent data, per number as a plain loop counts them', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(orderArbitrary, { maxLength: 25 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 30 }), async (records, reportPageSize, ordersPageSize) => {
        const recipients = new Map<number, Recipient[]>();
        const orders: Order[] = records.map((record, index) => {
          const id = 1000 + index;
          const statuses = [...Array<number>(record.delivered).fill(111), ...Array<number>(record.undelivered).fill(112), ...Array<number>(record.waiting).fill(110)];
          recipients.set(id, statuses.map((status, position) => ({ number: POOL[record.picks[position] ?? 0] ?? '7889', status })));
          const submitAt = `2026-03-${String(record.day).padStart(2, '0')} 10:00:${String(index % 60).padStart(2, '0')}`;
          return { id, status: 114, total: statuses.length, delivered: record.delivered, undelivered: record.undelivered, waiting: record.waiting, submitAt, sendAt: submitAt, sender: record.sender };
        });
        const api = pagedOrdersApi(orders, ordersPageSize, {
          readReportPage(orderId, page): Promise<ReportPage | undefined> {
            const order = orders.find((candidate) => candidate.id === orderId) as Order;
            const message = (recipients.get(orderId) ?? []).slice((page - 1) * reportPageSize, page * reportPageSize);
            return Promise.resolve({ ...order, message });
          },
        });
        const report = await findFailedNumbers(api, { range: RANGE }, { maxReportOrders: 500 });
        const inRange = ordersBetween(orders, RANGE.start, RANGE.end);
        let undelivered = 0;
        for (const order of inRange) undelivered += order.undelivered;
        expect(report.failedMessages).toBe(undelivered);
        expect(report.expectedFailedMessages).toBe(undelivered);
        expect(report.mismatched).toEqual([]);
        expect(report.ordersWithFailures).toBe(inRange.filter((order) => order.undelivered > 0).length);
        const truth = failedNumbersOf(inRange, (order) => recipients.get(order.id) ?? []).map((entry) => ({
          ...entry,
          lastFailedAt: entry.lastFailedAt.replace('T', ' ').replace('+03:00', ''),
        }));
        expect([...report.numbers]).toEqual(truth);
      }),
      { numRuns: 120 },
    );
  });
});
