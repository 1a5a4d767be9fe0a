import { describe, expect, it } from 'vitest';
import { fetchOrdersPage } from '../src/api/client.js';
import { UpstreamError } from '../src/errors.js';
import type { ScriptedResponse } from '../src/simulator/api-server.js';
import { ordersBetween } from './support/ground-truth.js';
import { FIXTURE_ACCOUNT, fakeAndClientPerTest } from './support/harness.js';
import { OK_STATUS } from './support/scripted.js';

/**
 * One rule for success (HTTP 2xx and body code 200) and one for retry (429 and 5xx, whatever the
 * body), checked against bodies of every kind a proxy or the API can put behind a status.
 */
const WINDOW = { start: '2026-04-11', end: '2026-04-20' };
const firstPage = () => ordersBetween(FIXTURE_ACCOUNT.orders, WINDOW.start, WINDOW.end).slice(0, 30);

const BODIES: Record<string, (code: number) => unknown> = {
  'the JSON envelope': (code) => ({ response: { status: { code, message: 'Çok fazla istek' } } }),
  'other JSON': () => ({ error: 'rate limited', retry: true }),
  HTML: () => '<html><body><h1>Error</h1></body></html>',
  'plain text': () => 'Too Many Requests',
  'a success envelope': () => ({ response: { status: OK_STATUS, count: 0, orders: [] } }),
};

const open = fakeAndClientPerTest();

/** A fake whose first `times` get-reports requests get `answer`; later ones are served normally. */
async function answeringFirst(answer: ScriptedResponse, times = 1) {
  let served = 0;
  const script = (request: { endpoint: string }) => {
    if (request.endpoint !== 'get-reports' || served >= times) return undefined;
    served += 1;
    return answer;
  };
  return open({ script }, { retry: { attempts: 4, backoffBaseMs: 5, backoffMaxMs: 40, retryAfterCapMs: 60 } });
}

async function failure(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}

describe('429 and 5xx are retried whatever the body', () => {
  it.each(Object.keys(BODIES))('429 with %s, honouring Retry-After', async (kind) => {
    const { fake, client } = await answeringFirst({ status: 429, body: (BODIES[kind] as (code: number) => unknown)(429), headers: { 'retry-after': '1' } });
    expect(await fetchOrdersPage(client, WINDOW, 1)).toEqual(firstPage());
    expect(fake.requests).toHaveLength(2);
    // Retry-After: 1 s, cut to the test policy's 60 ms cap.
    expect((fake.requests[1]?.at ?? 0) - (fake.requests[0]?.at ?? 0)).toBeGreaterThanOrEqual(55);
  });

  it.each([500, 502, 503, 504])('%i with a success body is a transient failure, not data', async (status) => {
    const { fake, client } = await answeringFirst({ status, body: (BODIES['a success envelope'] as () => unknown)() });
    expect(await fetchOrdersPage(client, WINDOW, 1)).toEqual(firstPage());
    expect(fake.requests).toHaveLength(2);
  });

  it('names the rate limit when it never lifts', async () => {
    const { fake, client } = await answeringFirst({ status: 429, body: (BODIES['the JSON envelope'] as (code: number) => unknown)(429) }, Infinity);
    const error = await failure(fetchOrdersPage(client, WINDOW, 1));
    expect(error.message).toContain('HTTP 429 (rate limited) after 4 attempts');
    expect(error.details.httpStatus).toBe(429);
    expect(fake.requests).toHaveLength(4);
  });
});

describe('only HTTP 2xx with body code 200 is success', () => {
  it.each([301, 302, 307, 308])('a %i redirect is never followed and never success', async (status) => {
    const { fake, client } = await answeringFirst({
      status,
      body: (BODIES['a success envelope'] as () => unknown)(),
      headers: { location: 'http://127.0.0.1:1/v1/get-reports/json' },
    });
    const error = await failure(fetchOrdersPage(client, WINDOW, 1));
    expect(error.kind).toBe('http-status');
    expect(error.message).toContain(`redirect (HTTP ${status}), which this server never follows`);
    expect(fake.requests).toHaveLength(1);
  });

  it('a 4xx with a success body is a failure, not data', async () => {
    const { fake, client } = await answeringFirst({ status: 400, body: (BODIES['a success envelope'] as () => unknown)() });
    const error = await failure(fetchOrdersPage(client, WINDOW, 1));
    expect(error.message).toContain('HTTP 400 with a success body');
    expect(fake.requests).toHaveLength(1);
  });
});

describe('401 and 403 give the authentication guidance whatever the body', () => {
  const kinds = Object.keys(BODIES).filter((kind) => kind !== 'the JSON envelope');
  it.each([401, 403].flatMap((status) => kinds.map((kind) => [status, kind] as const)))('%i with %s', async (status, kind) => {
    const { fake, client } = await answeringFirst({ status, body: (BODIES[kind] as (code: number) => unknown)(status) });
    const error = await failure(fetchOrdersPage(client, WINDOW, 1));
    expect(error.message).toContain(`HTTP ${status}, authentication failed`);
    expect(error.message).toContain('"Allow API access" (panel → Settings → Security → Access Permissions)');
    expect(error.message).toContain('IP allow-list');
    expect(fake.requests).toHaveLength(1);
  });
});
