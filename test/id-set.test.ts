import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IdSet } from '../src/reporting/id-set.js';

describe('IdSet', () => {
  it('answers exactly like a Set for any sequence of ids, including 0 and the largest safe integer', () => {
    const id = fc.oneof(fc.integer({ min: 0, max: 50 }), fc.maxSafeNat(), fc.constantFrom(0, Number.MAX_SAFE_INTEGER - 1));
    fc.assert(
      fc.property(fc.array(id, { maxLength: 3_000 }), (ids) => {
        const compact = new IdSet();
        const reference = new Set<number>();
        for (const value of ids) {
          expect(compact.add(value)).toBe(!reference.has(value));
          reference.add(value);
        }
        expect(compact.size).toBe(reference.size);
      }),
      { numRuns: 200 },
    );
  });

  it('deletes exactly like a Set, keeping every other id findable, in any order of adds and deletes', () => {
    const id = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.maxSafeNat());
    const operation = fc.tuple(fc.boolean(), id);
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 3_000 }), (operations) => {
        const compact = new IdSet();
        const reference = new Set<number>();
        for (const [isAdd, value] of operations) {
          if (isAdd) {
            expect(compact.add(value)).toBe(!reference.has(value));
            reference.add(value);
          } else {
            expect(compact.delete(value)).toBe(reference.delete(value));
          }
        }
        expect(compact.size).toBe(reference.size);
        for (const value of reference) expect(compact.add(value)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('holds a window-sized run of sequential ids through many growths', () => {
    const compact = new IdSet();
    for (let id = 310_000_000; id < 310_200_000; id += 7) expect(compact.add(id)).toBe(true);
    for (let id = 310_000_000; id < 310_200_000; id += 7) expect(compact.add(id)).toBe(false);
    expect(compact.size).toBe(Math.ceil(200_000 / 7));
  });
});
