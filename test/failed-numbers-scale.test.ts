import { afterEach, describe, expect, it } from 'vitest';
import { WorkLimitError } from '../src/errors.js';
import { findFailedNumbers } from '../src/reporting/failed-numbers.js';
import { startSimulatedApi } from '../src/simulator/api-server.js';
import { failedNumbersOf } from './support/ground-truth.js';
import { type Connected, TEST_CREDENTIALS, connect, makeClient, textOf } from './support/harness.js';
import { failingNumbersAccount } from './support/failing-numbers.js';

let session: Connected | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

const MARCH = { start: '2026-03-01', end: '2026-03-31' };

interface Page {
  items: Array<{ number: string; failures: number; orders: number; lastFailedAt: string; isPhoneNumber: boolean }>;
  numbers: number;
  matched: number;
  failedMoreThanOnce: number;
  nextCursor?: string;
}

describe('list_failed_numbers at scale', () => {
  it('continues a cursor over 200,000 failing numbers (past the 16 MB a ranking of objects could keep) without reading any recipient again', async () => {
    // 250,000 failures: numbers 0–49,999 of the sequence fail twice, the other 150,000 once.
    const account = failingNumbersAccount({ distinct: 200_000, orders: 5, perOrder: 50_000, day: '2026-03-10' });
    const truth = failedNumbersOf(account.orders, (order) => account.recipients?.(order) ?? []);
    expect(truth).toHaveLength(200_000);
    session = await connect({ fake: { account } });
    const reports = () => session?.api.requests.filter((request) => request.endpoint === 'get-report').length;
    const first = await session.mcp.callTool({ name: 'list_failed_numbers', arguments: { ...MARCH, limit: 500 } });
    expect(first.isError, textOf(first)).toBeFalsy();
    let page = first.structuredContent as Page;
    expect(page).toMatchObject({ numbers: 200_000, matched: 200_000, failedMoreThanOnce: 50_000 });
    // Each order's 50 pages of 1,000 and the empty page after them, once.
    const read = reports();
    expect(read).toBe(5 * 51);
    const listed = [...page.items];
    // A page costs a quarter of a second of date formatting alone, so the walk stops after a few.
    for (let step = 0; step < 4; step += 1) {
      const next = await session.mcp.callTool({ name: 'list_failed_numbers', arguments: { cursor: page.nextCursor, limit: 500 } });
      expect(next.isError, textOf(next)).toBeFalsy();
      expect(reports()).toBe(read);
      page = next.structuredContent as Page;
      expect(page).toMatchObject({ numbers: 200_000, matched: 200_000, failedMoreThanOnce: 50_000 });
      listed.push(...page.items);
    }
    expect(listed).toEqual(truth.slice(0, 2_500));
    expect(page.nextCursor).toBeDefined();
  }, 120_000);

  it('refuses a range with more distinct failing numbers than one call holds, as soon as it has read past them', async () => {
    // Six orders of 10,000 numbers each, none shared: the third order read takes the count past 25,000.
    const account = failingNumbersAccount({ distinct: 60_000, orders: 6, perOrder: 10_000, day: '2026-03-10' });
    const fake = await startSimulatedApi({ account, credentials: TEST_CREDENTIALS });
    const client = makeClient(fake);
    try {
      await expect(findFailedNumbers(client, { range: MARCH }, { maxReportOrders: 500, maxFailedNumbers: 25_000 })).rejects.toThrow(
        new WorkLimitError(
          'More than 25,000 distinct numbers failed in 3 of the 6 orders with failures, more than one call can hold, so the call stopped there. ' +
            'Ask for a narrower range, or pass sender to look at one sender.',
        ),
      );
      // At the limit itself, the same range is answered whole.
      const whole = await findFailedNumbers(client, { range: MARCH }, { maxReportOrders: 500, maxFailedNumbers: 60_000 });
      expect(whole.numbers.length).toBe(60_000);
    } finally {
      await client.close();
      await fake.close();
    }
  }, 60_000);
});
