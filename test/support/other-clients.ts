import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
// The one place a v1 client is used: users' clients still speak 2025-11-25 through it.
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport as V1StdioTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport as V1HttpTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

/** Where a client finds the server: the built server to spawn over stdio, or a URL with headers. */
export type Target = { stdio: { command: string; args: string[]; env: Record<string, string> } } | { http: { url: string; headers: Record<string, string> } };

/** A client of the 2025-11-25 era from SDK v1 (`@modelcontextprotocol/sdk` 1.x), as most installed clients are today. */
export async function connectV1(target: Target): Promise<V1Client> {
  const transport =
    'stdio' in target
      ? new V1StdioTransport({ ...target.stdio, stderr: 'ignore' })
      : new V1HttpTransport(new URL(target.http.url), { requestInit: { headers: target.http.headers } });
  const client = new V1Client({ name: 'v1-client', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

/** A v1 client's tools/call takes a result schema before its options. */
export function callV1(client: V1Client, call: { name: string; arguments: Record<string, unknown> }, options: { onprogress: (update: { progress: number }) => void }) {
  return client.callTool(call, undefined, options);
}

const INSPECTOR = createRequire(import.meta.url).resolve('@modelcontextprotocol/inspector/clients/launcher/build/index.js');

/**
 * One call through the MCP Inspector's CLI (`mcp-inspector --cli`), as a person checks a server
 * from a shell: its own process, its own connection, the JSON it prints.
 */
export function inspect(target: Target, method: string[]): Promise<unknown> {
  const where =
    'stdio' in target
      ? [...Object.entries(target.stdio.env).flatMap(([name, value]) => ['-e', `${name}=${value}`]), target.stdio.command, ...target.stdio.args]
      : [target.http.url, '--transport', 'http', ...Object.entries(target.http.headers).flatMap(([name, value]) => ['--header', `${name}: ${value}`])];
  const child = spawn(process.execPath, [INSPECTOR, '--cli', ...where, ...method, '--format', 'json'], {
    env: { PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`mcp-inspector --cli ${method.join(' ')} exited with ${code}: ${stdout}${stderr}`.slice(0, 2_000)));
      else resolve((JSON.parse(stdout) as { result: unknown }).result);
    });
  });
}
