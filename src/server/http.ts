import { type IncomingMessage, type Server, type ServerResponse, createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { type AuthInfo, createMcpHandler } from '@modelcontextprotocol/server';
import { ConfigurationError, errorCode } from '../errors.js';
import type { OAuthService } from '../oauth/authorization-server.js';
import { VERSION } from '../version.js';
import type { JsonLog } from './access-log.js';
import type { Account, AccountRegistry } from './accounts.js';
import { ACCOUNT_HEADERS, accountOf, busyAnswer, toolCallsOf, toolNameOf } from './admission.js';
import { MAX_BODY_BYTES, readBody } from '../http-body.js';
import { type OpenedTool, type ToolOutcome, buildServer } from './create-server.js';
import { isLoopbackAddress } from '../loopback.js';
import { type GuardSettings, bearerMatches, hostPasses, passesRebindingCheck, repeatedHeader } from './request-guard.js';
import { requestTools, unservedCallAnswer } from './toolset-header.js';

export interface HttpSettings {
  host: string;
  port: number;
  allowedHosts: readonly string[];
  allowedOrigins: readonly string[];
  token: string | undefined;
  registry: AccountRegistry;
  /** The account every request uses when the server holds one (team mode, the demo). */
  shared: Account | undefined;
  demo: boolean;
  log: JsonLog;
  /** The overall deadline of one tool call (ILETIMERKEZI_CALL_TIMEOUT_MS). */
  callTimeoutMs?: number;
  maxBodyBytes?: number;
  maxCallsPerAccount?: number;
  /** Each user signs in: the account is the one the request's OAuth token was granted for. */
  oauth?: OAuthService | undefined;
  /** Started once the port is held; requests wait for it, and so does the start. */
  whenListening?: () => Promise<void>;
}

export interface HttpService {
  /** The MCP endpoint, e.g. http://127.0.0.1:8787/mcp. */
  url: string;
  /** Refuses new requests, lets those in flight finish (up to `graceMs`), then closes the listener. */
  drain(graceMs?: number): Promise<void>;
}

const DEFAULT_CALLS_PER_ACCOUNT = 8;
const DRAIN_GRACE_MS = 30_000;

/** Refuses settings that would serve an account to anyone who can reach the port. */
export function checkHttpSettings(settings: {
  host: string;
  allowedHosts: readonly string[];
  token: string | undefined;
  /** The server holds an account's credentials (team mode, or the demo's). */
  holdsAccount: boolean;
  demo: boolean;
  oauth?: boolean;
}): void {
  if (settings.oauth && (settings.token || (settings.holdsAccount && !settings.demo))) {
    throw new ConfigurationError(
      'ILETIMERKEZI_OAUTH_SECRET makes each user sign in with their own key and hash, so the server may hold neither ' +
        'ILETIMERKEZI_API_KEY/ILETIMERKEZI_API_HASH nor ILETIMERKEZI_HTTP_TOKEN: unset them, or unset the OAuth secret to serve one team account.',
    );
  }
  if (!isLoopbackAddress(settings.host) && settings.allowedHosts.length === 0) {
    throw new ConfigurationError(
      `ILETIMERKEZI_HTTP_HOST is ${JSON.stringify(settings.host)}, which is not a loopback address, and ` +
        'ILETIMERKEZI_HTTP_ALLOWED_HOSTS is empty. List the host names clients use to reach this server ' +
        '(for example mcp.example.com), so that DNS rebinding cannot reach it under another name.',
    );
  }
  if (settings.holdsAccount && !settings.demo && !settings.token && !settings.oauth) {
    throw new ConfigurationError(
      'The server holds ILETIMERKEZI_API_KEY and ILETIMERKEZI_API_HASH, so anyone who reaches it would use that account: ' +
        'set ILETIMERKEZI_HTTP_TOKEN (at least 16 characters, e.g. `openssl rand -hex 32`) and give it to the team as a bearer token, ' +
        'or unset the credentials so that each caller sends its own in X-Iletimerkezi-Key and X-Iletimerkezi-Hash.',
    );
  }
}

/** Why the server cannot listen, naming the two settings that say where it listens. */
function listenFailure(error: unknown, host: string, port: number): ConfigurationError {
  const code = errorCode(error);
  const reasons: Record<string, string> = {
    EADDRINUSE: 'something else already listens there',
    EACCES: 'this user may not listen there (ports below 1024 need privileges)',
    EADDRNOTAVAIL: 'the address is not one of this machine\'s',
    ENOTFOUND: 'the host name does not resolve',
    EAI_AGAIN: 'the host name does not resolve',
  };
  const where = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return new ConfigurationError(
    `--http cannot listen on ${where}: ${(code && reasons[code]) ?? 'listening failed'}${code ? ` (${code})` : ''}. ` +
      'Set ILETIMERKEZI_HTTP_PORT to a free port (0 picks one), or ILETIMERKEZI_HTTP_HOST to an address of this machine.',
  );
}

interface Exchange {
  started: number;
  account: Account | undefined;
  /** The OAuth client whose token the request carried. */
  client: string | null;
  tool: string | null;
  outcome: string | undefined;
}

/** What the SDK's handler needs of one admitted request to build its server: the tools it may serve, and where its outcome goes. */
interface AdmittedRequest {
  tools: readonly OpenedTool[];
  onToolCall: (name: string, outcome: ToolOutcome) => void;
}

/**
 * The caller as our checks admitted it, handed to the SDK's handler the way it takes a verified
 * caller (`req.auth`, then the factory's `authInfo`). It carries no credential: the account's key
 * and hash stay in its client.
 */
interface AdmittedCaller extends AuthInfo {
  extra: { admitted: AdmittedRequest };
}

function admittedCaller(account: Account, admitted: AdmittedRequest): AdmittedCaller {
  return { token: '', clientId: account.tag ?? 'anonymous', scopes: [], extra: { admitted } };
}

function admittedOf(authInfo: AuthInfo | undefined): AdmittedRequest {
  const admitted = (authInfo as AdmittedCaller | undefined)?.extra.admitted;
  // Only serveMcp reaches the handler, and it always admits first.
  if (!admitted) throw new Error('a request reached the MCP handler without being admitted');
  return admitted;
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (response.headersSent) return;
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

function refuse(response: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  sendJson(response, status, { jsonrpc: '2.0', id: null, error: { code: -32000, message } }, headers);
}

/**
 * Stateless Streamable HTTP: every POST gets a fresh MCP server and transport over its account's
 * tools, opened once, so any replica can answer any request and no session is kept. Everything
 * that can refuse a request does so before the SDK transport sees it.
 */
export async function startHttpServer(settings: HttpSettings): Promise<HttpService> {
  const { oauth } = settings;
  checkHttpSettings({ ...settings, holdsAccount: settings.shared !== undefined, oauth: oauth !== undefined });
  const guard: GuardSettings = {
    loopback: isLoopbackAddress(settings.host),
    // The public URL's host and origin are this server's own.
    allowedHosts: oauth ? [...settings.allowedHosts, oauth.host] : settings.allowedHosts,
    allowedOrigins: oauth ? [...settings.allowedOrigins, oauth.origin] : settings.allowedOrigins,
  };
  const maxCalls = settings.maxCallsPerAccount ?? DEFAULT_CALLS_PER_ACCOUNT;
  // The SDK's own request handling serves both eras from one endpoint: 2026-07-28 requests per
  // their envelope and headers, 2025 ones statelessly. Each request gets a fresh server over its
  // account's tools, which were opened once.
  const mcp = createMcpHandler(
    ({ authInfo }) => {
      const { tools, onToolCall } = admittedOf(authInfo);
      return buildServer(tools, { demo: settings.demo, logger: settings.log.logger, callTimeoutMs: settings.callTimeoutMs, onToolCall });
    },
    { legacy: 'stateless', onerror: (error) => settings.log.logger.debug(`mcp: ${error.message}`) },
  );
  const serveAdmitted = toNodeHandler(mcp, { onerror: (error) => settings.log.logger.debug(`mcp: ${error.message}`) });
  let draining = false;
  let active = 0;
  let idle: (() => void) | undefined;

  const serveMcp = async (request: IncomingMessage, response: ServerResponse, exchange: Exchange) => {
    let granted: Account | undefined;
    if (oauth) {
      if (request.headers[ACCOUNT_HEADERS.key.toLowerCase()] !== undefined || request.headers[ACCOUNT_HEADERS.hash.toLowerCase()] !== undefined) {
        refuse(response, 400, 'This server signs each user in with OAuth; it does not accept X-Iletimerkezi-Key or X-Iletimerkezi-Hash headers. Remove them.');
        return;
      }
      const grant = await oauth.grantOf(request);
      if ('status' in grant) {
        refuse(response, grant.status, grant.message, grant.headers);
        return;
      }
      exchange.client = grant.client;
      granted = settings.registry.resolve(grant.credentials, 'sign-in');
    }
    // After the sign-in check: clients probe /mcp with GET to find the Bearer challenge.
    if (request.method !== 'POST') {
      // Stateless and without server-initiated messages: no GET stream, no session to DELETE.
      refuse(response, 405, 'This server is stateless: send MCP requests as POST.', { allow: 'POST' });
      return;
    }
    if (settings.token && !bearerMatches(request, settings.token)) {
      refuse(response, 401, 'A valid bearer token is required: send Authorization: Bearer <ILETIMERKEZI_HTTP_TOKEN>.', {
        'www-authenticate': 'Bearer realm="iletimerkezi-mcp"',
      });
      return;
    }
    const maxBodyBytes = settings.maxBodyBytes ?? MAX_BODY_BYTES;
    const body = await readBody(request, maxBodyBytes);
    if (!body.ok) {
      const message = body.status === 413 ? `The request body is larger than ${maxBodyBytes} bytes.` : 'The request body could not be read.';
      refuse(response, body.status, message, { connection: 'close' });
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.text);
    } catch {
      sendJson(response, 400, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error: the body is not JSON.' } });
      return;
    }
    const choice = granted ? { account: granted } : accountOf(request, settings.shared, settings.registry);
    if ('refusal' in choice) {
      refuse(response, 400, choice.refusal);
      return;
    }
    const { account } = choice;
    exchange.account = account;
    const allowed = requestTools(request, account.tools);
    if ('refusal' in allowed) {
      refuse(response, 400, allowed.refusal);
      return;
    }
    const keyRefusal = await account.keyRefusal();
    if (keyRefusal !== undefined) {
      // Without OAuth no token would help: the account's own key and hash must change. With it, signing in again does.
      const challenge = oauth?.invalidToken(keyRefusal);
      refuse(response, 401, keyRefusal, challenge?.headers ?? { 'www-authenticate': 'X-Iletimerkezi-Key realm="iletimerkezi-mcp"' });
      return;
    }
    const calls = toolCallsOf(parsed);
    exchange.tool = toolNameOf(calls);
    const unserved = unservedCallAnswer(parsed, calls, allowed);
    if (unserved !== undefined) {
      exchange.outcome = 'not-served';
      sendJson(response, 200, unserved);
      return;
    }
    if (calls.length > 0 && account.callsInFlight + calls.length > maxCalls) {
      exchange.outcome = 'busy';
      // A JSON-RPC error the client's SDK hands to the caller, rather than an HTTP failure it would not parse.
      sendJson(response, 200, busyAnswer(parsed, calls, maxCalls), { 'retry-after': '1' });
      return;
    }
    account.callsInFlight += calls.length;
    response.once('close', () => {
      account.callsInFlight -= calls.length;
    });
    const admitted: AdmittedRequest = {
      tools: allowed.tools,
      onToolCall: (_tool, outcome) => {
        exchange.outcome = outcome;
      },
    };
    (request as IncomingMessage & { auth?: AuthInfo }).auth = admittedCaller(account, admitted);
    await serveAdmitted(request, response, parsed);
  };

  let opening: Promise<void> = Promise.resolve();
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    await opening;
    const exchange: Exchange = { started: performance.now(), account: undefined, client: null, tool: null, outcome: undefined };
    active += 1;
    response.once('close', () => {
      active -= 1;
      if (active === 0) idle?.();
      const outcome = !response.writableFinished ? 'aborted' : (exchange.outcome ?? (response.statusCode < 400 ? 'ok' : `http-${response.statusCode}`));
      settings.log.access({
        account: exchange.account?.tag ?? null,
        ...(oauth ? { client: exchange.client } : {}),
        tool: exchange.tool,
        durationMs: Math.round(performance.now() - exchange.started),
        outcome,
      });
    });
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/healthz') {
      sendJson(response, draining ? 503 : 200, { status: draining ? 'draining' : 'ok', version: VERSION });
      return;
    }
    if (draining) {
      refuse(response, 503, 'The server is shutting down; retry on another replica.', { connection: 'close', 'retry-after': '1' });
      return;
    }
    if (oauth && path !== '/mcp') {
      // Browsers and other servers call these from their own origins: the Host alone says this is us.
      if (!hostPasses(request, guard)) {
        refuse(response, 403, 'Forbidden: this Host is not one this server answers.');
        return;
      }
      if (await oauth.route(request, response, path ?? '')) return;
    }
    if (path !== '/mcp') {
      refuse(response, 404, 'Not found: MCP is served at /mcp.');
      return;
    }
    const repeated = repeatedHeader(request);
    if (repeated) {
      refuse(response, 400, `The ${repeated} header was sent more than once; send it once, with one value.`);
      return;
    }
    if (!passesRebindingCheck(request, guard)) {
      refuse(response, 403, 'Forbidden: this Host or Origin is not one this server answers.');
      return;
    }
    await serveMcp(request, response, exchange);
  };

  const server: Server = createHttpServer((request, response) => {
    handle(request, response).catch(() => {
      refuse(response, 500, 'iletimerkezi-mcp hit an unexpected internal error; please try again.');
      if (!response.writableEnded) response.end();
    });
  });
  // A client that sends headers slowly, or never, does not hold a socket for long.
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(listenFailure(error, settings.host, settings.port)));
    server.listen(settings.port, settings.host, () => resolve());
  });
  opening = settings.whenListening?.() ?? opening;
  await opening;
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}/mcp`;

  const drain = async (graceMs = DRAIN_GRACE_MS) => {
    draining = true;
    server.closeIdleConnections();
    // Every request, /healthz too, counts itself out when its response closes.
    if (active > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        idle = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { url, drain };
}
