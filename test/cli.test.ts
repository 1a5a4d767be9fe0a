import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedApi } from '../src/simulator/api-server.js';
import { TEST_CREDENTIALS, startFake } from './support/harness.js';
import { closedPort } from './support/spawned.js';

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
    expect(documented.size).toBe(17);
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

  it('--check without credentials says which variables to set', async () => {
    const check = await run(['--check']);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain('Set both ILETIMERKEZI_API_KEY and ILETIMERKEZI_API_HASH');
  });

  it('--check --demo works offline with no account', async () => {
    const check = await run(['--check', '--demo']);
    expect(check.code).toBe(0);
    expect(check.stderr).toContain('the built-in demo account');
  });
});
