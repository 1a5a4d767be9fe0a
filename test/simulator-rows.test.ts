import { describe, expect, it } from 'vitest';
import type { Order } from '../src/api/schemas.js';
import type { SimulatedApi, SimulatorOptions } from '../src/simulator/api-server.js';
import { FIXTURE_ACCOUNT, fakePerTest } from './support/harness.js';
import { post } from './support/raw-api.js';

/** get-report, get-blacklist and get-balance on the fake alone, called over HTTP with no client in between. */

const startFake = fakePerTest();
let api: SimulatedApi | undefined;

async function start(options: Partial<SimulatorOptions> = {}): Promise<SimulatedApi> {
  api = await startFake(options);
  return api;
}

interface Body {
  response: {
    status: { code: number };
    order?: { id: unknown; status: unknown; total?: number; undelivered?: number; message: Array<{ number: unknown; status: number }> };
    blacklist?: { count: string; number: string[] };
    balance?: { amount: string; sms: string };
  };
}

async function call(endpoint: string, fields: Record<string, unknown> = {}) {
  const answer = await post(api as SimulatedApi, endpoint, fields);
  return { status: answer.status, body: JSON.parse(answer.text) as Body };
}

const CAMPAIGN = [...FIXTURE_ACCOUNT.orders].sort((a, b) => b.total - a.total)[0] as Order;

describe('the fake get-report', () => {
  it("serves an order's recipients in pages of 1000 until an empty page, consistent with its counters", async () => {
    await start();
    const rows: Array<{ number: unknown; status: number }> = [];
    for (let page = 1; ; page += 1) {
      const { body } = await call('get-report', { order: { id: CAMPAIGN.id, page, rowCount: 1000 } });
      expect(body.response.status.code).toBe(200);
      const message = body.response.order?.message ?? [];
      if (message.length === 0) break;
      expect(message.length).toBeLessThanOrEqual(1000);
      rows.push(...message);
    }
    expect(rows).toHaveLength(CAMPAIGN.total);
    expect(rows.filter((row) => row.status === 112)).toHaveLength(CAMPAIGN.undelivered);
    expect(rows.filter((row) => row.status === 111)).toHaveLength(CAMPAIGN.delivered);
    expect(rows.filter((row) => row.status === 110)).toHaveLength(CAMPAIGN.waiting);
  });

  it('answers 455 for an unknown id, 464 for a bad page, 422 for a bad rowCount or id, 456 before a scheduled send', async () => {
    await start();
    const code = async (order: Record<string, unknown>) => (await call('get-report', { order })).body.response.status.code;
    expect(await code({ id: 1 })).toBe(455);
    expect(await code({ id: CAMPAIGN.id, page: 0 })).toBe(464);
    expect(await code({ id: CAMPAIGN.id, rowCount: 1001 })).toBe(422);
    expect(await code({ id: String(CAMPAIGN.id) })).toBe(422);
    const scheduled = FIXTURE_ACCOUNT.orders.find((order) => order.sendAt > order.submitAt) as Order;
    expect(await code({ id: scheduled.id })).toBe(200);
    await api?.close();
    await start({ now: () => new Date(`${scheduled.submitAt.replace(' ', 'T')}+03:00`) });
    expect(await code({ id: scheduled.id })).toBe(456);
  });

  it('serves a configured page size whatever rowCount asks, and the older format without counters', async () => {
    await start({ rowPageSize: 7, legacyReport: true });
    const { body } = await call('get-report', { order: { id: CAMPAIGN.id, rowCount: 1000 } });
    expect(body.response.order?.message).toHaveLength(7);
    expect(Object.keys(body.response.order ?? {}).sort()).toEqual(['id', 'message', 'status']);
  });
});

describe('the fake get-blacklist and get-balance', () => {
  const blacklist = Array.from({ length: 2500 }, (_, index) => ({ number: `+90505${String(index).padStart(7, '0')}`, at: `2026-04-${String(1 + (index % 20)).padStart(2, '0')} 10:00:00` }));

  it('pages the blacklist by rowCount with count as a string, and filters by when a number was blocked', async () => {
    await start({ account: { ...FIXTURE_ACCOUNT, blacklist } });
    const pages = [];
    for (let page = 1; page <= 4; page += 1) pages.push((await call('get-blacklist', { blacklist: { page, rowCount: 1000 } })).body.response.blacklist);
    expect(pages.map((page) => page?.number.length)).toEqual([1000, 1000, 500, 0]);
    expect(pages.map((page) => page?.count)).toEqual(['2500', '2500', '2500', '2500']);
    expect(pages.flatMap((page) => page?.number ?? [])).toEqual(blacklist.map((entry) => entry.number));
    const filtered = await call('get-blacklist', { blacklist: { filter: { start: '2026-04-20 00:00:00', end: '2026-04-20 23:59:59' } } });
    expect(filtered.body.response.blacklist?.count).toBe(String(blacklist.filter((entry) => entry.at.startsWith('2026-04-20')).length));
    expect((await call('get-blacklist', { blacklist: { filter: { start: '2026-04-20' } } })).body.response.status.code).toBe(422);
    expect((await call('get-blacklist', { blacklist: { rowCount: 5000 } })).body.response.status.code).toBe(422);
  });

  it('answers the balance as two strings', async () => {
    await start({ account: { ...FIXTURE_ACCOUNT, balance: { amount: '1.234,56', sms: '0' } } });
    expect((await call('get-balance')).body.response.balance).toEqual({ amount: '1.234,56', sms: '0' });
  });
});
