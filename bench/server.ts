import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import type { Credentials } from '../src/config.js';

/** The built server under test, spawned over stdio exactly as an MCP client would run it. */
export const SERVER_ENTRY = process.env.BENCH_SERVER_ENTRY || fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** A build of the get-report walk before the early stop (to the empty page, no recipient cache), measured beside SERVER_ENTRY. */
export const BEFORE_ENTRY = process.env.BENCH_BEFORE_ENTRY || undefined;

export const BENCH_CREDENTIALS: Credentials = { key: 'bench-key', hash: 'bench-hash' };

/** Long enough for the million-order scan, client and server side; the SDK's default is 60 s. */
const CALL_TIMEOUT_MS = 600_000;

export interface ServerSettings {
  baseUrl: string;
  concurrency: number;
  maxRangeDays?: number;
  timeoutMs?: number;
  callTimeoutMs?: number;
  /** The build to spawn; SERVER_ENTRY by default. */
  entry?: string;
}

export interface SpawnedServer {
  client: Client;
  transport: StdioClientTransport;
  pid: number;
  /** Milliseconds from spawn to the end of initialize. */
  initializeMs: number;
  close(): Promise<void>;
}

export interface ToolCall {
  wallMs: number;
  text: string;
  textBytes: number;
  structuredBytes: number;
  /** `orders` from structuredContent: what the server counted. */
  orders: number | undefined;
  structured: unknown;
}

function environment(settings: ServerSettings): Record<string, string> {
  return {
    ILETIMERKEZI_API_KEY: BENCH_CREDENTIALS.key,
    ILETIMERKEZI_API_HASH: BENCH_CREDENTIALS.hash,
    ILETIMERKEZI_BASE_URL: settings.baseUrl,
    ILETIMERKEZI_CONCURRENCY: String(settings.concurrency),
    ILETIMERKEZI_MAX_RANGE_DAYS: String(settings.maxRangeDays ?? 366),
    ILETIMERKEZI_TIMEOUT_MS: String(settings.timeoutMs ?? 10_000),
    ILETIMERKEZI_CALL_TIMEOUT_MS: String(settings.callTimeoutMs ?? CALL_TIMEOUT_MS),
  };
}

/** Spawns `node dist/cli.js` and runs the MCP initialize handshake. */
export async function spawnServer(settings: ServerSettings): Promise<SpawnedServer> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [settings.entry ?? SERVER_ENTRY],
    env: environment(settings),
    stderr: 'inherit',
  });
  const client = new Client({ name: 'iletimerkezi-bench', version: '1.0.0' });
  const started = performance.now();
  await client.connect(transport);
  const initializeMs = performance.now() - started;
  const pid = transport.pid;
  if (pid === null) throw new Error('the spawned server has no pid');
  return { client, transport, pid, initializeMs, close: () => client.close() };
}

/** Peak resident set size of a live process, from VmHWM in /proc/<pid>/status, in bytes. */
export function peakRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

function countedOrders(structured: unknown): number | undefined {
  const orders = (structured as { orders?: unknown } | undefined)?.orders;
  return typeof orders === 'number' ? orders : undefined;
}

/** How the client waits: by default one long timeout; with `onProgress`, a timeout that each progress notification resets. */
export interface CallWaiting {
  onProgress?: () => void;
  timeoutMs?: number;
}

export async function callTool(server: SpawnedServer, name: string, args: Record<string, unknown>, waiting: CallWaiting = {}): Promise<ToolCall> {
  const started = performance.now();
  const options = waiting.onProgress
    ? { timeout: waiting.timeoutMs ?? CALL_TIMEOUT_MS, onprogress: waiting.onProgress, resetTimeoutOnProgress: true }
    : { timeout: CALL_TIMEOUT_MS };
  const result = await server.client.callTool({ name, arguments: args }, options);
  const wallMs = performance.now() - started;
  const content = (result.content ?? []) as Array<{ type: string; text?: string }>;
  const text = content.map((block) => block.text ?? '').join('\n');
  if (result.isError) throw new Error(`${name} failed: ${text}`);
  return {
    wallMs,
    text,
    textBytes: Buffer.byteLength(text, 'utf8'),
    structuredBytes: result.structuredContent === undefined ? 0 : Buffer.byteLength(JSON.stringify(result.structuredContent), 'utf8'),
    orders: countedOrders(result.structuredContent),
    structured: result.structuredContent,
  };
}
