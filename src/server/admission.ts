import type { IncomingMessage } from 'node:http';
import type { Account, AccountRegistry } from './accounts.js';

/**
 * Which account a request may reach, and whether its tool calls fit that account's cap: the two
 * decisions the HTTP server makes from a request before any MCP handling.
 */

/** The headers that carry a caller's account, as their names are usually spelled. */
export const ACCOUNT_HEADERS = { key: 'X-Iletimerkezi-Key', hash: 'X-Iletimerkezi-Hash' } as const;

export type AccountChoice = { account: Account } | { refusal: string };

/**
 * The server's own account when it holds one (team mode, the demo), which account headers may
 * never override; else the account the headers name, or none, whose tool calls say what to send.
 */
export function accountOf(request: IncomingMessage, shared: Account | undefined, registry: AccountRegistry): AccountChoice {
  const key = request.headers[ACCOUNT_HEADERS.key.toLowerCase()];
  const hash = request.headers[ACCOUNT_HEADERS.hash.toLowerCase()];
  const given = key !== undefined || hash !== undefined;
  if (shared) {
    return given
      ? { refusal: 'This server serves one account for its team; it does not accept X-Iletimerkezi-Key or X-Iletimerkezi-Hash headers. Remove them.' }
      : { account: shared };
  }
  if (!given) return { account: registry.anonymous };
  if (typeof key !== 'string' || typeof hash !== 'string' || !key.trim() || !hash.trim()) {
    return { refusal: 'Send both X-Iletimerkezi-Key and X-Iletimerkezi-Hash, once each, or neither.' };
  }
  return { account: registry.resolve({ key: key.trim(), hash: hash.trim() }) };
}

export type Message = { method?: unknown; id?: unknown; params?: { name?: unknown } };

/** The tools/call requests of a body, a single message or a batch. */
export function toolCallsOf(body: unknown): Message[] {
  const list = Array.isArray(body) ? body : [body];
  return list.filter(
    (message: unknown): message is Message =>
      typeof message === 'object' && message !== null && (message as { method?: unknown }).method === 'tools/call',
  );
}

/** The name a request's first tool call asks for, as the access log shows it. */
export function toolNameOf(calls: readonly Message[]): string | null {
  const name = calls[0]?.params?.name;
  return typeof name === 'string' ? name.slice(0, 64) : null;
}

/**
 * One JSON-RPC error for every request of a body. Nothing in it runs: a batch is refused as a
 * whole, so every request in it (a ping beside the tool call too) gets the error, and a client
 * waiting on any of them hears back.
 */
export function errorAnswer(body: unknown, code: number, message: string): unknown {
  const error = (id: unknown) => ({ jsonrpc: '2.0', id, error: { code, message } });
  if (!Array.isArray(body)) return error((body as Message).id ?? null);
  // Notifications and responses in the batch get no answer, as JSON-RPC has it.
  const requests = body.filter((message: unknown): message is Message => typeof message === 'object' && message !== null && 'method' in message && 'id' in message);
  return requests.map((request) => error(request.id));
}

/** The JSON-RPC answer to a body whose tool calls pass the account's cap. */
export function busyAnswer(body: unknown, calls: readonly Message[], max: number): unknown {
  const message =
    calls.length > max
      ? `One request may carry at most ${max} tool calls, and this one carries ${calls.length}; send them in smaller batches.`
      : `This account already has ${max} tool calls running; retry in a moment.${Array.isArray(body) ? ' None of this batch ran.' : ''}`;
  return errorAnswer(body, -32000, message);
}
