import { afterEach, describe, expect, it } from 'vitest';
import type { Order } from '../src/api/schemas.js';
import type { WireRecipient } from '../src/simulator/api-server.js';
import { expectedNumber, recipientsInListOrder } from './support/ground-truth.js';
import { type Connected, FIXTURE_ACCOUNT, connect, textOf } from './support/harness.js';
import { success } from './support/scripted.js';

let session: Connected | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

interface RecipientList {
  order: Record<string, unknown>;
  recipientCounts: { delivered: number; undelivered: number; waiting: number; other: number };
  consistent: boolean;
  matched: number;
  recipients: Array<{ number: string; isPhoneNumber: boolean; status: number; state: string }>;
  truncated: boolean;
  nextCursor?: string;
}

async function call(args: Record<string, unknown>, options: Parameters<typeof connect>[0] = {}) {
  session ??= await connect(options);
  const result = await session.mcp.callTool({ name: 'list_recipients', arguments: args });
  return { result, text: textOf(result), data: result.structuredContent as RecipientList };
}

const recipientsOf = (order: Order): readonly WireRecipient[] => FIXTURE_ACCOUNT.recipients?.(order) ?? [];
const iso = (timestamp: string) => `${timestamp.replace(' ', 'T')}+03:00`;
const stateOf = (status: number) => ({ 110: 'waiting', 111: 'delivered', 112: 'undelivered' })[status] ?? 'other';
const shown = (recipient: WireRecipient) => ({ ...expectedNumber(recipient.number), status: recipient.status, state: stateOf(recipient.status) });

function countsOf(recipients: readonly WireRecipient[]) {
  const counts = { delivered: 0, undelivered: 0, waiting: 0, other: 0 };
  for (const recipient of recipients) counts[stateOf(recipient.status) as keyof typeof counts] += 1;
  return counts;
}

/** A campaign of several get-report pages, with failures: the fixture's largest settled one. */
const CAMPAIGN = [...FIXTURE_ACCOUNT.orders].filter((order) => order.status === 114 && order.undelivered > 0).sort((a, b) => b.total - a.total)[0] as Order;

describe('list_recipients', () => {
  it('reads every page of an order and lists its recipients undelivered first, in E.164, equal to the data', async () => {
    expect(CAMPAIGN.total).toBeGreaterThan(2000);
    const truth = recipientsOf(CAMPAIGN);
    const { data, text } = await call({ orderId: CAMPAIGN.id });
    expect(data.order).toEqual({
      id: CAMPAIGN.id,
      status: 114,
      state: 'completed',
      total: CAMPAIGN.total,
      delivered: CAMPAIGN.delivered,
      undelivered: CAMPAIGN.undelivered,
      waiting: CAMPAIGN.waiting,
      deliveryRate: CAMPAIGN.delivered / (CAMPAIGN.delivered + CAMPAIGN.undelivered),
      provisional: false,
      submitAt: iso(CAMPAIGN.submitAt),
      sendAt: iso(CAMPAIGN.sendAt),
      sender: CAMPAIGN.sender,
    });
    expect(data.recipientCounts).toEqual(countsOf(truth));
    expect(data.consistent).toBe(true);
    expect(data.matched).toBe(CAMPAIGN.total);
    expect(data.recipients).toEqual(recipientsInListOrder(truth).slice(0, 100).map(shown));
    expect(data.truncated).toBe(true);
    // Pages of 1000 until the short last one brings the recipients to the order's total.
    expect(CAMPAIGN.total % 1000).not.toBe(0);
    expect(session?.api.requests.filter((request) => request.endpoint === 'get-report').map((request) => request.page)).toEqual(
      Array.from({ length: Math.ceil(CAMPAIGN.total / 1000) }, (_, index) => index + 1),
    );
    const firstLines = text.split('\n');
    expect(firstLines[0]).toBe(
      `Order #${CAMPAIGN.id} (completed, 114) sender ${JSON.stringify(CAMPAIGN.sender)} sent ${CAMPAIGN.sendAt.slice(0, 16)}: ` +
        `${CAMPAIGN.total.toLocaleString('en-US')} recipients: ${CAMPAIGN.undelivered.toLocaleString('en-US')} undelivered, 0 waiting, ` +
        `${CAMPAIGN.delivered.toLocaleString('en-US')} delivered; delivery rate ${((100 * CAMPAIGN.delivered) / CAMPAIGN.total).toFixed(1)}%.`,
    );
    const firstListed = firstLines.findIndex((line) => line.startsWith('- '));
    expect(firstLines[firstListed]).toContain('undelivered (112)');
  });

  it('yields every recipient exactly once by following nextCursor, without reading the order again', async () => {
    const truth = recipientsInListOrder(recipientsOf(CAMPAIGN)).map(shown);
    let page = await call({ orderId: CAMPAIGN.id, limit: 1000 });
    const requests = session?.api.requests.length;
    const listed = [...page.data.recipients];
    while (page.data.nextCursor) {
      page = await call({ orderId: CAMPAIGN.id, limit: 1000, cursor: page.data.nextCursor });
      expect(page.result.isError, page.text).toBeFalsy();
      listed.push(...page.data.recipients);
    }
    expect(listed).toEqual(truth);
    expect(session?.api.requests.length).toBe(requests);
  });

  it('filters by status and still counts every recipient', async () => {
    const truth = recipientsOf(CAMPAIGN);
    const { data, text } = await call({ orderId: CAMPAIGN.id, status: 'undelivered', limit: 1000 });
    const undelivered = truth.filter((recipient) => recipient.status === 112);
    expect(data.matched).toBe(CAMPAIGN.undelivered);
    expect(data.recipients).toEqual(undelivered.slice(0, 1000).map(shown));
    expect(data.recipientCounts).toEqual(countsOf(truth));
    expect(text).toContain(`${CAMPAIGN.undelivered.toLocaleString('en-US')} recipients match`);
  });

  it('counts the counters from the messages when the API leaves them out, and does not assume the page size', async () => {
    const order = FIXTURE_ACCOUNT.orders.find((candidate) => candidate.waiting > 0 && candidate.total > 20) as Order;
    const truth = recipientsOf(order);
    const { data } = await call({ orderId: order.id, limit: 1000 }, { fake: { legacyReport: true, rowPageSize: 7, drift: true } });
    const counts = countsOf(truth);
    expect(data.order).toEqual({
      id: order.id,
      status: order.status,
      state: 'in_progress',
      total: truth.length,
      delivered: counts.delivered,
      undelivered: counts.undelivered,
      waiting: counts.waiting,
      deliveryRate: counts.delivered / (counts.delivered + counts.undelivered),
      provisional: true,
      submitAt: null,
      sendAt: null,
      sender: null,
    });
    expect(data.consistent).toBe(true);
    expect(data.recipients).toEqual(recipientsInListOrder(truth).slice(0, 1000).map(shown));
    expect(session?.api.requests.filter((request) => request.endpoint === 'get-report')).toHaveLength(Math.ceil(truth.length / 7) + 1);
  });

  it('normalizes every form a number arrives in, and keeps anything else exactly as sent, flagged', async () => {
    const order = { id: 42, status: 114, total: 9, delivered: 5, undelivered: 4, waiting: 0 };
    const messages = [
      { number: 5321234567, status: 112 },
      { number: '5321234568', status: 111 },
      { number: '05321234569', status: 112 },
      { number: '905321234570', status: 111 },
      { number: '+90 532 123 45 71', status: 111 },
      { number: '+905321234572', status: 111 },
      { number: '7889', status: 112 },
      { number: 'ACME', status: 111 },
      { number: '12ab!', status: 112 },
    ];
    const script = (request: { endpoint: string; page?: number }) =>
      request.endpoint === 'get-report' ? success({ order: { ...order, message: request.page === 1 ? messages : [] } }) : undefined;
    const { data, text } = await call({ orderId: 42 }, { fake: { script } });
    expect(data.recipients.map((recipient) => [recipient.number, recipient.isPhoneNumber])).toEqual([
      ['+905321234567', true],
      ['+905321234569', true],
      ['7889', false],
      ['12ab!', false],
      ['+905321234568', true],
      ['+905321234570', true],
      ['+905321234571', true],
      ['+905321234572', true],
      ['ACME', false],
    ]);
    expect(text).toContain('- "7889" (not a phone number) undelivered (112)');
    expect(data.consistent).toBe(true);
  });

  it('says when the recipients disagree with the counters', async () => {
    const script = (request: { endpoint: string; page?: number }) =>
      request.endpoint === 'get-report'
        ? success({ order: { id: 7, status: 114, total: 3, delivered: 1, undelivered: 2, waiting: 0, message: request.page === 1 ? [{ number: '5321234567', status: 111 }, { number: '5321234568', status: 112 }] : [] } })
        : undefined;
    const { data, text } = await call({ orderId: 7 }, { fake: { script } });
    expect(data.consistent).toBe(false);
    expect(data.recipientCounts).toEqual({ delivered: 1, undelivered: 1, waiting: 0, other: 0 });
    expect(text).toContain("Note: the recipients do not match the order's counters (3 messages: 2 undelivered");
  });

  it('says what to do about an unknown order (455) and a scheduled one (456)', async () => {
    const unknown = await call({ orderId: 123 });
    expect(unknown.result.isError).toBe(true);
    expect(unknown.text).toBe(
      'Order 123 was not found (iletiMerkezi 455): no such order, or it has not started sending yet. ' +
        'Check the id with list_orders; an order just submitted can be read once it starts sending.',
    );
    await session?.close();
    const scheduled = FIXTURE_ACCOUNT.orders.find((order) => order.sendAt > order.submitAt) as Order;
    session = await connect({ fake: { now: () => new Date(`${scheduled.submitAt.replace(' ', 'T')}+03:00`) } });
    const early = await call({ orderId: scheduled.id });
    expect(early.result.isError).toBe(true);
    expect(early.text).toContain(`Order ${scheduled.id} is scheduled and its send time has not come (iletiMerkezi 456)`);
    expect(early.text).toContain('Ask again after its send time');
  });

  it('stops an API that serves new pages forever, past what one order can hold', async () => {
    // Every page new, so no page repeats an earlier one: only the size of an order ends the walk.
    const page = (number: number) => Array.from({ length: 1000 }, (_, index) => ({ number: `53${String(number).padStart(2, '0')}${String(index).padStart(6, '0')}`, status: 111 }));
    const script = (request: { endpoint: string; page?: number }) =>
      request.endpoint === 'get-report' ? success({ order: { id: 9, status: 114, message: page(request.page ?? 1) } }) : undefined;
    const { result, text } = await call({ orderId: 9 }, { fake: { script } });
    expect(result.isError).toBe(true);
    expect(text).toContain('served more than 50,000 recipients for order 9 by page 51');
    expect(session?.api.requests).toHaveLength(51);
  });

  it('keeps the answer within its size budget, with a cursor for the rest, when every number is as long as the API may send', async () => {
    const message = Array.from({ length: 1000 }, (_, index) => ({ number: `${'X'.repeat(94)}${String(index).padStart(6, '0')}`, status: 112 }));
    const script = (request: { endpoint: string; page?: number }) =>
      request.endpoint === 'get-report' ? success({ order: { id: 11, status: 115, message: request.page === 1 ? message : [] } }) : undefined;
    const { result, data } = await call({ orderId: 11, limit: 1000 }, { fake: { script } });
    expect(Buffer.byteLength(JSON.stringify(result))).toBeLessThanOrEqual(256 * 1024);
    expect(data.truncated).toBe(true);
    expect(data.recipients.length).toBeGreaterThan(100);
    expect(data.recipients.length).toBeLessThan(1000);
    const rest = await call({ orderId: 11, limit: 1000, cursor: data.nextCursor });
    expect([...data.recipients, ...rest.data.recipients].map((recipient) => recipient.number)).toEqual(message.map((row) => row.number));
  });

  it('refuses an answer about another order', async () => {
    const script = (request: { endpoint: string }) => (request.endpoint === 'get-report' ? success({ order: { id: 8, status: 114, message: [{ number: '5321234567', status: 111 }] } }) : undefined);
    const { result, text } = await call({ orderId: 7 }, { fake: { script } });
    expect(result.isError).toBe(true);
    expect(text).toContain('response for order 7 described order 8 instead');
  });

  it('refuses a bad order id before any API call', async () => {
    for (const orderId of [0, -5, 1.5, '123']) {
      const { result, text } = await call({ orderId });
      expect(result.isError).toBe(true);
      expect(text).toContain('orderId must be a positive whole number');
    }
    expect(session?.api.requests).toHaveLength(0);
  });
});
