import { afterEach, describe, expect, it } from 'vitest';
import type { InboxMessage, Order } from '../src/api/schemas.js';
import type { SimulatedAccount } from '../src/simulator/api-server.js';
import { type Connected, connect, textOf } from './support/harness.js';
import { inboxSendersByMessages, sendersByMessages } from './support/sender-truth.js';

/**
 * The sender rule on accounts made for it: an exact match (ignoring case) wins over a match
 * with Turkish letters folded; a filter that matches nothing names at most 20 senders, by
 * volume, and says how many more there are; and the lists stay within an answer's size.
 */

let session: Connected | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

const DAY = '2026-04-20';
const RANGE = { start: DAY, end: DAY };

function order(id: number, sender: string, total: number, undelivered = 0): Order {
  const at = `${DAY} ${String(8 + (id % 10)).padStart(2, '0')}:${String(id % 60).padStart(2, '0')}:00`;
  return { id, status: 114, total, delivered: total - undelivered, undelivered, waiting: 0, submitAt: at, sendAt: at, sender };
}

function message(id: number, sender: string, text = 'Merhaba'): InboxMessage {
  return { id: String(id), date: `${DAY} 10:${String(id % 60).padStart(2, '0')}:00`, sender, number: '+908501234567', text };
}

function account(orders: Order[], inbox: InboxMessage[] = []): SimulatedAccount {
  return {
    orders,
    inbox,
    recipients: (wanted) => [
      ...Array.from({ length: wanted.undelivered }, (_, index) => ({ number: `+9053200${String(wanted.id % 1000).padStart(3, '0')}${index % 10}`, status: 112 })),
      ...Array.from({ length: wanted.delivered }, () => ({ number: '+905321112233', status: 111 })),
    ],
  };
}

async function ask(tool: string, args: Record<string, unknown>, fixture: SimulatedAccount) {
  session ??= await connect({ fake: { account: fixture } });
  const result = await session.mcp.callTool({ name: tool, arguments: args });
  return { isError: result.isError === true, text: textOf(result), data: (result.structuredContent ?? {}) as Record<string, unknown>, bytes: Buffer.byteLength(JSON.stringify(result)) };
}

describe('an exact match wins over a folded one', () => {
  // Two senders that differ only in Turkish letters: each name finds its own orders, and the
  // folded spelling with no exact owner finds the one it folds to.
  const DOTTED = [order(1, 'ACME BİLGİ', 100, 3), order(2, 'ACME BİLGİ', 50, 1)];
  const PLAIN = [order(3, 'ACME BILGI', 7, 2)];
  const OTHER = [order(4, 'KARGOTAKIP', 10)];
  const both = account([...DOTTED, ...PLAIN, ...OTHER]);
  const dottedOnly = account([...DOTTED, ...OTHER]);

  it.each([
    ['ACME BILGI', both, PLAIN, 'exact'],
    ['ACME BİLGİ', both, DOTTED, 'exact'],
    ['ACME BILGI', dottedOnly, DOTTED, 'folded'],
    ['acme bılgı', dottedOnly, DOTTED, 'folded'],
  ] as const)('%j finds only its own orders', async (typed, fixture, expected, match) => {
    const ids = expected.map((entry) => entry.id).sort((a, b) => b - a);
    const total = expected.reduce((sum, entry) => sum + entry.total, 0);
    const undelivered = expected.reduce((sum, entry) => sum + entry.undelivered, 0);
    const summary = await ask('summarize_delivery', { ...RANGE, sender: typed }, fixture);
    expect(summary.data).toMatchObject({ orders: expected.length, total, undelivered, senderFilter: { match, matchedSenders: [expected[0]?.sender] } });
    const listed = await ask('list_orders', { ...RANGE, sender: typed }, fixture);
    expect((listed.data.orders as Order[]).map((entry) => entry.id).sort((a, b) => b - a)).toEqual(ids);
    const failed = await ask('list_failed_numbers', { ...RANGE, sender: typed }, fixture);
    expect(failed.data).toMatchObject({ ordersScanned: expected.length, failedMessages: undelivered, senderFilter: { match } });
    if (match === 'folded') {
      expect(summary.text).toContain(`Sender ${JSON.stringify(typed)} matched "ACME BİLGİ" with Turkish letters read as plain ones`);
    } else {
      expect(summary.text).not.toContain('Turkish letters');
    }
  });

  it('holds for the inbox sender IDs too', async () => {
    const inbox = [message(1, 'İŞ BANKASI'), message(2, 'IS BANKASI'), message(3, 'İŞ BANKASI')];
    const plain = await ask('read_inbox', { sender: 'is bankasi' }, account([], inbox));
    expect(plain.data).toMatchObject({ matched: 1, senderFilter: { match: 'exact', matchedSenders: ['IS BANKASI'] } });
    const dotted = await ask('read_inbox', { sender: 'İş Bankası' }, account([], inbox));
    expect(dotted.data).toMatchObject({ matched: 2, senderFilter: { match: 'exact', matchedSenders: ['İŞ BANKASI'] } });
  });
});

describe('a filter that matches nothing says so', () => {
  // 25 senders, each with a different volume; one has the most orders but fewer messages.
  const orders = Array.from({ length: 25 }, (_, index) => order(100 + index, `SENDER ${String(index).padStart(2, '0')}`, 1_000 + index * 10));
  orders.push(order(200, 'SENDER 00', 1), order(201, 'SENDER 00', 1), order(202, 'SENDER 00', 1));
  const fixture = account(orders);
  const expected = sendersByMessages(orders);

  it.each(['summarize_delivery', 'list_orders', 'list_failed_numbers'])('%s names the 20 largest senders and counts the rest', async (tool) => {
    const answer = await ask(tool, { ...RANGE, sender: 'ACME' }, fixture);
    expect(answer.isError, answer.text).toBe(false);
    expect(answer.data.senderFilter).toEqual({ sender: 'ACME', match: 'none', matchedSenders: [], sendersInRange: expected, distinctSenders: 25 });
    expect(expected).toHaveLength(20);
    expect(expected[0]).toEqual({ sender: 'SENDER 24', orders: 1, messages: 1_240 });
    expect(answer.text).toContain('Sender "ACME" matched no order submitted in this range, even ignoring case and Turkish letters.');
    expect(answer.text).toContain(
      `The range's 25 senders, by messages: ${expected.map((entry) => `"${entry.sender}" (${entry.messages.toLocaleString('en-US')} messages in ${entry.orders} order${entry.orders === 1 ? '' : 's'})`).join(', ')} …and 5 more. Ask again with one of them.`,
    );
    expect(answer.text).not.toContain('No message has settled yet');
    // Still a summary over a range: it says what it covered, and no sender's day counts.
    expect(answer.text).toContain('\nCovered: matching orders on 0 of 1 day.\n');
  });

  it('says when the range has no order at all', async () => {
    const answer = await ask('summarize_delivery', { period: 'today', sender: 'ACME' }, fixture);
    expect(answer.data.senderFilter).toEqual({ sender: 'ACME', match: 'none', matchedSenders: [], sendersInRange: [], distinctSenders: 0 });
    expect(answer.text).toContain('Sender "ACME" matched no order submitted in this range, even ignoring case and Turkish letters.\nNo order at all was submitted in this range.');
    expect(answer.text).not.toContain('No message has settled yet');
  });

  it('read_inbox names the 20 senders of the range with the most messages, in the untrusted section', async () => {
    const inbox = Array.from({ length: 30 }, (_, index) => message(1_000 + index, `+9053210000${String(index % 25).padStart(2, '0')}`));
    const answer = await ask('read_inbox', { sender: '0532 999 99 99' }, account([], inbox));
    const senders = inboxSendersByMessages(inbox);
    expect(answer.data.senderFilter).toEqual({
      sender: '0532 999 99 99',
      readAs: 'phone-number',
      value: '+905329999999',
      match: 'none',
      matchedSenders: [],
      sendersInRange: senders,
      distinctSenders: 25,
    });
    expect(senders[0]).toEqual({ sender: '+905321000000', messages: 2 });
    expect(answer.text).toContain('Sender: no message in the whole inbox came from the phone number +905329999999. The 25 senders of the range');
    expect(answer.text).toMatch(/<untrusted-sms-[0-9a-f]+>\nsenders of the range, by messages: "\+905321000000" \(2 messages\), .* …and 5 more\n<\/untrusted-sms-/);
  });

  it('keeps the list of senders within an answer, however long the senders are', async () => {
    const long = Array.from({ length: 25 }, (_, index) => order(300 + index, `${String(index).padStart(2, '0')}${'Ş'.repeat(4_000)}`, 500 - index));
    const answer = await ask('list_orders', { ...RANGE, sender: 'ACME' }, account(long));
    const filter = answer.data.senderFilter as { sendersInRange: unknown[]; distinctSenders: number };
    expect(filter.distinctSenders).toBe(25);
    expect(filter.sendersInRange.length).toBeGreaterThan(0);
    expect(filter.sendersInRange.length).toBeLessThan(20);
    expect(answer.bytes).toBeLessThan(64 * 1024);
  });
});

describe('the sender filter follows a cursor', () => {
  it('a folded match still describes the second page of list_orders', async () => {
    const fixture = account([order(1, 'ACME BİLGİ', 5), order(2, 'ACME BİLGİ', 5), order(3, 'KARGOTAKIP', 5)]);
    const first = await ask('list_orders', { ...RANGE, sender: 'ACME BILGI', limit: 1 }, fixture);
    const second = await ask('list_orders', { cursor: first.data.nextCursor, limit: 1 }, fixture);
    const filter = { sender: 'ACME BILGI', match: 'folded', matchedSenders: ['ACME BİLGİ'], distinctSenders: 2 };
    expect(first.data).toMatchObject({ totalOrders: 2, senderFilter: filter });
    expect(second.data).toMatchObject({ totalOrders: 2, senderFilter: filter, truncated: false });
    expect([...(first.data.orders as Order[]), ...(second.data.orders as Order[])].map((entry) => entry.id)).toEqual([2, 1]);
  });
});
