import { execFile, spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { type AddressInfo, type Server, createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedApi } from '../src/simulator/api-server.js';
import { TEST_CREDENTIALS, startFake } from './support/harness.js';
import { RpcSession, closedPort, resultText } from './support/spawned.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built binary with only the given environment (npm test builds first). */
function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['dist/cli.js', ...args], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(folder, entry.name)) : entry.name.endsWith('.ts') ? [join(folder, entry.name)] : [],
  );
}

describe('command line', () => {
  let fake: SimulatedApi;
  beforeAll(async () => {
    fake = await startFake();
  });
  afterAll(async () => {
    await fake.close();
  });

  const credentials = () => ({
    ILETIMERKEZI_API_KEY: TEST_CREDENTIALS.key,
    ILETIMERKEZI_API_HASH: TEST_CREDENTIALS.hash,
    ILETIMERKEZI_BASE_URL: fake.baseUrl,
  });

  it('--help lists exactly the environment variables the code reads', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stderr).toBe('');
    const read = new Set(sourceFiles('src').flatMap((file) => readFileSync(file, 'utf8').match(/ILETIMERKEZI_[A-Z_]+/g) ?? []));
    const documented = new Set(help.stdout.match(/ILETIMERKEZI_[A-Z_]+/g) ?? []);
    expect([...documented].sort()).toEqual([...read].sort());
    expect(documented.size).toBe(22);
    expect(help.stdout).toContain('--demo');
    expect(help.stdout).toContain('--http');
    expect(help.stdout).toContain('--check');
  });

  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(await run(['--version'])).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('refuses unknown arguments and malformed settings on stderr, naming them', async () => {
    const unknown = await run(['--key=abc']);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toContain('unknown argument "--key=abc"');
    const malformed = await run(['--check'], { ILETIMERKEZI_TIMEOUT_MS: 'abc' });
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('ILETIMERKEZI_TIMEOUT_MS must be a whole number');
  });

  it('--check says the account works when it does', async () => {
    const check = await run(['--check'], credentials());
    expect(check.code).toBe(0);
    expect(check.stdout).toBe('');
    expect(check.stderr).toContain('OK: the key and hash were accepted');
  });

  it('--check walks through the panel steps on 401, without printing the credentials', async () => {
    const check = await run(['--check'], { ...credentials(), ILETIMERKEZI_API_HASH: 'HASH-mistyped-leakprobe' });
    expect(check.code).toBe(1);
    expect(check.stdout).toBe('');
    for (const step of ['Settings → Security → API Access', 'Settings → Security → Access Permissions', '"Allow API access"', 'IP allow-list']) {
      expect(check.stderr).toContain(step);
    }
    expect(check.stderr).not.toContain('leakprobe');
  });

  it('--check names an unreachable host', async () => {
    const base = `http://127.0.0.1:${await closedPort()}/v1`;
    const check = await run(['--check'], { ...credentials(), ILETIMERKEZI_BASE_URL: base });
    expect(check.code).toBe(1);
    expect(check.stderr).toContain(`FAILED: could not reach ${base}.`);
    expect(check.stderr).toContain('network error (ECONNREFUSED) after 4 attempts');
  });

  it('--check without credentials says which variables to set, and checks nothing', async () => {
    const check = await run(['--check']);
    expect(check.code).toBe(1);
    expect(check.stdout).toBe('');
    expect(check.stderr).toMatch(/^FAILED: No iletiMerkezi credentials are configured\. Set both ILETIMERKEZI_API_KEY and ILETIMERKEZI_API_HASH [^\n]*\n$/);
    expect(check.stderr).not.toContain('Checking');
  });

  it('--check names the missing one of a key without a hash, or a hash without a key', async () => {
    const keyOnly = await run(['--check'], { ILETIMERKEZI_API_KEY: TEST_CREDENTIALS.key, ILETIMERKEZI_BASE_URL: fake.baseUrl });
    expect(keyOnly.code).toBe(1);
    expect(keyOnly.stderr).toMatch(/^FAILED: ILETIMERKEZI_API_KEY is set but ILETIMERKEZI_API_HASH is not\. Set both [^\n]*\n$/);
    const hashOnly = await run(['--check'], { ILETIMERKEZI_API_HASH: TEST_CREDENTIALS.hash, ILETIMERKEZI_API_KEY: '  ', ILETIMERKEZI_BASE_URL: fake.baseUrl });
    expect(hashOnly.code).toBe(1);
    expect(hashOnly.stderr).toMatch(/^FAILED: ILETIMERKEZI_API_HASH is set but ILETIMERKEZI_API_KEY is not\. Set both [^\n]*\n$/);
    for (const check of [keyOnly, hashOnly]) {
      expect(check.stdout).toBe('');
      expect(check.stderr).not.toContain('Checking');
      expect(check.stderr).not.toContain('leakprobe');
    }
  });

  it('a tool call of a server with a key and no hash names the missing hash', async () => {
    const before = fake.requests.length;
    const session = new RpcSession({ ILETIMERKEZI_API_KEY: TEST_CREDENTIALS.key, ILETIMERKEZI_BASE_URL: fake.baseUrl });
    await session.initialize();
    const answer = await session.callTool('read_balance', {});
    await session.close();
    expect(answer.result?.isError).toBe(true);
    expect(resultText(answer)).toMatch(/^ILETIMERKEZI_API_KEY is set but ILETIMERKEZI_API_HASH is not\. Set both ILETIMERKEZI_API_KEY and ILETIMERKEZI_API_HASH /);
    expect(fake.requests).toHaveLength(before);
  });

  it('--check with the demo says there is nothing to check, with --demo or ILETIMERKEZI_DEMO=1', async () => {
    const nothing =
      'Nothing to check: the demo account (--demo or ILETIMERKEZI_DEMO=1) is built in and offline, and needs no key, hash or network. ' +
      'To check a real account, run --check without the demo, with ILETIMERKEZI_API_KEY and ILETIMERKEZI_API_HASH set.\n';
    expect(await run(['--check', '--demo'])).toEqual({ code: 0, stdout: '', stderr: nothing });
    expect(await run(['--check'], { ...credentials(), ILETIMERKEZI_DEMO: '1' })).toEqual({ code: 0, stdout: '', stderr: nothing });
  });
});

/** Runs the built binary until it exits, noting when its first stderr line came and when it exited. */
function timedRun(args: string[], env: Record<string, string>): Promise<Run & { firstLineAt: number; exitedAt: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['dist/cli.js', ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    let stdout = '';
    let stderr = '';
    let firstLineAt = Number.NaN;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      if (Number.isNaN(firstLineAt) && stderr.includes('\n')) firstLineAt = performance.now();
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, firstLineAt, exitedAt: performance.now() });
    });
  });
}

describe('--http that cannot listen', () => {
  let holder: Server;
  let port: number;
  beforeAll(async () => {
    holder = createServer();
    await new Promise<void>((done) => holder.listen(0, '127.0.0.1', done));
    ({ port } = holder.address() as AddressInfo);
  });
  afterAll(async () => {
    await new Promise((done) => holder.close(done));
  });

  // Port 1 of the loopback: nothing answers there, so Redis would take seconds to give up on.
  const deadRedis = { ILETIMERKEZI_REDIS_URL: 'redis://127.0.0.1:1', ILETIMERKEZI_CURSOR_SECRET: 'a'.repeat(32) };
  it.each([
    [['--http'], 'no Redis', {}],
    [['--http', '--demo'], 'no Redis', {}],
    [['--http'], 'a Redis that does not answer', deadRedis],
    [['--http', '--demo'], 'a Redis that does not answer', deadRedis],
  ])('%j with %s exits non-zero within 2 seconds of saying so, naming the port and host settings', async (args, _redis, env) => {
    const started = performance.now();
    const exit = await timedRun(args, { ILETIMERKEZI_HTTP_PORT: String(port), ...env });
    expect(exit.code).toBe(2);
    expect(exit.stdout).toBe('');
    expect(exit.stderr).toBe(
      `iletimerkezi-mcp: --http cannot listen on 127.0.0.1:${port}: something else already listens there (EADDRINUSE). ` +
        'Set ILETIMERKEZI_HTTP_PORT to a free port (0 picks one), or ILETIMERKEZI_HTTP_HOST to an address of this machine.\n',
    );
    // Start-up itself is Node's and the machine's; the rule is about what follows the refusal.
    expect(exit.exitedAt - exit.firstLineAt).toBeLessThan(2_000);
    expect(exit.exitedAt - started).toBeLessThan(10_000);
  });

  it('names the host setting when the address is not one of this machine\'s', async () => {
    const exit = await timedRun(['--http', '--demo'], { ILETIMERKEZI_HTTP_HOST: '192.0.2.1', ILETIMERKEZI_HTTP_ALLOWED_HOSTS: 'mcp.example.com', ILETIMERKEZI_HTTP_PORT: '0' });
    expect(exit.code).toBe(2);
    expect(exit.stderr).toContain('--http cannot listen on 192.0.2.1:0: the address is not one of this machine\'s (EADDRNOTAVAIL).');
    expect(exit.stderr).toContain('ILETIMERKEZI_HTTP_HOST');
    expect(exit.exitedAt - exit.firstLineAt).toBeLessThan(2_000);
  });
});

/**
 * A person who runs the server at a terminal gets one line on stderr saying what it waits for.
 * util-linux `script` gives the server a terminal as stdin, while its stdout and stderr go to
 * pipes of their own (descriptors 3 and 4), so the test sees each stream apart.
 */
describe.runIf(process.platform === 'linux')('a stdio server started at a terminal', () => {
  it('says on stderr, in one line, that it waits for an MCP client, and points to --help; stdout stays empty', async () => {
    const child = spawn('script', ['-qec', `exec "${process.execPath}" dist/cli.js --demo 2>&3 1>&4`, '/dev/null'], {
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'],
    });
    const read = (stream: unknown) => {
      let text = '';
      (stream as NodeJS.ReadableStream).on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
      return () => text;
    };
    const [stderr, stdout] = [read(child.stdio[3]), read(child.stdio[4])];
    // script's own stdin is empty, so the terminal reaches its end and the server stops by itself.
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await new Promise((done) => child.on('close', done));
    clearTimeout(timer);
    expect(stderr()).toBe(
      'iletimerkezi-mcp is waiting for an MCP client on stdin/stdout; MCP clients start it themselves. ' +
        'See iletimerkezi-mcp --help to set one up or to check an account (Ctrl+C stops it).\n',
    );
    expect(stdout()).toBe('');
  });

  it('says nothing when stdin is not a terminal, as when a client starts it', async () => {
    const session = new RpcSession({}, ['--demo']);
    await session.initialize();
    const exit = await session.close();
    expect(exit.stdout.toString().trim().split('\n').map((line) => (JSON.parse(line) as { id: number }).id)).toEqual([1]);
    expect(exit.code).toBe(0);
    expect(exit.stderr).toBe('');
  });
});
