import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PhoneNumber } from '../src/api/phone-number.js';
import { FailureTally } from '../src/reporting/failure-tally.js';
import { type FailedNumber, RankedFailures } from '../src/reporting/ranked-failures.js';
import { DEFAULT_SNAPSHOT_LIMITS } from '../src/tools/cursors.js';

/** The tally as a plain loop over a Map of objects counts it: the model the compact columns must match. */
function modelOf(orders: ReadonlyArray<{ sendAt: string; numbers: readonly PhoneNumber[] }>): FailedNumber[] {
  const byNumber = new Map<string, FailedNumber & { seen: Set<number> }>();
  orders.forEach((order, index) => {
    for (const { number, isPhoneNumber } of order.numbers) {
      const entry = byNumber.get(number) ?? { number, isPhoneNumber, failures: 0, orders: 0, lastFailedAt: order.sendAt, seen: new Set<number>() };
      entry.failures += 1;
      entry.seen.add(index);
      entry.orders = entry.seen.size;
      if (order.sendAt > entry.lastFailedAt) entry.lastFailedAt = order.sendAt;
      byNumber.set(number, entry);
    }
  });
  return [...byNumber.values()]
    .map(({ seen: _seen, ...entry }) => entry)
    .sort((a, b) => b.failures - a.failures || (a.number < b.number ? -1 : a.number > b.number ? 1 : 0));
}

const refusal = (ordersAdded: number) => new Error(`full after ${ordersAdded} orders`);

function tallied(orders: ReadonlyArray<{ sendAt: string; numbers: readonly PhoneNumber[] }>, capacity = 1_000_000): RankedFailures {
  const tally = new FailureTally(capacity, refusal);
  for (const order of orders) tally.addOrder(order, order.numbers.map((number) => tally.keyOf(number)));
  return tally.rank();
}

/** Phone numbers of 1 to 17 digits from few digits, so that one is often a prefix of another or differs only in length. */
const phoneNumber = fc
  .tuple(fc.constantFrom('1', '5', '9'), fc.array(fc.constantFrom('0', '5', '9'), { maxLength: 16 }))
  .map(([first, rest]): PhoneNumber => ({ number: `+${first}${rest.join('')}`, isPhoneNumber: true }));
/** Values that are not phone numbers: short codes, senders, malformed numbers (some E.164-shaped), text sorting before and after '+'. */
const otherValue = fc
  .oneof(fc.string({ maxLength: 6 }), fc.constantFrom('7889', '+90123', '+0', '#12', ' 5', 'ACME', '+905'), phoneNumber.map((phone) => phone.number))
  .filter((text) => text.length > 0)
  .map((number): PhoneNumber => ({ number, isPhoneNumber: false }));
/** Distinct texts, each one kind: normalizing one text always gives the same answer. */
const pool = fc.uniqueArray(fc.oneof({ arbitrary: phoneNumber, weight: 3 }, { arbitrary: otherValue, weight: 1 }), {
  minLength: 1,
  maxLength: 40,
  selector: (value) => value.number,
});
const SEND_TIMES = ['2026-03-01 09:00:00', '2026-03-01 09:00:01', '2026-03-02 18:30:00', '2026-03-20 23:59:59'];
const ordersFrom = (numbers: readonly PhoneNumber[]) =>
  fc.array(
    fc.record({
      sendAt: fc.constantFrom(...SEND_TIMES),
      numbers: fc.array(fc.nat({ max: numbers.length - 1 }).map((index) => numbers[index] as PhoneNumber), { maxLength: 30 }),
    }),
    { maxLength: 12 },
  );
const accounts = pool.chain((numbers) => ordersFrom(numbers));

describe('the compact tally of failed numbers', () => {
  it('ranks exactly as a Map of objects does, and its snapshot form reads back the same', () => {
    fc.assert(
      fc.property(accounts, fc.integer({ min: 1, max: 4 }), (orders, minFailures) => {
        const model = modelOf(orders);
        const ranking = tallied(orders);
        expect(ranking.length).toBe(model.length);
        expect([...ranking]).toEqual(model);
        expect(ranking.at(model.length)).toBeUndefined();
        expect([...ranking.atLeast(minFailures)]).toEqual(model.filter((entry) => entry.failures >= minFailures));
        // Through JSON, as Redis keeps it.
        const kept = RankedFailures.decode(JSON.parse(JSON.stringify(ranking.encode())));
        expect(kept && [...kept]).toEqual(model);
        const prefix = RankedFailures.decode(JSON.parse(JSON.stringify(ranking.atLeast(minFailures).encode())));
        expect(prefix && [...prefix]).toEqual(model.filter((entry) => entry.failures >= minFailures));
      }),
      { numRuns: 400 },
    );
  });

  it('refuses the number past its capacity, and holds exactly its capacity', () => {
    fc.assert(
      fc.property(accounts, (orders) => {
        const distinct = modelOf(orders).length;
        expect([...tallied(orders, Math.max(distinct, 1))]).toEqual(modelOf(orders));
        if (distinct === 0) return;
        const ordersUntilFull = orders.findIndex((_, index) => modelOf(orders.slice(0, index + 1)).length === distinct) + 1;
        expect(() => tallied(orders, distinct - 1)).toThrow(`full after ${ordersUntilFull} orders`);
      }),
      { numRuns: 200 },
    );
  });

  it('keeps a million Turkish numbers in one snapshot, and reads them back', () => {
    const tally = new FailureTally(1_000_000, refusal);
    let state = 12345;
    const random = () => {
      state = (Math.imul(state, 1_103_515_245) + 12345) >>> 0;
      return state / 0x1_0000_0000;
    };
    const keys: number[] = [];
    for (let index = 0; index < 1_000_000; index += 1) keys.push(905_000_000_000 + Math.floor(random() * 1_000_000_000));
    const distinct = new Set(keys).size;
    // Thirty orders, so numbers fail in several of them at several times.
    for (let order = 0; order < 30; order += 1) {
      const sendAt = `2026-03-${String(order + 1).padStart(2, '0')} 10:00:00`;
      tally.addOrder({ sendAt }, keys.filter((_, index) => index % 30 === order || index % 97 === order));
    }
    const ranking = tally.rank();
    expect(ranking.length).toBe(distinct);
    const json = JSON.stringify(ranking.encode());
    expect(json.length).toBeLessThan(DEFAULT_SNAPSHOT_LIMITS.maxSnapshotBytes);
    const kept = RankedFailures.decode(JSON.parse(json));
    for (const position of [0, 1, 1000, distinct - 1]) expect(kept?.at(position)).toEqual(ranking.at(position));
    expect(kept?.length).toBe(distinct);
  });

  it('reads a damaged or foreign snapshot as nothing', () => {
    const orders = [
      { sendAt: '2026-03-01 10:00:00', numbers: [{ number: '+905321234567', isPhoneNumber: true }, { number: '7889', isPhoneNumber: false }] },
      { sendAt: '2026-03-02 10:00:00', numbers: [{ number: '+905321234567', isPhoneNumber: true }] },
    ];
    const encoded = tallied(orders).encode();
    expect([...(RankedFailures.decode(encoded) ?? [])]).toEqual(modelOf(orders));
    const bytes = Buffer.from(encoded.data, 'base64');
    for (const damaged of [
      { ...encoded, data: bytes.subarray(0, bytes.length - 1).toString('base64') },
      { ...encoded, data: Buffer.concat([bytes, Buffer.from([0])]).toString('base64') },
      { ...encoded, others: [] },
      { ...encoded, sendTimes: ['2026-03-01 10:00:00'] },
      { ...encoded, runs: [2, 1] },
      { ...encoded, runs: [2, 1e9, 1, 1] },
      { ...encoded, runs: 'x' },
      [{ number: '+905321234567' }],
      null,
    ]) {
      expect(RankedFailures.decode(damaged)).toBeUndefined();
    }
  });
});
