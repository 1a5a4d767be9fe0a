import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import type { SimulatedApi } from '../src/simulator/api-server.js';
import { READ_ONLY_ANNOTATIONS, strictInput } from '../src/tools/fields.js';
import { PROMPTS, TOOLS } from '../src/tools/index.js';
import { defineTool } from '../src/tools/tool.js';
import { VERSION } from '../src/version.js';
import { cancelWhileReadingRecipients } from './support/cancellation.js';
import { FIXTURE_ACCOUNT, TEST_CREDENTIALS, connect, startFake, textOf } from './support/harness.js';
import { accountHeaders } from './support/hosted.js';
import { type HttpProcess, spawnHttpServer } from './support/http-process.js';
import { type Target, callV1, connectV1, inspect } from './support/other-clients.js';
import { CLI } from './support/spawned.js';

/**
 * The built server as every kind of client meets it, over stdio and over --http: SDK v2 clients
 * that negotiate 2026-07-28 or are pinned to it, a v1 client of 2025-11-25, and the MCP
 * Inspector's CLI. Each must get the same answers, text and structuredContent, to every tool and
 * prompt. The questions name past days of the fixture account, so no answer depends on the hour.
 */

const RANGE = { start: '2026-04-01', end: '2026-04-21' };
const ORDER_ID = FIXTURE_ACCOUNT.orders.find((order) => order.submitAt.startsWith('2026-04-01'))?.id;
const CALLS: Array<[string, Record<string, unknown>]> = [
  ['summarize_delivery', { ...RANGE, groupBy: 'week' }],
  ['list_orders', { ...RANGE, limit: 3 }],
  ['list_recipients', { orderId: ORDER_ID, status: 'undelivered', limit: 3 }],
  ['list_failed_numbers', { ...RANGE, limit: 3 }],
  ['read_inbox', { ...RANGE, limit: 3 }],
  ['audit_opt_outs', RANGE],
  ['trace_number', { number: '0532 555 66 77', ...RANGE }],
  ['check_blacklist', { numbers: ['0532 555 66 77', '+90 505 200 79 19', '7889'] }],
  ['read_balance', {}],
];
const PROMPT_CALLS: Array<[string, Record<string, string>]> = [
  ['delivery_report', { period: '2026-03' }],
  ['opt_out_audit', { period: '2026-03' }],
];

interface Answers {
  era: string;
  tools: string[];
  prompts: string[];
  calls: Record<string, unknown>;
  prompted: Record<string, unknown>;
}

interface ToolAnswer {
  isError?: boolean;
  content?: Array<{ type: string; text?: string }>;
  structuredContent?: unknown;
}

/** When a reading was taken (the blacklist's, say): today, to the second, in Istanbul time. */
const READ_TODAY = new RegExp(`${new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Istanbul' }).format(new Date())}[ T]\\d\\d:\\d\\d(:\\d\\d)?(\\+03:00)?`, 'g');

/**
 * What a client shows of a tool's answer. A cursor is signed with a secret of the server process
 * (each stdio client starts its own), so its value is the one thing that may differ.
 */
function shown(answer: ToolAnswer): unknown {
  const cursors: string[] = [];
  const json = JSON.stringify(answer.structuredContent ?? null).replaceAll(READ_TODAY, '<read today>');
  const structured = JSON.parse(json, (key, value: unknown) => {
    if (key === 'reused') return '<first or shared>';
    if (key !== 'nextCursor' || typeof value !== 'string') return value;
    cursors.push(value);
    return '<cursor>';
  }) as unknown;
  let text = (answer.content ?? []).map((block) => block.text ?? '').join('\n');
  for (const cursor of cursors) text = text.replaceAll(cursor, '<cursor>');
  // Each answer fences third-party texts with a fresh random tag, so a text cannot guess it.
  text = text
    .replaceAll(/untrusted-sms-[0-9a-f]+/g, 'untrusted-sms-<tag>')
    .replaceAll(READ_TODAY, '<read today>')
    .replaceAll(/^The blacklist was read at <read today> by an earlier call and reused: [^\n]*\n/gm, '')
    .replaceAll(/ by an earlier call and reused: readings are shared for 5 minutes, [^.]*\./g, '.');
  return { isError: answer.isError === true, text, structured };
}

async function askWithSdkClient(client: Pick<Client, 'listTools' | 'listPrompts' | 'callTool' | 'getPrompt'>, era: string): Promise<Answers> {
  const calls: Record<string, unknown> = {};
  for (const [name, args] of CALLS) calls[name] = shown((await client.callTool({ name, arguments: args })));
  const prompted: Record<string, unknown> = {};
  for (const [name, args] of PROMPT_CALLS) prompted[name] = (await client.getPrompt({ name, arguments: args })).messages;
  return {
    era,
    tools: (await client.listTools()).tools.map((tool) => tool.name),
    prompts: (await client.listPrompts()).prompts.map((prompt) => prompt.name),
    calls,
    prompted,
  };
}

function v2Transport(target: Target) {
  return 'stdio' in target
    ? new StdioClientTransport({ ...target.stdio, stderr: 'ignore' })
    : new StreamableHTTPClientTransport(new URL(target.http.url), { requestInit: { headers: target.http.headers } });
}

type Negotiation = 'auto' | { pin: '2026-07-28' };

async function connectV2(target: Target, mode: Negotiation): Promise<Client> {
  const client = new Client({ name: 'v2-client', version: '1.0.0' }, { versionNegotiation: { mode } });
  await client.connect(v2Transport(target));
  return client;
}

async function askV2(target: Target, mode: Negotiation): Promise<Answers> {
  const client = await connectV2(target, mode);
  try {
    return await askWithSdkClient(client, client.getProtocolEra() ?? 'none');
  } finally {
    await client.close();
  }
}

async function askV1(target: Target): Promise<Answers> {
  const client = await connectV1(target);
  try {
    // A v1 client has no era of its own to report: it speaks 2025-11-25, and the server agreed to it.
    const agreed = (client.transport as { protocolVersion?: string } | undefined)?.protocolVersion;
    return await askWithSdkClient(client as unknown as Client, agreed === undefined || agreed < '2026' ? 'legacy' : agreed);
  } finally {
    await client.close();
  }
}

/** The Inspector's CLI, one process per question; a few at a time, as a person's script might. */
async function askInspector(target: Target): Promise<Answers> {
  const run = (method: string[]) => inspect(target, method);
  const calls: Record<string, unknown> = {};
  const prompted: Record<string, unknown> = {};
  const questions = [
    ...CALLS.map(([name, args]) => async () => {
      calls[name] = shown((await run(['--method', 'tools/call', '--tool-name', name, '--tool-args-json', JSON.stringify(args)])) as ToolAnswer);
    }),
    ...PROMPT_CALLS.map(([name, args]) => async () => {
      const pairs = Object.entries(args).map(([key, value]) => `${key}=${value}`);
      prompted[name] = ((await run(['--method', 'prompts/get', '--prompt-name', name, '--prompt-args', ...pairs])) as { messages: unknown }).messages;
    }),
  ];
  for (let index = 0; index < questions.length; index += 4) await Promise.all(questions.slice(index, index + 4).map((question) => question()));
  const tools = ((await run(['--method', 'tools/list'])) as { tools: Array<{ name: string }> }).tools.map((tool) => tool.name);
  const prompts = ((await run(['--method', 'prompts/list'])) as { prompts: Array<{ name: string }> }).prompts.map((prompt) => prompt.name);
  return { era: 'legacy', tools, prompts, calls, prompted };
}

let api: SimulatedApi;
const servers: HttpProcess[] = [];
let stdioTarget: Target;

/**
 * A server of its own for each client, as over stdio: the account's caches (the blacklist reading
 * shared for 5 minutes) would otherwise tell the first client's answers from the next ones'.
 */
async function target(transport: 'stdio' | 'http'): Promise<Target> {
  if (transport === 'stdio') return stdioTarget;
  // Each caller brings its account in headers; the server holds none.
  const server = await spawnHttpServer({ ILETIMERKEZI_BASE_URL: api.baseUrl });
  servers.push(server);
  return { http: { url: server.url, headers: accountHeaders(TEST_CREDENTIALS) } };
}

beforeAll(async () => {
  api = await startFake();
  stdioTarget = {
    stdio: {
      command: process.execPath,
      args: [CLI],
      env: {
        PATH: process.env.PATH ?? '',
        ILETIMERKEZI_API_KEY: TEST_CREDENTIALS.key,
        ILETIMERKEZI_API_HASH: TEST_CREDENTIALS.hash,
        ILETIMERKEZI_BASE_URL: api.baseUrl,
      },
    },
  };
});

afterAll(async () => {
  for (const server of servers) expect(await server.stop()).toBe(0);
  await api.close();
});

describe.each(['stdio', 'http'] as const)('over %s', (transport) => {
  it('answers every tool and prompt the same to v2 clients (negotiated, pinned), a v1 client and the Inspector CLI', async () => {
    const negotiated = await askV2(await target(transport), 'auto');
    const pinned = await askV2(await target(transport), { pin: '2026-07-28' });
    const v1 = await askV1(await target(transport));
    const inspector = await askInspector(await target(transport));

    expect(negotiated.era).toBe('modern');
    expect(negotiated.tools).toEqual(TOOLS.map((tool) => tool.name));
    expect(negotiated.prompts).toEqual(PROMPTS.map((prompt) => prompt.name));
    // Real answers, not the same refusal nine times.
    for (const [name] of CALLS) expect(negotiated.calls[name], name).toMatchObject({ isError: false, text: expect.stringMatching(/\S/) as unknown });
    expect(pinned).toEqual(negotiated);
    expect(v1).toEqual({ ...negotiated, era: 'legacy' });
    expect(inspector).toEqual({ ...negotiated, era: 'legacy' });
  }, 120_000);

  it('names itself in a 2026-07-28 server/discover: name, title, version, capabilities and instructions', async () => {
    const client = await connectV2(await target(transport), { pin: '2026-07-28' });
    try {
      const discovered = client.getDiscoverResult();
      const named = { name: 'iletimerkezi-mcp', title: 'iletiMerkezi SMS reports', version: VERSION };
      // The 2026-07-28 revision carries the server's identity in the result's _meta.
      expect(discovered?._meta?.['io.modelcontextprotocol/serverInfo']).toEqual(named);
      expect(client.getServerVersion()).toEqual(named);
      expect(discovered?.supportedVersions).toContain('2026-07-28');
      expect(discovered?.capabilities).toMatchObject({ tools: {}, prompts: {} });
      const instructions = discovered?.instructions ?? '';
      for (const tool of TOOLS) expect(instructions).toContain(tool.name);
      expect(client.getInstructions()).toBe(instructions);
    } finally {
      await client.close();
    }
  }, 30_000);

  it.each<[string, Negotiation | undefined]>([
    ['2026-07-28', { pin: '2026-07-28' }],
    ['2025-11-25', undefined],
  ])('sends increasing progress to a %s client, and lists in the same order every time', async (_, mode) => {
    const client = mode ? await connectV2(await target(transport), mode) : await connectV1(await target(transport));
    try {
      const updates: Array<{ progress: number }> = [];
      const call = { name: 'list_failed_numbers', arguments: { start: '2026-03-01', end: '2026-04-21', limit: 3 } };
      const onprogress = (update: { progress: number }) => updates.push(update);
      const result = (client instanceof Client ? await client.callTool(call, { onprogress }) : await callV1(client, call, { onprogress })) as ToolAnswer;
      expect(result.isError).not.toBe(true);
      expect(updates.length).toBeGreaterThan(1);
      const progress = updates.map((update) => update.progress);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      expect(new Set(progress).size).toBe(progress.length);

      const lists = [];
      for (let round = 0; round < 3; round += 1) lists.push(JSON.stringify([await client.listTools(), await client.listPrompts()]));
      expect(new Set(lists).size).toBe(1);
    } finally {
      await client.close();
    }
  }, 60_000);
});

/** A tool whose answer breaks its own output schema: the SDK, not the tool, must catch it. */
const brokenTool = defineTool({
  name: 'broken_answer',
  group: 'account',
  title: 'Broken answer',
  description: 'Answers with a count that is not a number. A test tool.',
  useFor: 'to test output validation',
  deadlineAdvice: 'Try again later.',
  inputSchema: strictInput({}),
  outputSchema: z.object({ count: z.number().int() }),
  annotations: READ_ONLY_ANNOTATIONS,
  handler: () => Promise.resolve({ count: 'many' } as unknown as { count: number }),
  render: () => 'A count.',
});

describe.each(['legacy', 'modern'] as const)('in the %s era, in-process', (era) => {
  it('stops upstream work when the client cancels a call', async () => {
    const { session, reports } = await cancelWhileReadingRecipients('list_failed_numbers', { period: 'last_month' }, 3, era);
    try {
      // The month's failing orders are many more than the few requests that went out before the cancel.
      expect(reports).toBeLessThan(20);
    } finally {
      await session.close();
    }
  });

  it('validates each answer against its output schema', async () => {
    const session = await connect({ tools: [brokenTool], era });
    try {
      const refused = await session.mcp.callTool({ name: 'broken_answer', arguments: {} }).then(
        (result) => ({ isError: result.isError === true, text: textOf(result) }),
        (error: unknown) => ({ isError: true, text: String(error) }),
      );
      expect(refused.isError).toBe(true);
      expect(refused.text).toMatch(/output schema|outputSchema|structured content/i);
      expect(refused.text).not.toContain('A count.');
    } finally {
      await session.close();
    }
  });
});
