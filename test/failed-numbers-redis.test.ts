import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shiftDays, today } from '../src/reporting/calendar.js';
import { type SimulatedApi, startSimulatedApi } from '../src/simulator/api-server.js';
import { failedNumbersOf } from './support/ground-truth.js';
import { TEST_CREDENTIALS, textOf } from './support/harness.js';
import { failingNumbersAccount } from './support/failing-numbers.js';
import { accountHeaders, httpClient } from './support/hosted.js';
import { type HttpProcess, spawnHttpServer } from './support/http-process.js';
import { type RedisInstance, startRedis } from './support/redis-server.js';

const SECRET = 'shared-cursor-secret-failed-numbers-0123';

interface Page {
  items: Array<{ number: string; isPhoneNumber: boolean; failures: number; orders: number; lastFailedAt: string }>;
  numbers: number;
  failedMoreThanOnce: number;
  nextCursor?: string;
}

/** Two replicas behind one real redis-server: the ranking's compact snapshot goes through Redis as JSON. */
describe('list_failed_numbers with its snapshots in Redis', () => {
  const day = shiftDays(today(() => new Date()), -3);
  // 40,000 numbers: the first 8,000 of the sequence fail twice.
  const account = failingNumbersAccount({ distinct: 40_000, orders: 4, perOrder: 12_000, day });
  let redis: RedisInstance;
  let fake: SimulatedApi;
  let a: HttpProcess;
  let b: HttpProcess;

  beforeAll(async () => {
    redis = await startRedis();
    fake = await startSimulatedApi({ account, credentials: TEST_CREDENTIALS });
    const env = { ILETIMERKEZI_BASE_URL: fake.baseUrl, ILETIMERKEZI_REDIS_URL: redis.url, ILETIMERKEZI_CURSOR_SECRET: SECRET };
    [a, b] = await Promise.all([spawnHttpServer(env), spawnHttpServer(env)]);
  });

  afterAll(async () => {
    const codes = await Promise.all([a?.stop(), b?.stop()]);
    await fake?.close();
    await redis?.stop();
    expect(codes).toEqual([0, 0]);
  });

  it('continues on replica B, from the snapshot A kept in Redis, without reading a recipient again', async () => {
    const truth = failedNumbersOf(account.orders, (order) => account.recipients?.(order) ?? []);
    const onA = await httpClient(a.url, accountHeaders(TEST_CREDENTIALS));
    const onB = await httpClient(b.url, accountHeaders(TEST_CREDENTIALS));
    const reports = () => fake.requests.filter((request) => request.endpoint === 'get-report').length;
    const first = await onA.callTool({ name: 'list_failed_numbers', arguments: { start: day, end: day, limit: 500 } });
    expect(first.isError, textOf(first)).toBeFalsy();
    const read = reports();
    expect(read).toBe(4 * 13);
    let page = first.structuredContent as Page;
    expect(page).toMatchObject({ numbers: 40_000, failedMoreThanOnce: 8_000 });
    const listed = [...page.items];
    for (const replica of [onB, onA, onB]) {
      const next = await replica.callTool({ name: 'list_failed_numbers', arguments: { cursor: page.nextCursor, limit: 500 } });
      expect(next.isError, textOf(next)).toBeFalsy();
      page = next.structuredContent as Page;
      listed.push(...page.items);
    }
    expect(reports()).toBe(read);
    expect(listed).toEqual(truth.slice(0, 2_000));
    await Promise.all([onA.close(), onB.close()]);
  }, 120_000);
});
