import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_ORDER_COUNTER, type Order } from '../src/api/schemas.js';
import { type SortKey, compareIds, compareNewestFirst, pageAfter } from '../src/reporting/listing.js';
import { orderKeyOf } from '../src/reporting/order-listing.js';
import { ORDER_SORT_TRUTH } from './support/ground-truth.js';

/** Ids of every kind an API may send: digits (with leading zeros), letters, mixed, any length. */
const anyId = fc.oneof(
  fc.stringMatching(/^\d{1,20}$/),
  fc.stringMatching(/^[0-9a-zA-Z]{1,12}$/),
  fc.string({ minLength: 1, maxLength: 8 }),
  fc.constantFrom('9', '10', '1a', '2', '010', '0', '00'),
);
const anyKey = fc.record({ at: fc.constantFrom('2026-04-21 10:00:00', '2026-04-22 10:00:00', '2026-04-22 11:00:00'), id: anyId });

describe('the listing order', () => {
  it('is a total order on any id strings: antisymmetric, transitive, and zero only for equal ids', () => {
    fc.assert(
      fc.property(anyId, anyId, anyId, (a, b, c) => {
        expect(Math.sign(compareIds(a, b)) + Math.sign(compareIds(b, a))).toBe(0);
        expect(compareIds(a, b) === 0).toBe(a === b);
        if (compareIds(a, b) < 0 && compareIds(b, c) < 0) expect(compareIds(a, c)).toBeLessThan(0);
      }),
      { numRuns: 5_000 },
    );
  });

  it('puts digit ids in numeric order, before any other id', () => {
    expect(['10', '9', '1a', '2', 'b', '010'].sort(compareIds)).toEqual(['2', '9', '010', '10', '1a', 'b']);
  });

  it('returns every item exactly once when a list is paged with any limits', () => {
    fc.assert(
      fc.property(fc.uniqueArray(anyKey, { selector: (key) => `${key.at}|${key.id}`, maxLength: 60 }), fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1 }), (keys, limits) => {
        const sorted = [...keys].sort(compareNewestFirst);
        const seen: SortKey[] = [];
        let after: SortKey | undefined;
        for (let step = 0; step <= keys.length; step += 1) {
          const page = pageAfter(sorted, (key) => key, after, limits[step % limits.length] as number);
          seen.push(...page.items);
          if (!page.nextAfter) break;
          after = page.nextAfter;
        }
        expect(seen).toEqual(sorted);
      }),
      { numRuns: 1_000 },
    );
  });
});

/** Orders with few distinct values, so that ties of every kind come up, and some with huge counters. */
const anyOrder = fc.record({
  id: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.constant(Number.MAX_SAFE_INTEGER), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })),
  status: fc.constantFrom(113, 114, 115),
  delivered: fc.oneof(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: MAX_ORDER_COUNTER })),
  undelivered: fc.oneof(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: MAX_ORDER_COUNTER })),
  waiting: fc.integer({ min: 0, max: 3 }),
  submitAt: fc.constantFrom('2026-04-21 09:59:59', '2026-04-21 10:00:00', '2026-04-22 00:00:00', '2025-12-31 23:59:59'),
});

describe('the sorts of list_orders, written into listing keys', () => {
  it.each(Object.keys(ORDER_SORT_TRUTH) as Array<keyof typeof ORDER_SORT_TRUTH>)('%s: the keys order any orders as the sort says, and page them each once', (sort) => {
    const keyOf = orderKeyOf(sort);
    fc.assert(
      fc.property(
        fc.uniqueArray(anyOrder, { selector: (order) => order.id, maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1 }),
        (drawn, limits) => {
          const orders: Order[] = drawn.map((order) => ({ ...order, total: order.delivered + order.undelivered + order.waiting, sendAt: order.submitAt, sender: 'A' }));
          const truth = [...orders].sort(ORDER_SORT_TRUTH[sort]);
          const byKey = [...orders].sort((a, b) => compareNewestFirst(keyOf(a), keyOf(b)));
          expect(byKey.map((order) => order.id)).toEqual(truth.map((order) => order.id));
          const seen: Order[] = [];
          let after: SortKey | undefined;
          for (let step = 0; step <= orders.length; step += 1) {
            const page = pageAfter(byKey, keyOf, after, limits[step % limits.length] as number);
            seen.push(...page.items);
            if (!page.nextAfter) break;
            after = page.nextAfter;
          }
          expect(seen).toEqual(truth);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
