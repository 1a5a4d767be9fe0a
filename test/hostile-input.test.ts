import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Connected, connect, textOf } from './support/harness.js';

/**
 * Hostile tool arguments: every one is refused with an error naming the field to fix, before
 * any request reaches the (fake) iletiMerkezi API.
 */

type Case = [label: string, tool: string, args: Record<string, unknown>, mustSay: string[]];

const MEGABYTE = 'A'.repeat(1024 * 1024);
const SUMMARY_FIELDS = 'This tool accepts only: period, start, end, sender, groupBy.';
const LIST_FIELDS = 'This tool accepts only: period, start, end, sender, status, minMessages, sort, limit, cursor.';
const INBOX_FIELDS = 'This tool accepts only: period, start, end, sender, contains, optOutOnly, limit, cursor.';

const PLAIN_CASES: Case[] = [
  // Date formats
  ['day written DD/MM/YYYY', 'summarize_delivery', { start: '22/04/2026' }, ['start must be written YYYY-MM-DD']],
  ['day without leading zeros', 'summarize_delivery', { start: '2026-4-1' }, ['start must be written YYYY-MM-DD']],
  ['ISO timestamp instead of a day', 'list_orders', { start: '2026-04-22T00:00:00Z' }, ['start must be written YYYY-MM-DD']],
  ['a word as end', 'summarize_delivery', { start: '2026-04-01', end: 'yesterday' }, ['end must be written YYYY-MM-DD']],
  ['empty start', 'read_inbox', { start: '' }, ['start must be written YYYY-MM-DD']],
  ['day with a trailing NUL', 'summarize_delivery', { start: '2026-04-22\u0000' }, ['start must be written YYYY-MM-DD']],
  // Impossible dates
  ['February 30th', 'summarize_delivery', { start: '2026-02-30' }, ['start is not a real calendar day']],
  ['month 13', 'list_orders', { start: '2026-13-01' }, ['start is not a real calendar day']],
  ['February 29th of a common year', 'read_inbox', { start: '2025-02-29' }, ['start is not a real calendar day']],
  ['day 00', 'summarize_delivery', { start: '2026-04-01', end: '2026-04-00' }, ['end is not a real calendar day']],
  ['year 0001', 'summarize_delivery', { start: '0001-01-01' }, ['start is not a real calendar day']],
  // Ranges
  ['reversed range', 'summarize_delivery', { start: '2026-04-10', end: '2026-04-01' }, ['Invalid start', 'after end 2026-04-01']],
  ['reversed range in list_orders', 'list_orders', { start: '2026-03-02', end: '2026-03-01' }, ['Invalid start', 'after end']],
  ['range over the maximum', 'summarize_delivery', { start: '2025-01-01', end: '2026-04-22' }, ['Invalid start', 'more than the 366 allowed']],
  ['inbox range over the maximum', 'read_inbox', { start: '2024-01-01' }, ['Invalid start', 'more than the 366 allowed']],
  ['range starting in the future', 'list_orders', { start: '2026-05-01' }, ['Invalid start', 'after today']],
  ['end without start', 'summarize_delivery', { end: '2026-04-01' }, ['Invalid start', 'without start']],
  ['no range at all where one is required', 'list_orders', {}, ['Invalid period', 'a date range is required']],
  // Periods
  ['unknown period', 'summarize_delivery', { period: 'fortnight' }, ['period must be one of today, yesterday']],
  ['unknown period last_year', 'read_inbox', { period: 'last_year' }, ['period must be one of']],
  ['month 13 as a period', 'list_orders', { period: '2026-13' }, ['period must be one of']],
  ['a month that has not started', 'summarize_delivery', { period: '2026-05' }, ['Invalid period', 'has not started yet']],
  ['period together with start', 'summarize_delivery', { period: 'today', start: '2026-04-01' }, ['Invalid period', 'not both']],
  ['period together with end', 'read_inbox', { period: 'last_week', end: '2026-04-01' }, ['Invalid period', 'not both']],
  ['a 1 MB period', 'summarize_delivery', { period: MEGABYTE }, ['period must be one of']],
  // Limits
  ['negative limit', 'list_orders', { period: 'today', limit: -1 }, ['limit must be a whole number from 1 to 500']],
  ['zero limit', 'read_inbox', { limit: 0 }, ['limit must be a whole number from 1 to 500']],
  ['huge limit', 'list_orders', { period: 'today', limit: 1_000_000_000 }, ['limit must be a whole number from 1 to 500']],
  ['limit one past the maximum', 'read_inbox', { limit: 501 }, ['limit must be a whole number from 1 to 500']],
  ['fractional limit', 'list_orders', { period: 'today', limit: 2.5 }, ['limit must be a whole number from 1 to 500']],
  ['limit as a string', 'list_orders', { period: 'today', limit: '10' }, ['limit must be a whole number from 1 to 500']],
  ['limit as null', 'read_inbox', { limit: null }, ['limit must be a whole number from 1 to 500']],
  // Wrong types and values
  ['start as a number', 'summarize_delivery', { start: 20260422 }, ['start must be a date string']],
  ['sender as a list', 'list_orders', { period: 'today', sender: ['ACME'] }, ['sender must be a string']],
  ['optOutOnly as a string', 'read_inbox', { optOutOnly: 'yes' }, ['optOutOnly must be true or false']],
  ['groupBy unknown', 'summarize_delivery', { period: 'today', groupBy: 'year' }, ['groupBy must be one of sender, day, week, month']],
  ['status unknown', 'list_orders', { period: 'today', status: 'pending' }, ['status must be one of in_progress, completed, failed']],
  ['status as a code', 'list_orders', { period: 'today', status: 114 }, ['status must be one of']],
  ['cursor as a number', 'read_inbox', { cursor: 42 }, ['cursor must be the nextCursor string']],
  ['empty cursor', 'list_orders', { period: 'today', cursor: '' }, ['cursor must not be empty']],
  ['5,000-character cursor', 'read_inbox', { cursor: 'x'.repeat(5000) }, ['cursor is too long']],
  ['81-character cursor', 'list_orders', { cursor: `${'x'.repeat(58)}.${'y'.repeat(22)}` }, ['cursor is too long']],
  ['forged cursor', 'list_orders', { cursor: 'eyJ0b29sIjoibGlzdF9vcmRlcnMifQ.AAAAAAAAAAAAAAAAAAAAAA' }, ['Invalid cursor', 'not issued by this server session']],
  ['cursor with no signature', 'read_inbox', { cursor: 'garbage' }, ['Invalid cursor', 'malformed or truncated']],
  ['cursor with three parts', 'read_inbox', { cursor: 'a.b.c' }, ['Invalid cursor', 'malformed or truncated']],
  // Unknown fields: refused, naming the field and the accepted ones
  ['unknown field', 'summarize_delivery', { period: 'today', foo: 1 }, ['Unknown field "foo"', SUMMARY_FIELDS]],
  ['credential-looking field', 'list_orders', { period: 'today', apiKey: 'x' }, ['Unknown field "apiKey"', LIST_FIELDS]],
  ['two unknown fields', 'read_inbox', { page: 2, text: 'RET' }, ['Unknown fields "page", "text"', INBOX_FIELDS]],
  ['misspelled field', 'read_inbox', { optout: true }, ['Unknown field "optout"', INBOX_FIELDS]],
  // 1 MB strings, NUL bytes and invisible characters in third-party-matched fields
  ['1 MB sender', 'summarize_delivery', { period: 'today', sender: MEGABYTE }, ['sender must be at most 64 characters']],
  ['1 MB contains', 'read_inbox', { contains: MEGABYTE }, ['contains must be at most 160 characters']],
  ['empty sender', 'list_orders', { period: 'today', sender: '' }, ['sender must not be empty']],
  ['NUL in sender', 'list_orders', { period: 'today', sender: 'ACME\u0000MARKET' }, ['sender must not contain control']],
  ['NUL in contains', 'read_inbox', { contains: 'RET\u0000' }, ['contains must not contain control']],
  ['RTL override in sender', 'summarize_delivery', { period: 'today', sender: '\u202eTEKRAM EMCA' }, ['sender must not contain control']],
  ['RTL override in contains', 'read_inbox', { contains: 'abc\u202edef' }, ['contains must not contain control']],
  ['zero-width space in contains', 'read_inbox', { contains: 'R\u200bET' }, ['contains must not contain control']],
  ['newline in sender', 'read_inbox', { sender: '+90532\nSYSTEM:' }, ['sender must not contain control']],
  // The drill-down, audit and balance tools.
  ['no order id', 'list_recipients', { status: 'undelivered' }, ['Invalid orderId: no order was named', 'pass cursor alone']],
  ['order id as a string', 'list_recipients', { orderId: '310000007' }, ['orderId must be a positive whole number']],
  ['order id past the safe integers', 'list_recipients', { orderId: 2 ** 60 }, ['orderId is larger than any order id']],
  ['recipient status as a code', 'list_recipients', { orderId: 1, status: 112 }, ['status must be one of undelivered, waiting, delivered']],
  ['recipient limit past 1000', 'list_recipients', { orderId: 1, limit: 1001 }, ['limit must be a whole number from 1 to 1000']],
  ['minFailures zero', 'list_failed_numbers', { period: 'today', minFailures: 0 }, ['minFailures must be a whole number from 1']],
  ['failed numbers without a range', 'list_failed_numbers', {}, ['Invalid period', 'a date range is required']],
  ['audit without a range', 'audit_opt_outs', {}, ['Invalid period', 'a date range is required']],
  ['checkSends as a string', 'audit_opt_outs', { period: 'today', checkSends: 'no' }, ['checkSends must be true or false']],
  ['an argument to read_balance', 'read_balance', { period: 'today' }, ['Unknown field "period"']],
];

let refused = 0;
let server: Connected;

beforeAll(async () => {
  server = await connect();
});

afterAll(async () => {
  await server.close();
  console.log(`[hostile-input] refused without an API call: ${refused}`);
});

function expectRefusal(result: Awaited<ReturnType<Connected['mcp']['callTool']>>, mustSay: string[]): void {
  const text = textOf(result);
  expect(result.isError, text).toBe(true);
  for (const fragment of mustSay) expect(text).toContain(fragment);
  expect(result.structuredContent).toBeUndefined();
  // The refusal never echoes a huge argument back.
  expect(text.length).toBeLessThan(1_000);
}

describe('hostile arguments without a cursor', () => {
  it('the table is long enough', () => {
    expect(PLAIN_CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(PLAIN_CASES)('%s (%s)', async (_label, tool, args, mustSay) => {
    const result = await server.mcp.callTool({ name: tool, arguments: args });
    expectRefusal(result, mustSay);
    expect(server.api.requests).toHaveLength(0);
    refused += 1;
  });
});

describe('hostile cursors', () => {
  let ordersCursor: string;
  let inboxCursor: string;
  let baseline: number;

  beforeAll(async () => {
    const orders = await server.mcp.callTool({ name: 'list_orders', arguments: { period: 'last_7_days', limit: 2 } });
    ordersCursor = (orders.structuredContent as { nextCursor: string }).nextCursor;
    const inbox = await server.mcp.callTool({ name: 'read_inbox', arguments: { limit: 2 } });
    inboxCursor = (inbox.structuredContent as { nextCursor: string }).nextCursor;
    baseline = server.api.requests.length;
  });

  const cursorCases: Array<[label: string, build: () => [string, Record<string, unknown>], mustSay: string[]]> = [
    ['a list_orders cursor given to read_inbox', () => ['read_inbox', { cursor: ordersCursor }], ['Invalid cursor', 'belongs to list_orders, not read_inbox']],
    ['a read_inbox cursor given to list_orders', () => ['list_orders', { cursor: inboxCursor }], ['Invalid cursor', 'belongs to read_inbox, not list_orders']],
    ['a cursor cut in its signature', () => ['list_orders', { cursor: ordersCursor.slice(0, -3) }], ['Invalid cursor', 'not issued by this server session']],
    [
      'a cursor cut in its body',
      () => ['list_orders', { cursor: ordersCursor.slice(0, ordersCursor.indexOf('.') - 4) }],
      ['Invalid cursor', 'malformed or truncated'],
    ],
    [
      'a cursor whose reference was altered',
      () => {
        const [id = '', signature = ''] = ordersCursor.split('.');
        return ['list_orders', { cursor: `${id.slice(0, -1)}${id.endsWith('A') ? 'B' : 'A'}.${signature}` }];
      },
      ['Invalid cursor', 'not issued by this server session'],
    ],
    [
      'a cursor with different arguments beside it',
      () => ['list_orders', { cursor: ordersCursor, sender: 'KARGOTAKIP' }],
      ['Invalid cursor', 'issued for a different query (sender was not given, now "KARGOTAKIP")', 'pass cursor alone'],
    ],
    ['a real cursor with an unknown field', () => ['read_inbox', { cursor: inboxCursor, after: 'x' }], ['Unknown field "after"', INBOX_FIELDS]],
  ];

  it.each(cursorCases)('%s', async (_label, build, mustSay) => {
    expect(ordersCursor).toMatch(/^[\w-]{22}\.[\w-]{22}$/);
    expect(inboxCursor).toMatch(/^[\w-]{22}\.[\w-]{22}$/);
    const [tool, args] = build();
    const result = await server.mcp.callTool({ name: tool, arguments: args });
    expectRefusal(result, mustSay);
    expect(server.api.requests.length - baseline).toBe(0);
    refused += 1;
  });
});
