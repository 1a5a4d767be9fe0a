import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fetchOrdersPage } from '../src/api/client.js';
import { MAX_ORDER_COUNTER, type Order, describeIssues, inboxResponseSchema, orderSchema } from '../src/api/schemas.js';
import { UpstreamError } from '../src/errors.js';
import { timestampToIso } from '../src/reporting/calendar.js';
import { connect, fakeAndClientPerTest, textOf } from './support/harness.js';

/**
 * A timestamp must name a moment that exists, and a counter a number of messages one order
 * can hold. Impossible values are refused with the field named, never shifted into another
 * day or summed; the API's zero sendAt means "not scheduled".
 */

const REAL = 'must be a real date and time (a day of the years 2000 to 2999, 00:00:00 to 23:59:59)';
const TOO_MANY = `must be at most 1,000,000,000: no order holds more messages`;

const wire = (overrides: Record<string, unknown> = {}) => ({
  id: 312_988_299,
  status: 114,
  total: 10,
  delivered: 9,
  undelivered: 1,
  waiting: 0,
  submitAt: '2026-04-22 09:15:00',
  sendAt: '2026-04-22 09:15:00',
  sender: 'ACME',
  ...overrides,
});

/** How the order schema answers, as a streaming page reader reports it. */
function orderVerdict(value: unknown): string | Order {
  const parsed = orderSchema.safeParse(value);
  return parsed.success ? parsed.data : describeIssues(parsed.error, 'response.orders[0]');
}

/** Independent ground truth: a moment exists when UTC date arithmetic does not move any field. */
function exists(year: number, month: number, day: number, hours: number, minutes: number, seconds: number): boolean {
  if (year < 2000 || year > 2999) return false;
  const date = new Date(Date.UTC(year, month - 1, day, hours, minutes, seconds));
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hours &&
    date.getUTCMinutes() === minutes &&
    date.getUTCSeconds() === seconds
  );
}

const IMPOSSIBLE = [
  '2026-09-31 10:00:00',
  '2026-01-01 99:99:99',
  '2026-04-22 24:00:00',
  '2026-04-22 23:60:00',
  '2026-04-22 23:59:60',
  '0000-00-00 00:00:00',
  '2026-02-29 12:00:00',
  '2026-13-01 00:00:00',
  '2026-00-10 00:00:00',
  '1999-12-31 23:59:59',
];

describe('order timestamps', () => {
  it.each(IMPOSSIBLE)('submitAt %j is refused, naming the field', (submitAt) => {
    expect(orderVerdict(wire({ submitAt }))).toBe(`response.orders[0].submitAt ${REAL}`);
  });

  it.each(IMPOSSIBLE.filter((text) => text !== '0000-00-00 00:00:00'))('sendAt %j is refused, naming the field', (sendAt) => {
    expect(orderVerdict(wire({ sendAt }))).toBe(`response.orders[0].sendAt ${REAL}`);
  });

  it('an all-zero sendAt means not scheduled: the order was sent on submission', () => {
    expect(orderVerdict(wire({ sendAt: '0000-00-00 00:00:00' }))).toEqual({ ...wire(), sendAt: '2026-04-22 09:15:00' });
  });

  it('keeps real edge moments as they are', () => {
    for (const submitAt of ['2028-02-29 23:59:59', '2000-01-01 00:00:00', '2999-12-31 23:59:59', '2000-02-29 12:00:00']) {
      expect(orderVerdict(wire({ submitAt, sendAt: submitAt }))).toEqual(wire({ submitAt, sendAt: submitAt }));
    }
  });

  it('agrees with UTC date arithmetic on any date-and-time fields, and timestampToIso agrees with the schema', () => {
    const pad = (value: number, width = 2) => String(value).padStart(width, '0');
    fc.assert(
      fc.property(
        fc.oneof(fc.constantFrom(0, 1999, 2000, 2026, 2028, 2100, 2400, 2999, 3000), fc.integer({ min: 1990, max: 3010 })),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
        fc.integer({ min: 0, max: 25 }),
        fc.integer({ min: 0, max: 61 }),
        fc.integer({ min: 0, max: 61 }),
        (year, month, day, hours, minutes, seconds) => {
          const date = `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
          const time = `${pad(hours)}:${pad(minutes)}:${pad(seconds)}`;
          const timestamp = `${date} ${time}`;
          const real = exists(year, month, day, hours, minutes, seconds);
          expect(orderSchema.safeParse(wire({ submitAt: timestamp, sendAt: timestamp })).success).toBe(real);
          if (!real) {
            expect(() => timestampToIso(timestamp)).toThrow(RangeError);
            return;
          }
          const iso = timestampToIso(timestamp);
          // Istanbul has been UTC+3 all year since late 2016; before, the offset varied but the day never moves.
          if (year >= 2017) expect(iso).toBe(`${date}T${time}+03:00`);
          else expect(iso.slice(0, 10)).toBe(date);
        },
      ),
      { numRuns: 3_000 },
    );
  });
});

describe('timestampToIso, the second line of defence', () => {
  it.each([...IMPOSSIBLE, '2026-04-22', '2026-04-22T10:00:00', '2026-04-22 10:00', ''])('refuses %j instead of shifting it', (text) => {
    expect(() => timestampToIso(text)).toThrow('not a real date and time written YYYY-MM-DD HH:MM:SS');
  });

  it('writes a real one with the Istanbul offset', () => {
    expect(timestampToIso('2026-09-30 23:59:59')).toBe('2026-09-30T23:59:59+03:00');
  });
});

describe('inbox dates', () => {
  const inbox = (order: unknown) => ({ response: { status: { code: 200 }, orders: { totalRows: '1', order } } });
  const message = { id: '5', date: '2026-04-09 11:18:44', sender: '7889', number: '+905354104818', text: 'ILT AHKTEST RET' };

  it.each(IMPOSSIBLE)('date %j is refused, naming the field, in a list and as a lone object', (date) => {
    const inList = inboxResponseSchema.safeParse(inbox([message, { ...message, id: '6', date }]));
    expect(inList.success ? 'accepted' : describeIssues(inList.error)).toBe(`response.orders.order[1].date ${REAL}`);
    const lone = inboxResponseSchema.safeParse(inbox({ ...message, date }));
    expect(lone.success ? 'accepted' : describeIssues(lone.error)).toBe(`response.orders.order.date ${REAL}`);
  });
});

describe('order counters', () => {
  it.each(['total', 'delivered', 'undelivered', 'waiting'])('%s above a billion is refused as a number and as digits', (field) => {
    expect(orderVerdict(wire({ [field]: MAX_ORDER_COUNTER + 1 }))).toBe(`response.orders[0].${field} ${TOO_MANY}`);
    expect(orderVerdict(wire({ [field]: '999999999999999' }))).toBe(`response.orders[0].${field} ${TOO_MANY}`);
    expect(orderVerdict(wire({ [field]: Number.MAX_SAFE_INTEGER }))).toBe(`response.orders[0].${field} ${TOO_MANY}`);
  });

  it('a billion is still a counter; ids and status codes are not counters and may be larger', () => {
    expect(MAX_ORDER_COUNTER).toBe(1_000_000_000);
    const big = wire({ total: 1_000_000_000, delivered: '1000000000', id: 9_007_199_254_740_991, status: '5000000000' });
    expect(orderVerdict(big)).toEqual({ ...wire(), total: 1_000_000_000, delivered: 1_000_000_000, id: 9_007_199_254_740_991, status: 5_000_000_000 });
  });
});

describe('through the fake, the client and the tools', () => {
  const setUp = fakeAndClientPerTest();
  const WINDOW = { start: '2026-09-21', end: '2026-09-30' };
  const order = (overrides: Partial<Order>): Order => ({ ...(wire()), ...overrides });

  it('an impossible submitAt served in a window is an invalid answer naming the field, not retried', async () => {
    const { fake, client: api } = await setUp({
      account: { orders: [], inbox: [] },
      extraOrders: () => [order({ id: 1, submitAt: '2026-09-30 10:00:00' }), order({ id: 2, submitAt: '2026-09-31 10:00:00' })],
    });
    const failure = await fetchOrdersPage(api, WINDOW, 1).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UpstreamError);
    expect((failure as UpstreamError).kind).toBe('invalid-response');
    expect((failure as UpstreamError).message).toContain(`response.orders[1].submitAt ${REAL}`);
    expect(fake.requests).toHaveLength(1);
  });

  it('an impossible inbox date is an invalid answer naming the field', async () => {
    const { client: api } = await setUp({
      account: { orders: [], inbox: [{ id: '1', date: '2026-04-22 24:00:00', sender: '7889', number: '+908501234567', text: 'RET' }] },
    });
    const failure = await api.fetchInbox((message) => message).catch((error: unknown) => error);
    expect((failure as UpstreamError).message).toContain(`response.orders.order[0].date ${REAL}`);
  });

  it('summarize_delivery refuses a window holding 24:00:00 rather than count it on the next day', async () => {
    const server = await connect({
      fake: { account: { orders: [], inbox: [] }, extraOrders: () => [order({ id: 3, submitAt: '2026-04-21 24:00:00' })] },
    });
    try {
      const result = await server.mcp.callTool({ name: 'summarize_delivery', arguments: { period: 'today' } });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toContain(`response.orders[0].submitAt ${REAL}`);
    } finally {
      await server.close();
    }
  });

  it('list_orders shows an all-zero sendAt as sent on submission, not as scheduled', async () => {
    const server = await connect({
      fake: { account: { orders: [order({ id: 4, sendAt: '0000-00-00 00:00:00' })], inbox: [] } },
    });
    try {
      const result = await server.mcp.callTool({ name: 'list_orders', arguments: { period: 'today' } });
      expect(result.isError, textOf(result)).toBeFalsy();
      const [listed] = (result.structuredContent as { orders: Array<{ id: number; submitAt: string; sendAt: string }> }).orders;
      expect(listed).toMatchObject({ id: 4, submitAt: '2026-04-22T09:15:00+03:00', sendAt: '2026-04-22T09:15:00+03:00' });
      expect(textOf(result)).not.toContain('scheduled');
    } finally {
      await server.close();
    }
  });
});
