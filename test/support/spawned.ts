import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { TEST_CREDENTIALS } from './harness.js';

/** The built server, run as a child process with raw JSON-RPC lines on its stdin and stdout. */

const ROOT = resolve(import.meta.dirname, '../..');
export const CLI = join(ROOT, 'dist/cli.js');

/** The environment of a spawned server with the test credentials and debug logging on. */
export function debugEnv(baseUrl: string): Record<string, string> {
  return {
    ILETIMERKEZI_API_KEY: TEST_CREDENTIALS.key,
    ILETIMERKEZI_API_HASH: TEST_CREDENTIALS.hash,
    ILETIMERKEZI_BASE_URL: baseUrl,
    ILETIMERKEZI_DEBUG: '1',
  };
}

/** A port on 127.0.0.1 that nothing listens on. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

export interface JsonRpcResponse {
  jsonrpc: '2.0';
  id: number | string;
  result?: Record<string, unknown>;
  error?: { code: number; message: string };
}

export interface Exit {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

/** One child process speaking JSON-RPC over stdio; every stdout byte is kept for inspection. */
export class RpcSession {
  private readonly child;
  private readonly stdoutChunks: Buffer[] = [];
  private stderrText = '';
  private pending = '';
  private nextId = 1;
  private readonly waiters = new Map<number | string, (response: JsonRpcResponse) => void>();
  readonly exited: Promise<Exit>;

  constructor(env: Record<string, string>, args: string[] = []) {
    this.child = spawn(process.execPath, [CLI, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout.on('data', (chunk: Buffer) => {
      this.stdoutChunks.push(chunk);
      this.pending += chunk.toString('utf8');
      let index = this.pending.indexOf('\n');
      while (index >= 0) {
        const line = this.pending.slice(0, index);
        this.pending = this.pending.slice(index + 1);
        index = this.pending.indexOf('\n');
        try {
          const message = JSON.parse(line) as Partial<JsonRpcResponse>;
          if (message.id !== undefined && ('result' in message || 'error' in message)) {
            this.waiters.get(message.id)?.(message as JsonRpcResponse);
            this.waiters.delete(message.id);
          }
        } catch {
          // Not JSON: kept in stdout for the test to fail on.
        }
      }
    });
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderrText += chunk.toString('utf8');
    });
    this.child.stdin.on('error', () => {});
    this.exited = new Promise((done) => {
      this.child.on('close', (code) => done({ code, stdout: Buffer.concat(this.stdoutChunks), stderr: this.stderrText }));
    });
  }

  get stdout(): Buffer {
    return Buffer.concat(this.stdoutChunks);
  }

  get stderr(): string {
    return this.stderrText;
  }

  /** Writes one raw line to stdin, exactly as given. */
  writeLine(line: string): void {
    this.child.stdin.write(`${line}\n`);
  }

  notify(method: string, params?: Record<string, unknown>): void {
    this.writeLine(JSON.stringify({ jsonrpc: '2.0', method, ...(params ? { params } : {}) }));
  }

  /** Sends a request and resolves with its response (or rejects after `timeoutMs`). */
  request(method: string, params?: Record<string, unknown>, timeoutMs = 15_000): Promise<JsonRpcResponse> & { id: number } {
    const id = this.nextId;
    this.nextId += 1;
    const promise = new Promise<JsonRpcResponse>((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`no response to ${method} #${id} within ${timeoutMs} ms`)), timeoutMs);
      timer.unref();
      this.waiters.set(id, (response) => {
        clearTimeout(timer);
        done(response);
      });
    });
    this.writeLine(JSON.stringify({ jsonrpc: '2.0', id, method, ...(params ? { params } : {}) }));
    return Object.assign(promise, { id });
  }

  callTool(name: string, args: Record<string, unknown>, meta?: Record<string, unknown>) {
    return this.request('tools/call', { name, arguments: args, ...(meta ? { _meta: meta } : {}) });
  }

  async initialize(): Promise<JsonRpcResponse> {
    const response = await this.request('initialize', {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'raw-jsonrpc-test', version: '1.0.0' },
    });
    this.notify('notifications/initialized');
    return response;
  }

  /** Closes stdin, as a client does when it goes away, and waits for the process to exit. */
  async close(): Promise<Exit> {
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    const exit = await this.exited;
    clearTimeout(timer);
    return exit;
  }
}

/** Runs the built binary to completion with the given environment and no stdin. */
export async function runToExit(env: Record<string, string>, args: string[] = [], timeoutMs = 10_000): Promise<Exit> {
  const session = new RpcSession(env, args);
  const timer = setTimeout(() => void session.close(), timeoutMs);
  const exit = await session.exited;
  clearTimeout(timer);
  return exit;
}

/** The text of a tools/call result. */
export function resultText(response: JsonRpcResponse): string {
  const content = (response.result?.content ?? []) as Array<{ text?: string }>;
  return content.map((block) => block.text ?? '').join('\n');
}
