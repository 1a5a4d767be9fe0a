import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_ORDER_COUNTER, type Order, describeIssues, orderSchema, readOrder } from '../src/api/schemas.js';

/**
 * A page reads each order with `readOrder`, which checks the usual form by hand and hands
 * anything else to the schema. Whatever the value, its answer must be the schema's, to the
 * byte: the order itself, or the same problem.
 */

const AT = 'response.orders[7]';

function schemaVerdict(value: unknown): Order | { problem: string } {
  const parsed = orderSchema.safeParse(value);
  return parsed.success ? parsed.data : { problem: describeIssues(parsed.error, AT) };
}

const timestamp = fc.oneof(
  fc.constantFrom(
    '2026-04-22 09:15:00',
    '2028-02-29 23:59:59',
    '2000-01-01 00:00:00',
    '2999-12-31 23:59:59',
    '0000-00-00 00:00:00',
    '2026-09-31 10:00:00',
    '2026-04-22 24:00:00',
    '2026-02-29 12:00:00',
    '1999-12-31 23:59:59',
    '2026-04-22T09:15:00',
    '2026-04-22 09:15:00\n',
    ' 2026-04-22 09:15:00',
    '2026-04-22',
    '',
  ),
  fc
    .tuple(fc.integer({ min: 1995, max: 3005 }), fc.integer({ min: 0, max: 13 }), fc.integer({ min: 0, max: 32 }), fc.integer({ min: 0, max: 24 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }))
    .map(([year, month, day, hours, minutes, seconds]) => {
      const pad = (value: number, width = 2) => String(value).padStart(width, '0');
      return `${pad(year, 4)}-${pad(month)}-${pad(day)} ${pad(hours)}:${pad(minutes)}:${pad(seconds)}`;
    }),
);

const number = fc.oneof(
  fc.nat({ max: 1_000 }),
  fc.constantFrom(0, -0, MAX_ORDER_COUNTER, MAX_ORDER_COUNTER + 1, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 1, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY),
  fc.integer(),
  fc.double(),
);

const oddValue = fc.oneof(fc.constant(null), fc.boolean(), fc.constant([]), fc.constant({}), fc.string({ maxLength: 4 }));

/** A field of an order: usually well formed, sometimes drifted, sometimes nonsense, sometimes missing. */
const field = (usual: fc.Arbitrary<unknown>) =>
  fc.oneof({ arbitrary: usual, weight: 6 }, { arbitrary: number.map(String), weight: 1 }, { arbitrary: number, weight: 1 }, { arbitrary: oddValue, weight: 1 }, { arbitrary: fc.constant(undefined), weight: 1 });

const order = fc.record(
  {
    id: field(fc.nat()),
    status: field(fc.constantFrom(113, 114, 115)),
    total: field(fc.nat({ max: 50_000 })),
    delivered: field(fc.nat({ max: 50_000 })),
    undelivered: field(fc.nat({ max: 50_000 })),
    waiting: field(fc.nat({ max: 50_000 })),
    submitAt: field(timestamp),
    sendAt: field(fc.oneof(timestamp, fc.constant('0000-00-00 00:00:00'))),
    sender: field(fc.constantFrom('ACME', 'İLETİ', '')),
    extra: field(fc.string()),
  },
  { requiredKeys: [] },
);

describe('readOrder', () => {
  it('answers exactly as the order schema, on any value', () => {
    fc.assert(
      fc.property(fc.oneof({ arbitrary: order, weight: 9 }, { arbitrary: fc.anything(), weight: 1 }), (value) => {
        expect(readOrder(value, () => AT)).toStrictEqual(schemaVerdict(value));
      }),
      { numRuns: 20_000 },
    );
  });

  it('answers as the schema when the sendAt equals submitAt, is all zeros, or differs', () => {
    const wire = { id: 1, status: 114, total: 3, delivered: 2, undelivered: 1, waiting: 0, submitAt: '2026-04-22 09:15:00', sender: 'ACME' };
    for (const sendAt of ['2026-04-22 09:15:00', '0000-00-00 00:00:00', '2026-04-23 10:00:00', '2026-04-31 10:00:00']) {
      expect(readOrder({ ...wire, sendAt }, () => AT)).toStrictEqual(schemaVerdict({ ...wire, sendAt }));
    }
    expect(readOrder({ ...wire, sendAt: '0000-00-00 00:00:00', note: 'x' }, () => AT)).toStrictEqual({ ...wire, sendAt: wire.submitAt });
  });

  it('asks where the order sits only when something is wrong with it', () => {
    let asked = 0;
    const where = () => {
      asked += 1;
      return AT;
    };
    readOrder({ id: 1, status: 114, total: 1, delivered: 1, undelivered: 0, waiting: 0, submitAt: '2026-04-22 09:15:00', sendAt: '2026-04-22 09:15:00', sender: 'A' }, where);
    expect(asked).toBe(0);
    expect(readOrder({ id: 1 }, where)).toStrictEqual(schemaVerdict({ id: 1 }));
    expect(asked).toBe(1);
  });
});
