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

  it('keeps every id when the first one past 32 bits arrives after thousands that fit', () => {
    const compact = new IdSet();
    const narrow = Array.from({ length: 5_000 }, (_, index) => 4_294_967_294 - index * 811);
    for (const id of narrow) expect(compact.add(id)).toBe(true);
    // 4,294,967,294 is the largest id a 32-bit slot holds (stored as id + 1); the next one widens the table.
    expect(compact.has(4_294_967_295)).toBe(false);
    expect(compact.delete(4_294_967_295)).toBe(false);
    expect(compact.add(4_294_967_295)).toBe(true);
    expect(compact.add(Number.MAX_SAFE_INTEGER - 1)).toBe(true);
    for (const id of [...narrow, 4_294_967_295, Number.MAX_SAFE_INTEGER - 1]) expect(compact.add(id)).toBe(false);
    expect(compact.size).toBe(5_002);
    expect(compact.delete(narrow[17] as number)).toBe(true);
    expect(compact.has(narrow[17] as number)).toBe(false);
    expect(compact.has(4_294_967_295)).toBe(true);
  });
});
