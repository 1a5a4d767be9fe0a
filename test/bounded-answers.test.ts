import * as z from 'zod';
import { afterEach, describe, expect, it } from 'vitest';
import type { InboxMessage, Order } from '../src/api/schemas.js';
import { READ_ONLY_ANNOTATIONS, strictInput } from '../src/tools/fields.js';
import { defineTool } from '../src/tools/tool.js';
import { type Connected, FIXTURE_ACCOUNT, connect, textOf } from './support/harness.js';
import { type Script, inboxOf, pagedReports, success } from './support/scripted.js';

const BUDGET = 256 * 1024;
const TODAY = '2026-04-22';

let session: Connected | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

async function call(script: Script, name: string, args: object, options: Parameters<typeof connect>[0] = {}) {
  session ??= await connect({ ...options, fake: { script } });
  return session.mcp.callTool({ name, arguments: { ...args } });
}

/** What the client received for one result, as JSON-RPC would carry it. */
const bytesOf = (result: unknown) => Buffer.byteLength(JSON.stringify({ jsonrpc: '2.0', id: 1, result }));

function message(index: number, text: string, sender = `+9053200${String(index).padStart(5, '0')}`): InboxMessage {
  return { id: String(10_000 + index), date: `2026-04-2${index % 2} 1${index % 10}:00:00`, sender, number: '+908501234567', text };
}

describe('the call deadline', () => {
  it('stops an API that serves one new order per page forever, and says how far it got', async () => {
    const template = FIXTURE_ACCOUNT.orders[0] as Order;
    const endless: Script = (request) =>
      request.endpoint === 'get-reports'
        ? success({ orders: [{ ...template, id: 900_000 + (request.page ?? 1), submitAt: `${TODAY} 09:00:00`, sendAt: `${TODAY} 09:00:00` }] })
        : undefined;
    const started = performance.now();
    const result = await call(endless, 'summarize_delivery', { period: 'today' }, { callTimeoutMs: 1_000 });
    const elapsed = performance.now() - started;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(
      /^The call was stopped at its 1 s deadline \(ILETIMERKEZI_CALL_TIMEOUT_MS\), after 0 of 1 ten-day windows done, \d+ orders read\. Ask for a narrower range/,
    );
    expect(elapsed).toBeLessThan(3_000);
    const requests = session?.api.requests.length ?? 0;
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Nothing more went upstream once the deadline passed.
    expect(session?.api.requests.length).toBeLessThanOrEqual(requests + 4);
  });
});

describe('the 256 KB answer budget', () => {
  const LONG = 'Çok uzun bir mesaj, tekrar tekrar. '.repeat(150);
  const inbox = Array.from({ length: 450 }, (_, index) => message(index, `${index} ${LONG}`));

  it('cuts long inbox texts at 1,000 characters and pages 450 of them in answers under the budget, each message once', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const result = await call(inboxOf(inbox), 'read_inbox', { limit: 500, ...(cursor ? { cursor } : {}) });
      expect(result.isError, textOf(result)).toBeFalsy();
      expect(bytesOf(result)).toBeLessThanOrEqual(BUDGET);
      const data = result.structuredContent as { messages: Array<{ id: string; text: string; textTruncated: boolean; textLength: number }>; truncated: boolean; nextCursor?: string };
      for (const item of data.messages) {
        expect(item.text).toHaveLength(1_000);
        expect(item.textTruncated).toBe(true);
        expect(item.textLength).toBe(Array.from(`${Number(item.id) - 10_000} ${LONG}`.trim()).length);
      }
      expect(data.truncated).toBe(data.nextCursor !== undefined);
      seen.push(...data.messages.map((item) => item.id));
      cursor = data.nextCursor;
      pages += 1;
    } while (cursor && pages < 20);
    expect(pages).toBeGreaterThan(1);
    expect(seen.sort()).toEqual(inbox.map((item) => item.id).sort());
  });

  it('bounds the opt-out sender list by limit', async () => {
    const optOuts = Array.from({ length: 5_000 }, (_, index) => message(index, 'RET'));
    const result = await call(inboxOf(optOuts), 'read_inbox', { limit: 1, optOutOnly: true });
    const data = result.structuredContent as { optOuts: { count: number; distinctSenders: number; senders: string[] } };
    expect(data.optOuts.count).toBe(5_000);
    expect(data.optOuts.distinctSenders).toBe(5_000);
    expect(data.optOuts.senders).toEqual([optOuts.map((item) => item.sender).sort()[0]]);
    expect(textOf(result)).toContain('…and 4,999 more');
    expect(bytesOf(result)).toBeLessThan(8 * 1024);
  });

  it('keeps the answer under the budget with both opt-out sender lists full and long messages besides', async () => {
    // Senders as long as the API may write them: every list pushes against its share of the budget.
    const sender = (index: number) => `+90532${String(index).padStart(7, '0')}-${'Ş'.repeat(120)}`;
    const inbox = Array.from({ length: 2_000 }, (_, index) =>
      message(index, index % 2 === 0 ? 'RET' : `Lütfen beni listeden çıkarın RET ${'ş'.repeat(3_000)}`, sender(index)),
    );
    const result = await call(inboxOf(inbox), 'read_inbox', { limit: 500 });
    expect(result.isError, textOf(result)).toBeFalsy();
    expect(bytesOf(result)).toBeLessThanOrEqual(BUDGET);
    const data = result.structuredContent as { optOuts: { count: number; senders: string[] }; possibleOptOuts: { count: number; senders: string[] } };
    expect([data.optOuts.count, data.possibleOptOuts.count]).toEqual([1_000, 1_000]);
    expect(data.optOuts.senders.length).toBeGreaterThan(10);
    expect(data.possibleOptOuts.senders.length).toBeGreaterThan(10);
  });

  it('lists fewer orders, with a cursor, when their senders would pass the budget', async () => {
    const template = FIXTURE_ACCOUNT.orders[0] as Order;
    const orders = Array.from({ length: 500 }, (_, index) => ({
      ...template,
      id: 700_000 + index,
      submitAt: `${TODAY} 0${index % 10}:00:00`,
      sendAt: `${TODAY} 0${index % 10}:00:00`,
      sender: `SENDER-${index}-${'Ş'.repeat(600)}`,
    }));
    const result = await call(pagedReports(() => orders, 500), 'list_orders', { period: 'today', limit: 500 });
    const data = result.structuredContent as { totalOrders: number; orders: unknown[]; truncated: boolean; nextCursor?: string };
    expect(data.totalOrders).toBe(500);
    expect(data.orders.length).toBeLessThan(500);
    expect(data.truncated).toBe(true);
    expect(data.nextCursor).toBeDefined();
    expect(bytesOf(result)).toBeLessThanOrEqual(BUDGET);
  });

  it('keeps at most 400 sender groups', async () => {
    const template = FIXTURE_ACCOUNT.orders[0] as Order;
    const orders = Array.from({ length: 1_000 }, (_, index) => ({ ...template, id: 800_000 + index, total: 1_000 - index, submitAt: `${TODAY} 09:00:00`, sendAt: `${TODAY} 09:00:00`, sender: `S${index}` }));
    const result = await call(pagedReports(() => orders, 1_000), 'summarize_delivery', { period: 'today', groupBy: 'sender' });
    const data = result.structuredContent as { groups: Array<{ key: string }>; groupsOmitted: number };
    expect(data.groups).toHaveLength(400);
    expect(data.groups[0]?.key).toBe('S0');
    expect(data.groupsOmitted).toBe(600);
    expect(textOf(result)).toContain('600 smaller groups left out');
  });

  it('withholds any answer that would still pass the budget, with an error that says what to do', async () => {
    const flood = defineTool({
      name: 'flood',
      group: 'reports',
      title: 'Flood',
      description: 'A test tool that answers too much.',
      useFor: 'to flood',
      deadlineAdvice: 'Try again later.',
      inputSchema: strictInput({}),
      outputSchema: z.object({ blob: z.string() }),
      annotations: READ_ONLY_ANNOTATIONS,
      handler: () => Promise.resolve({ blob: 'x'.repeat(BUDGET) }),
      render: (result) => `${result.blob.length} characters`,
    });
    session = await connect({ tools: [flood] });
    const result = await session.mcp.callTool({ name: 'flood', arguments: {} });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^The answer would take 25\d KB, more than the 256 KB one answer may take/);
  });

  it('never echoes a huge input back in an error', async () => {
    const field = 'f'.repeat(100_000);
    const result = await call(inboxOf([]), 'read_inbox', { [field]: 1 });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain(`Unknown field "${'f'.repeat(40)}…"`);
    expect(textOf(result).length).toBeLessThan(1_000);
  });
});

describe('the budget, measured as the client gets each answer', () => {
  /** 996 characters that JSON escapes, twice over inside a quoted line of text: 4 bytes each there. */
  const ESCAPED = '"\\'.repeat(498);
  const hostile = Array.from({ length: 450 }, (_, index) => message(index, `RET ${ESCAPED}`));

  /** Every page of a listing, each JSON-RPC message the server sent for it measured as sent. */
  async function walk(name: string, args: Record<string, unknown>, items: (data: Record<string, unknown>) => string[]) {
    const sent = new Map<unknown, number>();
    session = await connect({
      fake: { account: { orders: [], inbox: hostile } },
      onServerMessage: (wire) => {
        if ('result' in wire) sent.set(wire.id, Buffer.byteLength(JSON.stringify(wire)));
      },
    });
    const pages: Array<{ bytes: number; count: number; nextCursor: string | undefined }> = [];
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const result = await session.mcp.callTool({ name, arguments: cursor ? { cursor, limit: 500 } : args });
      expect(result.isError, textOf(result).slice(0, 300)).toBeFalsy();
      const data = result.structuredContent as Record<string, unknown> & { nextCursor?: string };
      seen.push(...items(data));
      pages.push({ bytes: Math.max(...sent.values()), count: items(data).length, nextCursor: data.nextCursor });
      sent.clear();
      cursor = data.nextCursor;
    } while (cursor && pages.length < 50);
    return { pages, seen };
  }

  it('cuts read_inbox pages of texts full of quotes and backslashes, with a cursor, each message once', async () => {
    const { pages, seen } = await walk('read_inbox', { limit: 500 }, (data) => (data.messages as Array<{ id: string }>).map((item) => item.id));
    expect(pages[0]?.nextCursor).toBeDefined();
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) expect(page.bytes).toBeLessThanOrEqual(BUDGET);
    expect(seen.sort()).toEqual(hostile.map((item) => item.id).sort());
  });

  it('cuts audit_opt_outs pages of opt-outs full of quotes and backslashes, with a cursor, never withholding the answer', async () => {
    const { pages, seen } = await walk('audit_opt_outs', { period: 'last_7_days', limit: 500 }, (data) => (data.items as Array<{ number: string }>).map((item) => item.number));
    expect(pages[0]?.nextCursor).toBeDefined();
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages) expect(page.bytes).toBeLessThanOrEqual(BUDGET);
    expect(seen.sort()).toEqual(hostile.map((item) => item.sender).sort());
  });
});

describe('inbox order and completeness', () => {
  it('pages ids of any kind, one at a time, returning every message exactly once', async () => {
    const ids = ['9', '10', '1a', '2', 'b', '010', 'a10', 'A', '0'];
    const messages = ids.map((id) => ({ id, date: '2026-04-22 10:00:00', sender: '+905321234567', number: '+908501234567', text: `m${id}` }));
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < ids.length + 2; page += 1) {
      const result = await call(inboxOf(messages), 'read_inbox', { limit: 1, ...(cursor ? { cursor } : {}) });
      const data = result.structuredContent as { messages: Array<{ id: string }>; nextCursor?: string };
      seen.push(...data.messages.map((item) => item.id));
      cursor = data.nextCursor;
      if (!cursor) break;
    }
    expect([...seen].sort()).toEqual([...ids].sort());
    expect(new Set(seen).size).toBe(ids.length);
  });

  it('calls an inbox with more rows than its totalRows inconsistent, not incomplete', async () => {
    const messages = Array.from({ length: 30 }, (_, index) => message(index, 'merhaba'));
    const result = await call(inboxOf(messages, 5), 'read_inbox', {});
    expect((result.structuredContent as { complete: boolean }).complete).toBe(false);
    expect(textOf(result)).toContain('INCONSISTENT: the API returned 30 messages but reports 5 in all');
    expect(textOf(result)).not.toContain('only 30 of the 5');
  });
});
