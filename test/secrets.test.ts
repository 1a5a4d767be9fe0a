import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchOrdersPage } from '../src/api/client.js';
import { generateDemoAccount } from '../src/demo/account.js';
import { stderrLogger } from '../src/log.js';
import {
  type ScriptedResponse,
  type SimulatedApi,
  type SimulatedRequest,
  type SimulatorOptions,
  startSimulatedApi,
} from '../src/simulator/api-server.js';
import { TEST_CREDENTIALS, connect, makeClient, startFake, textOf } from './support/harness.js';
import { type JsonRpcResponse, RpcSession, closedPort, debugEnv, resultText, runToExit } from './support/spawned.js';

/**
 * The API key and hash must never surface: not in a tool result (text or structuredContent),
 * not in an error the client throws, not on stderr (debug logging on), not on stdout.
 */

const SECRETS = [TEST_CREDENTIALS.key, TEST_CREDENTIALS.hash];
/** The distinctive middles too, so a partial or re-encoded leak is still caught. */
const FRAGMENTS = [...SECRETS, '7f3a9c1e', 'b84d20f6', encodeURIComponent(TEST_CREDENTIALS.key), Buffer.from(TEST_CREDENTIALS.key).toString('base64')];

let probes = 0;

function expectNoSecret(label: string, haystack: string): void {
  for (const fragment of FRAGMENTS) expect(haystack, `${label} leaks ${fragment}`).not.toContain(fragment);
  probes += 1;
}

afterAll(() => {
  console.log(`[secrets] leak probes run: ${probes}`);
});

/** Answers the fake gives when the test asks for a failure mode; the echoing ones are hostile. */
type Mode = 'ok' | '458-echo' | '500' | 'rate-limited' | 'bad-shape' | 'huge' | '401-echo' | 'stall';

function scriptFor(mode: () => Mode) {
  return (request: SimulatedRequest): ScriptedResponse | undefined => {
    const echo = `Üyelik bilgileri hatalı: key=${TEST_CREDENTIALS.key} hash=${TEST_CREDENTIALS.hash}`;
    switch (mode()) {
      case 'ok':
        return undefined;
      case '458-echo':
        return { status: 200, body: { response: { status: { code: 458, message: echo } } } };
      case '401-echo':
        return { status: 401, body: { response: { status: { code: 401, message: echo } } } };
      case '500':
        return { status: 500, body: { response: { status: { code: 500, message: echo } } } };
      case 'rate-limited':
        return { status: 429, body: `Too Many Requests for ${TEST_CREDENTIALS.key}`, headers: { 'content-type': 'text/plain', 'retry-after': '0' } };
      case 'bad-shape':
        return {
          status: 200,
          body:
            request.endpoint === 'get-inbox'
              ? { response: { status: { code: 200 }, orders: { totalRows: TEST_CREDENTIALS.key, order: [{ id: TEST_CREDENTIALS.hash }] } } }
              : { response: { status: { code: 200 }, orders: [{ id: TEST_CREDENTIALS.key, sender: TEST_CREDENTIALS.hash }] } },
        };
      case 'huge':
        return { status: 200, body: `{"key":"${TEST_CREDENTIALS.key}","pad":"${'x'.repeat(17 * 1024 * 1024)}"}` };
      case 'stall':
        return undefined;
    }
  };
}

const TOOL_CALLS: Array<[string, Record<string, unknown>]> = [
  ['summarize_delivery', { period: 'last_7_days', groupBy: 'sender' }],
  ['list_orders', { period: 'last_7_days', limit: 3 }],
  ['read_inbox', { limit: 3 }],
  // The demo account's follow-up campaign has a fixed id, whenever the account is generated.
  ['list_recipients', { orderId: 319_999_993, limit: 3 }],
  ['list_failed_numbers', { period: 'last_7_days', limit: 3 }],
  ['audit_opt_outs', { period: 'last_30_days', limit: 3 }],
  ['read_balance', {}],
];

const INVALID_CALLS: Array<[string, Record<string, unknown>]> = [
  ['summarize_delivery', { period: 'fortnight', key: TEST_CREDENTIALS.key }],
  ['list_orders', { start: '2026-02-30', limit: 0 }],
  ['read_inbox', { cursor: `${TEST_CREDENTIALS.key}.${TEST_CREDENTIALS.hash}` }],
  ['list_recipients', { orderId: TEST_CREDENTIALS.key }],
  ['audit_opt_outs', { period: 'last_month', checkSends: TEST_CREDENTIALS.hash }],
]

/** The real server and client in-process, with debug logging to a captured stderr. */
function connectLogged(fake: Partial<SimulatorOptions>, baseUrl?: string) {
  return connect({ fake, logger: stderrLogger(true), client: { timeoutMs: 100, ...(baseUrl ? { baseUrl } : {}) } });
}

describe('in-process: every tool through every outcome', () => {
  const captured: string[] = [];
  const originalWrite = process.stderr.write.bind(process.stderr);

  beforeAll(() => {
    process.stderr.write = ((chunk: string | Uint8Array) => {
      captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    });
  });

  afterAll(() => {
    process.stderr.write = originalWrite;
  });

  const outcomes: Array<[label: string, setup: () => { mode: Mode; fake: Partial<SimulatorOptions>; closed?: boolean }, isError: boolean]> = [
    ['success', () => ({ mode: 'ok', fake: {} }), false],
    ['a 401 for a wrong key', () => ({ mode: 'ok', fake: { credentials: { key: 'other-key', hash: 'other-hash' } } }), true],
    ['a 401 that echoes the credentials', () => ({ mode: '401-echo', fake: {} }), true],
    ['a 458 that echoes the credentials', () => ({ mode: '458-echo', fake: {} }), true],
    ['a 500 that echoes the credentials, retried', () => ({ mode: '500', fake: {} }), true],
    ['a 429 that echoes the key, retried', () => ({ mode: 'rate-limited', fake: {} }), true],
    ['a body of the wrong shape holding the credentials', () => ({ mode: 'bad-shape', fake: {} }), true],
    ['a body over the size cap', () => ({ mode: 'huge', fake: {} }), true],
    ['timeouts', () => ({ mode: 'stall', fake: { faults: { rate: 1, kinds: ['stall'], seed: 1, maxPerRequest: Infinity } } }), true],
    ['a closed port (network error)', () => ({ mode: 'ok', fake: {}, closed: true }), true],
  ];

  it.each(outcomes)('%s', async (label, setup, isError) => {
    const { mode, fake, closed } = setup();
    const baseUrl = closed ? `http://127.0.0.1:${await closedPort()}/v1` : undefined;
    const server = await connectLogged({ ...fake, script: scriptFor(() => mode) }, baseUrl);
    const before = captured.length;
    try {
      for (const [name, args] of TOOL_CALLS) {
        const result = await server.mcp.callTool({ name, arguments: args });
        expect(Boolean(result.isError), `${label} ${name}: ${textOf(result)}`).toBe(isError);
        expectNoSecret(`${label} ${name} text`, textOf(result));
        expectNoSecret(`${label} ${name} structuredContent`, JSON.stringify(result.structuredContent ?? null));
        expectNoSecret(`${label} ${name} whole result`, JSON.stringify(result));
      }
      if (!closed) expect(server.api.requests.length).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
    const logged = captured.slice(before).join('');
    // Debug logging is on: the requests were logged, without the credentials.
    expect(logged).toContain('[iletimerkezi-mcp] get-');
    expectNoSecret(`${label} stderr`, logged);
  });

  it('validation errors', async () => {
    const server = await connectLogged({});
    try {
      for (const [name, args] of INVALID_CALLS) {
        const result = await server.mcp.callTool({ name, arguments: args });
        expect(result.isError).toBe(true);
        // The echo of a value the caller passed is not a leak of the configured secret, but none happens anyway.
        expectNoSecret(`invalid ${name}`, JSON.stringify(result));
      }
      expect(server.api.requests).toHaveLength(0);
    } finally {
      await server.close();
    }
    expectNoSecret('validation stderr', captured.join(''));
  });
});

describe('errors thrown by the client', () => {
  const failures: Array<[label: string, mode: Mode, fake: Partial<SimulatorOptions>, kind: string]> = [
    ['401', 'ok', { credentials: { key: 'x', hash: 'y' } }, 'api-status'],
    ['401 echoing the credentials', '401-echo', {}, 'api-status'],
    ['458 echoing the credentials', '458-echo', {}, 'api-status'],
    ['500 echoing the credentials', '500', {}, 'api-status'],
    ['429', 'rate-limited', {}, 'http-status'],
    ['wrong shape', 'bad-shape', {}, 'invalid-response'],
    ['too large', 'huge', {}, 'too-large'],
    ['timeout', 'stall', { faults: { rate: 1, kinds: ['stall'], seed: 1, maxPerRequest: Infinity } }, 'network'],
    ['connection reset', 'ok', { faults: { rate: 1, kinds: ['reset'], seed: 1, maxPerRequest: Infinity } }, 'network'],
  ];

  function expectCleanError(label: string, error: unknown): void {
    expect(error).toBeInstanceOf(Error);
    const failure = error as Error;
    expectNoSecret(`${label} message`, failure.message);
    expectNoSecret(`${label} stack`, failure.stack ?? '');
    expectNoSecret(`${label} inspect`, inspect(failure, { depth: Infinity, showHidden: true }));
    expectNoSecret(`${label} JSON`, JSON.stringify(failure));
  }

  it.each(failures)('%s', async (label, mode, fake, kind) => {
    const api = await startFake({ ...fake, script: scriptFor(() => mode) });
    const client = makeClient(api, { timeoutMs: 150 });
    try {
      const reports = await fetchOrdersPage(client, { start: '2026-04-20', end: '2026-04-22' }, 1).catch((error: unknown) => error);
      expect((reports as { kind?: string }).kind).toBe(kind);
      expectCleanError(`${label} get-reports`, reports);
      const inbox = await client.fetchInbox((message) => message).catch((error: unknown) => error);
      expectCleanError(`${label} get-inbox`, inbox);
    } finally {
      await client.close();
      await api.close();
    }
  });

  it('connection errors (closed port, unroutable port 1) are wrapped without the request', async () => {
    for (const baseUrl of [`http://127.0.0.1:${await closedPort()}/v1`, 'http://127.0.0.1:1/v1']) {
      const client = makeClient({ baseUrl } as SimulatedApi);
      try {
        const error = await fetchOrdersPage(client, { start: '2026-04-20', end: '2026-04-22' }, 1).catch((caught: unknown) => caught);
        expect((error as Error).message).toContain('network error (ECONNREFUSED) after 4 attempts');
        expectCleanError(`connection refused at ${baseUrl}`, error);
        expectCleanError(`inbox at ${baseUrl}`, await client.fetchInbox((message) => message).catch((caught: unknown) => caught));
      } finally {
        await client.close();
      }
    }
  });
});

describe('the built server (node dist/cli.js) with ILETIMERKEZI_DEBUG=1', () => {
  let mode: Mode = 'ok';
  let healthy: SimulatedApi;
  let wrongKey: SimulatedApi;

  beforeAll(async () => {
    const account = generateDemoAccount({ now: new Date() });
    healthy = await startSimulatedApi({ account, credentials: TEST_CREDENTIALS, script: scriptFor(() => mode) });
    wrongKey = await startSimulatedApi({ account, credentials: { key: 'other-key', hash: 'other-hash' } });
  });

  afterAll(async () => {
    await healthy?.close();
    await wrongKey?.close();
  });

  async function callAll(session: RpcSession, calls: Array<[string, Record<string, unknown>]>): Promise<JsonRpcResponse[]> {
    return Promise.all(calls.map(([name, args]) => session.callTool(name, args)));
  }

  it('success, API errors, hostile echoes, validation, wrong key and network errors leak nothing', async () => {
    const main = new RpcSession(debugEnv(healthy.baseUrl));
    const unauthorized = new RpcSession(debugEnv(wrongKey.baseUrl));
    const unreachable = new RpcSession(debugEnv(`http://127.0.0.1:${await closedPort()}/v1`));
    try {
      await Promise.all([main.initialize(), unauthorized.initialize(), unreachable.initialize()]);
      // The network errors take the production backoff (about 2 s); run them while the rest goes on.
      const offline = callAll(unreachable, TOOL_CALLS);
      const denied = callAll(unauthorized, TOOL_CALLS);

      const seen: Array<[string, JsonRpcResponse]> = [];
      // The faults first: an answer 'ok' leaves behind (a final order's recipients, say) would be served from the cache
      // in a later step instead of meeting its fault.
      for (const step of ['458-echo', '401-echo', 'rate-limited', 'bad-shape', 'huge', 'ok'] as const) {
        mode = step;
        for (const response of await callAll(main, TOOL_CALLS)) seen.push([step, response]);
      }
      mode = 'ok';
      for (const response of await callAll(main, INVALID_CALLS)) seen.push(['invalid', response]);
      for (const response of await denied) seen.push(['wrong key', response]);
      for (const response of await offline) seen.push(['network', response]);

      for (const [step, response] of seen) {
        const isError = Boolean(response.result?.isError);
        expect(isError, `${step}: ${resultText(response)}`).toBe(step !== 'ok');
        expectNoSecret(`built ${step} response`, JSON.stringify(response));
      }
      expect(seen.filter(([step]) => step === 'network').map(([, response]) => resultText(response))).toEqual(
        TOOL_CALLS.map((): unknown => expect.stringContaining('network error (ECONNREFUSED) after 4 attempts')),
      );
      expect(seen.filter(([step]) => step === 'wrong key').every(([, response]) => resultText(response).includes('authentication failed'))).toBe(true);
    } finally {
      for (const [label, session] of [
        ['main', main],
        ['wrong key', unauthorized],
        ['unreachable', unreachable],
      ] as const) {
        const exit = await session.close();
        expect(exit.code).toBe(0);
        expectNoSecret(`built ${label} stdout`, exit.stdout.toString('utf8'));
        expectNoSecret(`built ${label} stderr`, exit.stderr);
        if (label === 'main') expect(exit.stderr).toContain('[iletimerkezi-mcp] get-reports');
      }
    }
  });

  it('refuses a plain-http base URL at start-up, naming ILETIMERKEZI_BASE_URL, and accepts loopback http', async () => {
    for (const baseUrl of ['http://example.com/v1', 'http://127.0.0.1.nip.io/v1', 'ftp://127.0.0.1/v1']) {
      const exit = await runToExit(debugEnv(baseUrl));
      expect(exit.code, baseUrl).not.toBe(0);
      expect(exit.stderr).toContain('ILETIMERKEZI_BASE_URL must use https://');
      expect(exit.stdout.length).toBe(0);
      expectNoSecret(`refused ${baseUrl} stderr`, exit.stderr);
    }
    const credentialsInUrl = await runToExit(debugEnv(`${healthy.baseUrl.replace('http://', `http://${TEST_CREDENTIALS.key}:${TEST_CREDENTIALS.hash}@`)}`));
    expect(credentialsInUrl.code).not.toBe(0);
    expect(credentialsInUrl.stderr).toContain('ILETIMERKEZI_BASE_URL must be a plain base URL');
    expectNoSecret('credentials in the base URL stderr', credentialsInUrl.stderr);

    const accepted = new RpcSession(debugEnv(healthy.baseUrl));
    mode = 'ok';
    const init = await accepted.initialize();
    expect((init.result?.serverInfo as { name?: string }).name).toBe('iletimerkezi-mcp');
    const summary = await accepted.callTool('summarize_delivery', { period: 'today' });
    expect(summary.result?.isError).toBeFalsy();
    const exit = await accepted.close();
    expect(exit.code).toBe(0);
    expectNoSecret('accepted loopback stderr', exit.stderr);
  });
});
