import { afterEach } from 'vitest';
import { Client, InMemoryTransport, type JSONRPCMessage, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { type ClientOptions, IletimerkeziClient } from '../../src/api/client.js';
import { generateDemoAccount } from '../../src/demo/account.js';
import type { Logger } from '../../src/log.js';
import type { Clock } from '../../src/reporting/calendar.js';
import { type ServerOptions, serverFactory } from '../../src/server/create-server.js';
import { type SimulatedAccount, type SimulatedApi, type SimulatorOptions, startSimulatedApi } from '../../src/simulator/api-server.js';

/** 2026-04-22 12:30 in Istanbul. */
export const FIXED_NOW = new Date('2026-04-22T09:30:00Z');
export const fixedClock: Clock = () => FIXED_NOW;

/** Distinctive values, so a leak of either is easy to spot in any output. */
export const TEST_CREDENTIALS = { key: 'KEY-7f3a9c1e-leakprobe', hash: 'HASH-b84d20f6-leakprobe' };

export const FIXTURE_ACCOUNT: SimulatedAccount = generateDemoAccount({ now: FIXED_NOW });

export function startFake(options: Partial<SimulatorOptions> = {}): Promise<SimulatedApi> {
  return startSimulatedApi({ account: FIXTURE_ACCOUNT, credentials: TEST_CREDENTIALS, ...options });
}

/** A client with the production code path and test-sized waits. */
export function makeClient(api: SimulatedApi, overrides: Partial<ClientOptions> = {}): IletimerkeziClient {
  return new IletimerkeziClient({
    baseUrl: api.baseUrl,
    credentials: TEST_CREDENTIALS,
    timeoutMs: 2_000,
    concurrency: 4,
    retry: { attempts: 4, backoffBaseMs: 5, backoffMaxMs: 40, retryAfterCapMs: 30 },
    ...overrides,
  });
}

export interface Connected {
  mcp: Client;
  api: SimulatedApi;
  client: IletimerkeziClient;
  close(): Promise<void>;
}

/** The real server and the SDK's real Client, linked in-process, against a fake API. */
export async function connect(
  options: {
    fake?: Partial<SimulatorOptions>;
    client?: Partial<ClientOptions>;
    maxRangeDays?: number;
    clock?: Clock;
    /** Given to both the client and the server. */
    logger?: Logger;
    tools?: ServerOptions['tools'];
    callTimeoutMs?: number;
    maxReportOrders?: number;
    progressClock?: () => number;
    snapshotLimits?: ServerOptions['snapshotLimits'];
    /** Sees each message as the server hands it to the transport, before the client does (2025 era only). */
    onServerMessage?: (message: JSONRPCMessage) => void;
    /**
     * The protocol the client speaks: 2025-11-25 over the SDK's in-memory pair (the default), or
     * 2026-07-28 through the SDK's HTTP entry, served in-process.
     */
    era?: Era;
  } = {},
): Promise<Connected> {
  const api = await startFake(options.fake);
  const client = makeClient(api, { ...options.client, ...(options.logger ? { logger: options.logger } : {}) });
  const build = serverFactory({
    api: client,
    maxRangeDays: options.maxRangeDays ?? 366,
    clock: options.clock ?? fixedClock,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.tools ? { tools: options.tools } : {}),
    ...(options.callTimeoutMs ? { callTimeoutMs: options.callTimeoutMs } : {}),
    ...(options.maxReportOrders ? { maxReportOrders: options.maxReportOrders } : {}),
    ...(options.progressClock ? { progressClock: options.progressClock } : {}),
    ...(options.snapshotLimits ? { snapshotLimits: options.snapshotLimits } : {}),
  });
  if (options.era === 'modern' && options.onServerMessage) throw new Error('onServerMessage watches the 2025 in-memory pair only');
  const served = options.era === 'modern' ? await serveModern(build) : await serveLegacy(build, options.onServerMessage);
  return {
    mcp: served.mcp,
    api,
    client,
    close: async () => {
      await served.close();
      await client.close();
      await api.close();
    },
  };
}

export type Era = 'legacy' | 'modern';

interface Served {
  mcp: Client;
  close(): Promise<void>;
}

async function serveLegacy(build: ReturnType<typeof serverFactory>, onServerMessage?: (message: JSONRPCMessage) => void): Promise<Served> {
  const server = build();
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  if (onServerMessage) {
    const send = serverSide.send.bind(serverSide);
    serverSide.send = (message, sendOptions) => {
      onServerMessage(message);
      return send(message, sendOptions);
    };
  }
  await server.connect(serverSide);
  const mcp = new Client({ name: 'test', version: '1.0.0' });
  await mcp.connect(clientSide);
  return {
    mcp,
    close: async () => {
      await mcp.close();
      await server.close();
    },
  };
}

/** The SDK has no in-memory 2026-07-28 pair: its HTTP handler answers the client's fetches directly, with no socket. */
async function serveModern(build: ReturnType<typeof serverFactory>): Promise<Served> {
  const handler = createMcpHandler(build);
  const transport = new StreamableHTTPClientTransport(new URL('http://in-process.test/mcp'), {
    fetch: (url, init) => handler.fetch(new Request(url, init)),
  });
  const mcp = new Client({ name: 'test', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
  await mcp.connect(transport);
  return {
    mcp,
    close: async () => {
      await mcp.close();
      await handler.close();
    },
  };
}

/** The text blocks of a tool result, joined; callTool's result type is a union, hence unknown. */
export function textOf(result: unknown): string {
  const content = (result as { content?: Array<{ text?: string }> }).content ?? [];
  return content.map((block) => block.text ?? '').join('\n');
}

/**
 * For a test file whose tests each need a fake API and a client on it: `open` starts both, and
 * whatever it opened is closed after each test.
 */
export function fakeAndClientPerTest(): (fake?: Partial<SimulatorOptions>, client?: Partial<ClientOptions>) => Promise<{ fake: SimulatedApi; client: IletimerkeziClient }> {
  let opened: { fake: SimulatedApi; client: IletimerkeziClient } | undefined;
  afterEach(async () => {
    await opened?.client.close();
    await opened?.fake.close();
    opened = undefined;
  });
  return async (fake = {}, client = {}) => {
    const api = await startFake(fake);
    opened = { fake: api, client: makeClient(api, client) };
    return opened;
  };
}

/** For a test file whose tests each need the fake API alone: `start` starts it, and it is closed after each test. */
export function fakePerTest(): (options?: Partial<SimulatorOptions>) => Promise<SimulatedApi> {
  let started: SimulatedApi | undefined;
  afterEach(async () => {
    await started?.close();
    started = undefined;
  });
  return async (options = {}) => {
    started = await startFake(options);
    return started;
  };
}
