import { request as httpRequest } from 'node:http';
import { Client } from '@modelcontextprotocol/client';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { Credentials } from '../../src/api/client.js';
import type { SimulatedAccount, SimulatedApi, SimulatorOptions } from '../../src/simulator/api-server.js';
import { startSimulatedApi } from '../../src/simulator/api-server.js';
import { snapshotBounds } from '../../src/tools/cursors.js';
import { TOOLS } from '../../src/tools/index.js';
import { windowBounds } from '../../src/reporting/window-cache.js';
import { recipientBounds } from '../../src/reporting/recipient-cache.js';
import { blacklistMemoryStore } from '../../src/reporting/blacklist.js';
import { MemoryStore } from '../../src/state/memory-store.js';
import { JsonLog } from '../../src/server/access-log.js';
import { type AccountSettings, AccountRegistry } from '../../src/server/accounts.js';
import { keyCheckMemoryStore } from '../../src/server/key-check.js';
import type { Clock } from '../../src/reporting/calendar.js';
import { type HttpService, startHttpServer } from '../../src/server/http.js';
import type { OAuthStores } from '../../src/oauth/stores.js';
import { type AccountRouter, startAccountRouter } from './account-router.js';
import { closedPort } from './spawned.js';
import { afterEach, expect } from 'vitest';
import { FIXTURE_ACCOUNT, TEST_CREDENTIALS, fixedClock } from './harness.js';

/** The real HTTP server in this process, on 127.0.0.1, in front of fake APIs. */

export interface FakeAccount {
  credentials: Credentials;
  account: SimulatedAccount;
  latencyMs?: number;
  /** Answers some requests by hand (see SimulatorOptions.script). */
  script?: SimulatorOptions['script'];
}

export interface Hosted {
  url: string;
  fakes: SimulatedApi[];
  /** Every stderr line the server wrote. */
  lines: string[];
  service: HttpService;
  close(): Promise<void>;
}

export interface HostedOptions {
  accounts: FakeAccount[];
  /** Team mode: the server holds this account. */
  shared?: Credentials;
  token?: string;
  allowedOrigins?: string[];
  concurrency?: number;
  /** The clock of the tools and of the key check; the fixtures' fixed day by default. */
  clock?: Clock;
  /** Replicas that share stores (Redis) share this secret, so they agree on every account's identity. */
  secret?: string;
  /** The stores every account shares; memory ones with the server's own bounds by default. */
  stores?: Partial<AccountSettings['stores']>;
  maxCallsPerAccount?: number;
  /** Each user signs in with OAuth, on a fixed port so that the public URL is known before the server listens. */
  oauth?: {
    secret?: string;
    stores?: OAuthStores;
    trustedProxies?: string[];
    publicUrl?: string;
    /** The clock of the OAuth service and of its memory stores. */
    now?: () => number;
    /** Where the sign-in checks a key and hash; the fakes by default. */
    apiUrl?: string;
    /** How long a client's metadata document may take to arrive; the server's 5 seconds by default. */
    documentTimeoutMs?: number;
  };
}

export const OAUTH_SECRET = 'oauth-secret-for-tests-0123456789abcdef';

/**
 * The sign-in mode for a hosted server that asks for it. Loaded only then: its page's files are
 * text imports that vitest and the build resolve, and `npm run bench:http` (tsx) does not.
 */
async function oauthService(settings: NonNullable<HostedOptions['oauth']>, port: number, apiUrl: string) {
  const [{ createOAuthService }, { balanceCheck }, { openOAuthStores }] = await Promise.all([
    import('../../src/oauth/authorization-server.js'),
    import('../../src/oauth/credential-check.js'),
    import('../../src/oauth/stores.js'),
  ]);
  return createOAuthService({
    secret: settings.secret ?? OAUTH_SECRET,
    publicUrl: settings.publicUrl ?? `http://127.0.0.1:${port}`,
    trustedProxies: settings.trustedProxies ?? [],
    stores: settings.stores ?? openOAuthStores((_kind, bounds) => new MemoryStore(bounds, settings.now)),
    now: settings.now,
    checkCredentials: balanceCheck(settings.apiUrl ?? apiUrl, { timeoutMs: 5_000, concurrency: 1, retry: { attempts: 1, backoffBaseMs: 5, backoffMaxMs: 20, retryAfterCapMs: 20 } }),
    allowLoopbackDocuments: true,
    documentTimeoutMs: settings.documentTimeoutMs,
  });
}

export async function startHosted(options: HostedOptions): Promise<Hosted> {
  const fakes = await Promise.all(
    options.accounts.map((fake) => startSimulatedApi({ account: fake.account, credentials: fake.credentials, latencyMs: fake.latencyMs ?? 0, script: fake.script })),
  );
  const router: AccountRouter = await startAccountRouter(new Map(options.accounts.map((fake, index) => [fake.credentials.key, fakes[index] as SimulatedApi])));
  const lines: string[] = [];
  const log = new JsonLog((line) => lines.push(line), true);
  const registry = new AccountRegistry({
    apiUrl: router.baseUrl,
    maxRangeDays: 366,
    client: { timeoutMs: 5_000, concurrency: options.concurrency ?? 4, retry: { attempts: 2, backoffBaseMs: 5, backoffMaxMs: 20, retryAfterCapMs: 20 } },
    tools: TOOLS,
    stores: {
      snapshots: new MemoryStore(snapshotBounds()),
      windows: new MemoryStore(windowBounds()),
      recipients: new MemoryStore(recipientBounds()),
      blacklists: blacklistMemoryStore(),
      keyChecks: keyCheckMemoryStore(),
      ...options.stores,
    },
    secret: options.secret,
    clock: options.clock ?? fixedClock,
    logger: log.logger,
  });
  const port = options.oauth ? await closedPort() : 0;
  const oauth = options.oauth ? await oauthService(options.oauth, port, router.baseUrl) : undefined;
  const service = await startHttpServer({
    host: '127.0.0.1',
    port,
    oauth,
    allowedHosts: [],
    allowedOrigins: options.allowedOrigins ?? [],
    token: options.token,
    registry,
    shared: options.shared ? registry.pin(options.shared) : undefined,
    demo: false,
    log,
    maxCallsPerAccount: options.maxCallsPerAccount,
  });
  return {
    url: service.url,
    fakes,
    lines,
    service,
    close: async () => {
      await service.drain(1_000);
      await registry.close();
      await router.close();
      await Promise.all(fakes.map((fake) => fake.close()));
    },
  };
}

/**
 * A hosted server of the fixture account per test (as fakePerTest does for the fake API), closed
 * after it; no line it logged may hold the test credentials, which all contain "leakprobe".
 */
export function hostedPerTest(): (options?: Partial<HostedOptions>) => Promise<Hosted> {
  let hosted: Hosted | undefined;
  afterEach(async () => {
    await hosted?.close();
    for (const line of hosted?.lines ?? []) expect(line).not.toContain('leakprobe');
    hosted = undefined;
  });
  return async (options = {}) => {
    hosted = await startHosted({ accounts: [{ credentials: TEST_CREDENTIALS, account: FIXTURE_ACCOUNT }], ...options });
    return hosted;
  };
}

export function accountHeaders(credentials: Credentials): Record<string, string> {
  return { 'X-Iletimerkezi-Key': credentials.key, 'X-Iletimerkezi-Hash': credentials.hash };
}

/** The SDK's own Streamable HTTP client, connected with the given headers on every request. */
export async function httpClient(url: string, headers: Record<string, string> = {}): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  const client = new Client({ name: 'http-test', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

/** A raw POST to the endpoint, for what the SDK client would never send. */
export async function post(url: string, body: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body,
  });
}

export const INITIALIZE = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1.0.0' } },
});

/** A request through node:http, which, unlike fetch, sends the Host header it is given. */
export function rawRequest(
  url: string,
  /** A header given as a list is sent once per value, as a repeated header line. */
  options: { method?: string; headers?: Record<string, string | string[]>; body?: string | Buffer },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: options.method ?? 'POST', headers: options.headers ?? {} }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    // The server may answer (413) and close before the whole body is sent.
    request.on('error', (error) => (request.writableFinished ? undefined : reject(error)));
    request.end(options.body);
  });
}
