import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoAccount } from '../src/demo/account.js';
import { today } from '../src/reporting/calendar.js';
import { type ScriptedResponse, type SimulatedApi, type SimulatedRequest, startSimulatedApi } from '../src/simulator/api-server.js';
import { TOOLS } from '../src/tools/index.js';
import { TEST_CREDENTIALS } from './support/harness.js';
import { type JsonRpcResponse, RpcSession, closedPort, debugEnv, resultText } from './support/spawned.js';

/**
 * stdout belongs to JSON-RPC: the built server, driven with raw JSON-RPC lines through every
 * tool and every error path with debug logging on, writes nothing else there, byte for byte.
 */

type Mode = 'ok' | '458' | '500' | 'rate-limited' | 'bad-shape' | 'huge' | 'html';

function script(mode: () => Mode) {
  return (request: SimulatedRequest): ScriptedResponse | undefined => {
    switch (mode()) {
      case 'ok':
        return undefined;
      case '458':
        return { status: 200, body: { response: { status: { code: 458, message: 'Tarih aralığı hatalı\nconsole.log("x")' } } } };
      case '500':
        return { status: 500, body: { response: { status: { code: 500, message: 'Sunucu hatası' } } } };
      case 'rate-limited':
        return { status: 429, body: 'Too Many Requests', headers: { 'content-type': 'text/plain', 'retry-after': '0' } };
      case 'bad-shape':
        return {
          status: 200,
          body: request.endpoint === 'get-inbox' ? { response: { status: { code: 200 }, orders: { totalRows: -1 } } } : { response: { status: { code: 200 }, orders: [{ id: 'x' }] } },
        };
      case 'huge':
        return { status: 200, body: `{"pad":"${'x'.repeat(17 * 1024 * 1024)}"}` };
      case 'html':
        return { status: 502, body: '<html>\n<body>Bad Gateway</body>\n</html>', headers: { 'content-type': 'text/html' } };
    }
  };
}

/** Every line must be one JSON-RPC 2.0 message: a response to a request, or a notification. */
function expectJsonRpcLines(stdout: Buffer): unknown[] {
  const text = stdout.toString('utf8');
  expect(text.length).toBeGreaterThan(0);
  expect(text.endsWith('\n')).toBe(true);
  const lines = text.slice(0, -1).split('\n');
  return lines.map((line) => {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`stdout line is not JSON: ${JSON.stringify(line.slice(0, 200))}`);
    }
    expect(typeof message === 'object' && message !== null && !Array.isArray(message), line.slice(0, 200)).toBe(true);
    expect(message.jsonrpc, line.slice(0, 200)).toBe('2.0');
    const isResponse = 'id' in message && ('result' in message) !== ('error' in message) && !('method' in message);
    const isNotification = typeof message.method === 'string' && !('id' in message);
    const isRequest = typeof message.method === 'string' && 'id' in message;
    expect(isResponse || isNotification || isRequest, line.slice(0, 200)).toBe(true);
    return message;
  });
}

describe('stdout of the built server', () => {
  let mode: Mode = 'ok';
  let fake: SimulatedApi;
  const now = new Date();
  const day = today(() => now);
  const account = generateDemoAccount({ now });
  const ORDER_ID = account.orders.find((order) => order.undelivered > 0)?.id ?? 0;

  beforeAll(async () => {
    fake = await startSimulatedApi({
      account,
      credentials: TEST_CREDENTIALS,
      latencyMs: 2,
      script: script(() => mode),
    });
  });

  afterAll(async () => {
    await fake?.close();
  });

  it('is nothing but JSON-RPC through every tool and every error path', async () => {
    const session = new RpcSession(debugEnv(fake.baseUrl));
    const offline = new RpcSession(debugEnv(`http://127.0.0.1:${await closedPort()}/v1`));
    const responses: Array<[string, JsonRpcResponse]> = [];
    const timings: string[] = [];
    const record = async (label: string, pending: Promise<JsonRpcResponse>) => {
      const response = await pending;
      responses.push([label, response]);
      return response;
    };
    try {
      const init = await record('initialize', session.initialize());
      expect(init.result?.protocolVersion).toBe('2025-06-18');
      await offline.initialize();
      // The network failures take the production backoff; let them run meanwhile.
      const network = Promise.all(
        [
          ['summarize_delivery', { period: 'today' }],
          ['list_orders', { period: 'today' }],
          ['read_inbox', {}],
        ].map(([name, args]) => offline.callTool(name as string, args as Record<string, unknown>)),
      );

      const tools = await record('tools/list', session.request('tools/list'));
      expect((tools.result?.tools as Array<{ name: string }>).map((tool) => tool.name)).toEqual(TOOLS.map((tool) => tool.name));
      await record('ping', session.request('ping'));

      // Success, with progress notifications requested.
      const start = `${day.slice(0, 8)}01`;
      const summary = await record('summary', session.callTool('summarize_delivery', { start, end: day, groupBy: 'day' }, { progressToken: 'p-1' }));
      expect(summary.result?.isError).toBeFalsy();
      const listed = await record('list', session.callTool('list_orders', { period: 'last_30_days', limit: 2 }, { progressToken: 7 }));
      const cursor = (listed.result?.structuredContent as { nextCursor?: string }).nextCursor;
      expect(cursor).toBeTypeOf('string');
      await record('list page 2', session.callTool('list_orders', { cursor, limit: 2 }));
      const failed = await record('failed numbers', session.callTool('list_failed_numbers', { period: 'last_7_days', limit: 3 }, { progressToken: 'f' }));
      expect(failed.result?.isError, resultText(failed)).toBeFalsy();
      const recipients = await record('recipients', session.callTool('list_recipients', { orderId: ORDER_ID, limit: 3 }));
      expect(recipients.result?.isError, resultText(recipients)).toBeFalsy();
      await record('balance', session.callTool('read_balance', {}));
      await record('unknown order', session.callTool('list_recipients', { orderId: 1 }));
      const inbox = await record('inbox', session.callTool('read_inbox', { limit: 5 }));
      expect(resultText(inbox)).toContain('<untrusted-sms-');

      // Validation errors.
      await record('bad period', session.callTool('summarize_delivery', { period: 'fortnight' }));
      await record('unknown field', session.callTool('list_orders', { period: 'today', from: '2026-01-01' }));
      await record('bad cursor', session.callTool('read_inbox', { cursor: 'forged.cursor' }));
      await record('NUL sender', session.callTool('read_inbox', { sender: 'a\u0000b' }));

      // Upstream failures of every kind; the three tools at once, as the retried ones wait out the production backoff.
      for (const failure of ['458', '500', 'rate-limited', 'bad-shape', 'huge', 'html'] as const) {
        mode = failure;
        const started = performance.now();
        const answers = await Promise.all(
          (
            [
              ['summarize_delivery', { period: 'today' }],
              ['list_orders', { period: 'today' }],
              ['read_inbox', {}],
              // An order no earlier call read: ORDER_ID's recipients are final and cached by now, and would be served without a request.
              ['list_recipients', { orderId: 1 }],
              ['read_balance', {}],
            ] as const
          ).map(([name, args]) => record(`${failure} ${name}`, session.callTool(name, args))),
        );
        for (const response of answers) expect(response.result?.isError, `${failure}: ${resultText(response)}`).toBe(true);
        timings.push(`${failure} ${Math.round(performance.now() - started)} ms`);
      }
      mode = 'ok';

      // Protocol-level errors: unknown tool, unknown method, bad params, a line that is not JSON,
      // JSON that is not JSON-RPC, and a cancelled call.
      await record('unknown tool', session.callTool('send_sms', { to: '+905321234567' }));
      const unknownMethod = await record('unknown method', session.request('resources/subscribe_all'));
      expect(unknownMethod.error?.code).toBe(-32601);
      await record('bad params', session.request('tools/call', { arguments: 5 }));
      session.writeLine('this is not json {');
      session.writeLine('{"hello":"world"}');
      session.writeLine('');
      const cancelled = session.callTool('list_orders', { period: 'last_30_days' }, { progressToken: 'c' });
      session.notify('notifications/cancelled', { requestId: cancelled.id, reason: 'test' });
      await record('after garbage', session.request('ping'));
      // A cancelled request gets no answer (or, if it won the race, an ordinary one); either way stdout stays clean.
      cancelled.then(
        (response) => responses.push(['cancelled (answered anyway)', response]),
        () => {},
      );

      for (const response of await network) {
        responses.push(['network', response]);
        expect(resultText(response)).toContain('network error (ECONNREFUSED) after 4 attempts');
      }
    } finally {
      const exit = await session.close();
      const offlineExit = await offline.close();
      expect(exit.code).toBe(0);
      expect(offlineExit.code).toBe(0);

      const messages = expectJsonRpcLines(exit.stdout);
      expectJsonRpcLines(offlineExit.stdout);
      // Every answered request appears exactly once, and the progress notifications are JSON-RPC too.
      const ids = messages.filter((message) => 'id' in (message as object)).map((message) => (message as { id: unknown }).id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(messages.some((message) => (message as { method?: string }).method === 'notifications/progress')).toBe(true);
      // The debug log went to stderr instead.
      expect(exit.stderr).toContain('[iletimerkezi-mcp] get-reports');
      console.log(
        `[stdout-hygiene] ${messages.length} stdout lines checked, ${responses.length} responses, ` +
          `${exit.stderr.split('\n').length - 1} stderr lines; ${timings.join(', ')}`,
      );
    }
  });

  it('is nothing but JSON-RPC in demo mode too', async () => {
    const session = new RpcSession({ ILETIMERKEZI_DEBUG: '1' }, ['--demo']);
    try {
      await session.initialize();
      for (const [name, args] of [
        ['summarize_delivery', { period: 'last_7_days' }],
        ['list_orders', { period: 'today', status: 'in_progress' }],
        ['read_inbox', { optOutOnly: true }],
        ['read_inbox', { limit: 0 }],
      ] as const) {
        const response = await session.callTool(name, args);
        expect(resultText(response)).toMatch(/^DEMO ACCOUNT|Input validation error/);
      }
    } finally {
      const exit = await session.close();
      expect(exit.code).toBe(0);
      expect(expectJsonRpcLines(exit.stdout).length).toBeGreaterThanOrEqual(5);
    }
  });
});
