import { afterEach, describe, expect, it } from 'vitest';
import { IletimerkeziClient, fetchOrdersPage } from '../src/api/client.js';
import { CancelledError, ConfigurationError, UpstreamError } from '../src/errors.js';
import type { SimulatedApi, SimulatorOptions } from '../src/simulator/api-server.js';
import { FIXTURE_ACCOUNT, makeClient, startFake } from './support/harness.js';
import { ordersBetween } from './support/ground-truth.js';

let fake: SimulatedApi | undefined;
let client: IletimerkeziClient | undefined;

afterEach(async () => {
  await client?.close();
  await fake?.close();
  client = undefined;
  fake = undefined;
});

async function setUp(options: Partial<SimulatorOptions> = {}, clientOptions: Parameters<typeof makeClient>[1] = {}) {
  fake = await startFake(options);
  client = makeClient(fake, clientOptions);
  return { fake, client };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

const WINDOW = { start: '2026-04-01', end: '2026-04-10' };
const windowOrders = () =>
  ordersBetween(FIXTURE_ACCOUNT.orders, WINDOW.start, WINDOW.end).sort((a, b) =>
    a.submitAt === b.submitAt ? a.id - b.id : a.submitAt < b.submitAt ? -1 : 1,
  );

describe('IletimerkeziClient against the fake API', () => {
  it('reads a page of orders and an empty page past the end', async () => {
    const { client } = await setUp();
    const expected = windowOrders();
    expect(expected.length).toBeGreaterThan(60);
    expect(await fetchOrdersPage(client, WINDOW, 1)).toEqual(expected.slice(0, 30));
    expect(await fetchOrdersPage(client, WINDOW, 2)).toEqual(expected.slice(30, 60));
    expect(await fetchOrdersPage(client, WINDOW, 99)).toEqual([]);
  });

  it('warms up without a request, and the first page after it reads as ever', async () => {
    const { fake, client } = await setUp({ pageSize: 500 });
    client.warmUp();
    expect(fake.requests).toHaveLength(0);
    const page = await fetchOrdersPage(client, WINDOW, 1);
    expect(page).toEqual(windowOrders());
    expect(fake.requests).toHaveLength(1);
  });

  it('accepts digit strings, string ids and a lone inbox object as the API drifts', async () => {
    const lone = FIXTURE_ACCOUNT.inbox.slice(0, 1);
    const { client } = await setUp({ drift: true, account: { ...FIXTURE_ACCOUNT, inbox: lone } });
    expect(await fetchOrdersPage(client, WINDOW, 1)).toEqual(windowOrders().slice(0, 30));
    expect(await client.fetchInbox((message) => message)).toEqual({ totalRows: 1, messages: lone });
  });

  it('reads a missing or null orders list as empty', async () => {
    const { client } = await setUp({
      script: (request) =>
        request.endpoint === 'get-reports'
          ? { status: 200, body: { response: { status: { code: 200, message: 'ok' }, count: 0, orders: request.page === 1 ? null : undefined } } }
          : { status: 200, body: { response: { status: { code: 200, message: 'ok' }, orders: { totalRows: '0', order: null } } } },
    });
    expect(await fetchOrdersPage(client, WINDOW, 1)).toEqual([]);
    expect(await fetchOrdersPage(client, WINDOW, 2)).toEqual([]);
    expect(await client.fetchInbox((message) => message)).toEqual({ totalRows: 0, messages: [] });
  });

  it('turns 401 into guidance about the key, the hash and the "Allow API access" toggle, without retrying', async () => {
    const { fake } = await setUp();
    client = makeClient(fake, { credentials: { key: 'wrong', hash: 'wrong' } });
    const error = await failure(fetchOrdersPage(client, WINDOW, 1));
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).details.apiCode).toBe(401);
    expect((error as UpstreamError).message).toContain('ILETIMERKEZI_API_KEY and ILETIMERKEZI_API_HASH');
    expect((error as UpstreamError).message).toContain('"Allow API access" (panel → Settings → Security → Access Permissions)');
    expect(fake.requests).toHaveLength(1);
  });

  it('is refused with 458 by the fake for an 11-day window, as the real API would', async () => {
    const { client } = await setUp();
    const error = await failure(fetchOrdersPage(client, { start: '2026-04-01', end: '2026-04-11' }, 1));
    expect((error as UpstreamError).details.apiCode).toBe(458);
    expect((error as UpstreamError).message).toContain('date range');
  });

  it('retries transient failures and then succeeds', async () => {
    const { fake, client } = await setUp({ faults: { rate: 1, kinds: ['http-503'], seed: 1, maxPerRequest: 2 } });
    expect(await fetchOrdersPage(client, WINDOW, 1)).toEqual(windowOrders().slice(0, 30));
    expect(fake.requests.map((request) => request.fault ?? 'ok')).toEqual(['http-503', 'http-503', 'ok']);
  });

  it('gives up after 4 attempts of a persistent outage and names the failure', async () => {
    const { fake, client } = await setUp({ faults: { rate: 1, kinds: ['http-503'], seed: 1, maxPerRequest: Number.POSITIVE_INFINITY } });
    const error = await failure(fetchOrdersPage(client, WINDOW, 1));
    expect((error as UpstreamError).message).toContain('API status 503 (the API is temporarily unavailable) after 4 attempts');
    expect(fake.requests).toHaveLength(4);
  });

  it('honours Retry-After on 429 only up to its cap', async () => {
    const { fake, client } = await setUp(
      { faults: { rate: 1, kinds: ['rate-limit'], seed: 1, maxPerRequest: 1, retryAfterSeconds: 30 } },
      { retry: { attempts: 4, backoffBaseMs: 5, backoffMaxMs: 40, retryAfterCapMs: 150 } },
    );
    const started = performance.now();
    expect(await fetchOrdersPage(client, WINDOW, 1)).toHaveLength(30);
    const gap = (fake.requests[1]?.at ?? 0) - (fake.requests[0]?.at ?? 0);
    expect(gap).toBeGreaterThanOrEqual(140);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('ends a hanging upstream after the attempts\' timeouts', async () => {
    const { fake, client } = await setUp(
      { faults: { rate: 1, kinds: ['stall'], seed: 1, maxPerRequest: Number.POSITIVE_INFINITY } },
      { timeoutMs: 150 },
    );
    const error = await failure(fetchOrdersPage(client, WINDOW, 1));
    expect((error as UpstreamError).message).toContain('no complete answer within 150 ms after 4 attempts');
    expect(fake.requests).toHaveLength(4);
  });

  it('refuses a counter that is not a whole number, without retrying', async () => {
    const order = { ...windowOrders()[0], delivered: 'abc' };
    const { fake, client } = await setUp({
      script: () => ({ status: 200, body: { response: { status: { code: 200 }, count: 1, orders: [order] } } }),
    });
    const error = await failure(fetchOrdersPage(client, WINDOW, 1));
    expect((error as UpstreamError).kind).toBe('invalid-response');
    expect((error as UpstreamError).message).toContain('response.orders[0].delivered must be a non-negative whole number');
    expect(fake.requests).toHaveLength(1);
  });

  it('refuses an undocumented status code, without retrying', async () => {
    const { fake, client } = await setUp({ script: () => ({ status: 200, body: { response: { status: { code: 299, message: '?' } } } }) });
    const error = await failure(client.fetchInbox((message) => message));
    expect((error as UpstreamError).message).toContain('status code 299, which is not documented');
    expect(fake.requests).toHaveLength(1);
  });

  it('refuses a body over its size cap', async () => {
    const { client } = await setUp({}, { maxBodyBytes: 1_000 });
    const error = await failure(fetchOrdersPage(client, WINDOW, 1));
    expect((error as UpstreamError).kind).toBe('too-large');
    expect((error as UpstreamError).message).toContain('larger than 1000 bytes');
  });

  it('makes no request once cancelled, and none without credentials', async () => {
    const { fake } = await setUp();
    client = makeClient(fake);
    const controller = new AbortController();
    controller.abort();
    expect(await failure(fetchOrdersPage(client, WINDOW, 1, controller.signal))).toBeInstanceOf(CancelledError);
    const anonymous = new IletimerkeziClient({ baseUrl: fake.baseUrl, credentials: undefined, timeoutMs: 1_000, concurrency: 1 });
    const error = await failure(anonymous.fetchInbox((message) => message));
    await anonymous.close();
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain('ILETIMERKEZI_API_KEY and ILETIMERKEZI_API_HASH');
    expect(fake.requests).toHaveLength(0);
  });

  it('quotes the API\'s own message, but leaves out one that contains a credential instead of masking it', async () => {
    const insufficient = () => ({ status: 200, body: { response: { status: { code: 402, message: 'Bakiye yetersiz' } } } });
    const { client } = await setUp({ script: insufficient });
    const quoted = await failure(client.fetchInbox((message) => message));
    expect((quoted as Error).message).toBe(
      'iletiMerkezi API error 402: the account balance is insufficient. The API said: "Bakiye yetersiz". Top up the account in the panel.',
    );
    // With a one-letter key, masking would mangle the message; it is left out whole instead.
    const shortKey = { key: 'e', hash: 'hash-of-a-short-key' };
    const short = await startFake({ script: insufficient, credentials: shortKey });
    const shortClient = makeClient(short, { credentials: shortKey });
    const withheld = await failure(shortClient.fetchInbox((message) => message));
    await shortClient.close();
    await short.close();
    expect((withheld as Error).message).toBe('iletiMerkezi API error 402: the account balance is insufficient. Top up the account in the panel.');
  });
});
