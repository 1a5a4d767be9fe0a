import { type ChildProcess, spawn } from 'node:child_process';
import { CLI } from './spawned.js';

/** The built server run with --http as its own process; its stderr lines are kept, parsed. */
export interface HttpProcess {
  url: string;
  child: ChildProcess;
  /** Every stderr line; in HTTP mode each must be JSON. */
  lines: string[];
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

export async function spawnHttpServer(env: Record<string, string>, args: string[] = []): Promise<HttpProcess> {
  const child = spawn(process.execPath, [CLI, '--http', ...args], {
    env: { PATH: process.env.PATH ?? '', ILETIMERKEZI_HTTP_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let pending = '';
  let stdout = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start: ${lines.join('\n')}`)), 15_000);
    child.stderr?.on('data', (chunk: Buffer) => {
      pending += chunk.toString('utf8');
      for (let index = pending.indexOf('\n'); index >= 0; index = pending.indexOf('\n')) {
        const line = pending.slice(0, index);
        pending = pending.slice(index + 1);
        lines.push(line);
        const served = /serving MCP at (\S+)/.exec(line);
        if (served?.[1]) {
          clearTimeout(timer);
          resolve(served[1]);
        }
      }
    });
    void exited.then((code) => reject(new Error(`the server exited with ${code}: ${lines.join('\n')}${stdout}`)));
  });
  return {
    url,
    child,
    lines,
    exited,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 35_000);
      const code = await exited;
      clearTimeout(timer);
      if (stdout.length > 0) throw new Error(`the HTTP server wrote to stdout: ${stdout.slice(0, 200)}`);
      return code;
    },
  };
}
