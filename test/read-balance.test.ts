import { afterEach, describe, expect, it } from 'vitest';
import { parseTlAmount } from '../src/api/schemas.js';
import { ordersBetween, totals } from './support/ground-truth.js';
import { type Connected, FIXTURE_ACCOUNT, connect, textOf } from './support/harness.js';

let session: Connected | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

async function balance(options: Parameters<typeof connect>[0] = {}) {
  session ??= await connect(options);
  const result = await session.mcp.callTool({ name: 'read_balance', arguments: {} });
  return { result, text: textOf(result), data: result.structuredContent as Record<string, unknown> };
}

/** The fixture's today is 2026-04-22 (Istanbul): the basis is the 30 days before it. */
const BASIS = { start: '2026-03-23', end: '2026-04-21' };

describe('TL amounts', () => {
  it.each([
    ['0', 0],
    ['18343', 18343],
    ['1.234,56', 1234.56],
    ['12,5', 12.5],
    ['1234,56', 1234.56],
    ['1.234.567,8', 1234567.8],
    ['1.234', 1234],
    ['1.234.567', 1234567],
    ['12.5', 12.5],
    ['0.50', 0.5],
    ['1.234.56', 1234.56],
  ] as const)('reads %j as %d', (text, amount) => {
    expect(parseTlAmount(text)).toBe(amount);
  });

  it.each(['', '-5', '-1,5', '+5', '1,2,3', '1.23,4', '12,', ',5', '1 234', 'abc', '1.2.3', '12.5.000', '١٢'])('refuses %j', (text) => {
    expect(parseTlAmount(text)).toBeUndefined();
  });
});

describe('read_balance', () => {
  it('answers the credit and a runway over the 30 full days before today, from the data', async () => {
    const { data, text } = await balance();
    const sent = totals(ordersBetween(FIXTURE_ACCOUNT.orders, BASIS.start, BASIS.end)).total;
    expect(sent).toBeGreaterThan(0);
    expect(data).toEqual({
      amount: 0,
      sms: 250_000,
      averageDailyMessages: sent / 30,
      runwayDays: 250_000 / (sent / 30),
      basis: BASIS,
      span: { days: 30, daysWithData: 30, firstDayWithData: BASIS.start, lastDayWithData: BASIS.end, listedDaysWithData: [], soFar: false, until: null },
      dropped: { duplicates: 0, outOfRange: 0 },
    });
    expect(text).toContain('Balance: 250,000 SMS credits; 0.00 TL.');
    expect(text).toContain('The account runs on SMS credit');
    expect(text).toContain(`the SMS credit lasts about ${(250_000 / (sent / 30)).toFixed(1)} days`);
  });

  it('reads the basis with the same scan as summarize_delivery, so its final windows come from the cache', async () => {
    session = await connect();
    await session.mcp.callTool({ name: 'summarize_delivery', arguments: BASIS });
    const before = session.api.requests.length;
    await balance();
    const windows = session.api.requests.slice(before).filter((request) => request.endpoint === 'get-reports').map((request) => request.start);
    // 03-23..04-01 and 04-02..04-11 are final; only 04-12..04-21 is read again.
    expect([...new Set(windows)]).toEqual(['2026-04-12']);
  });

  it.each([
    [{ amount: '1.234,56', sms: '0' }, 1234.56, 0, 'The account runs on TL credit'],
    [{ amount: '12,5', sms: '0' }, 12.5, 0, 'The account runs on TL credit'],
    [{ amount: '0', sms: '0' }, 0, 0, 'No credit is left'],
  ])('reads %j and says which unit the account uses', async (wire, amount, sms, unit) => {
    const { data, text } = await balance({ fake: { account: { ...FIXTURE_ACCOUNT, balance: wire } } });
    expect(data).toMatchObject({ amount, sms });
    expect(data.runwayDays).toBe(sms === 0 && amount !== 0 ? null : 0);
    expect(text).toContain(unit);
  });

  it('has no runway when nothing was sent', async () => {
    const { data, text } = await balance({ fake: { account: { orders: [], inbox: [], balance: { amount: '0', sms: '5000' } } } });
    expect(data).toMatchObject({ sms: 5000, averageDailyMessages: 0, runwayDays: null });
    expect(text).toContain('No messages were submitted over 2026-03-23..2026-04-21, so there is no runway figure.');
  });

  it.each([
    [{ amount: '-5', sms: '100' }, 'response.balance.amount'],
    [{ amount: '1,2,3', sms: '100' }, 'response.balance.amount'],
    [{ amount: '5', sms: '-1' }, 'response.balance.sms'],
    [{ amount: '5', sms: '12.5' }, 'response.balance.sms'],
  ])('refuses %j, naming the field', async (wire, field) => {
    const { result, text } = await balance({ fake: { account: { ...FIXTURE_ACCOUNT, balance: wire } } });
    expect(result.isError).toBe(true);
    expect(text).toContain(`get-balance response did not match its documented shape: ${field} must be`);
  });
});
