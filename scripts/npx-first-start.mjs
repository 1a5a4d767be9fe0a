// Times what a user waits for on the first `npx -y iletimerkezi-mcp`: the packed tarball is
// installed into an empty npm cache, offline (so a dependency the package failed to bundle would
// fail instead of being fetched), then the server starts in demo mode and answers tools/list.
// The second start reuses that cache, as every later start does. Run after `npm run build`:
//
//   node scripts/npx-first-start.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

const ROOT = new URL('..', import.meta.url);
const folder = mkdtempSync(join(tmpdir(), 'iletimerkezi-npx-'));
const env = { PATH: process.env.PATH ?? '', HOME: folder, npm_config_update_notifier: 'false' };

async function start(tarball) {
  const began = performance.now();
  const transport = new StdioClientTransport({
    command: 'npm',
    args: ['exec', '--yes', '--offline', '--cache', join(folder, 'cache'), '--package', tarball, '--', 'iletimerkezi-mcp', '--demo'],
    env,
    cwd: folder,
    stderr: 'inherit',
  });
  const client = new Client({ name: 'npx-first-start', version: '1.0.0' });
  await client.connect(transport);
  const { tools } = await client.listTools();
  const elapsed = performance.now() - began;
  await client.close();
  return { elapsed, tools: tools.length };
}

try {
  const [packed] = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', folder], { cwd: ROOT, encoding: 'utf8' }));
  const tarball = join(folder, packed.filename);
  const first = await start(tarball);
  const second = await start(tarball);
  process.stdout.write(
    `${packed.filename}: ${(packed.size / 1024).toFixed(0)} kB packed, ${packed.entryCount} files, Node ${process.version}\n` +
      `first start (empty cache, offline) to tools/list: ${first.elapsed.toFixed(0)} ms, ${first.tools} tools\n` +
      `second start (warm cache) to tools/list:          ${second.elapsed.toFixed(0)} ms\n`,
  );
} finally {
  rmSync(folder, { recursive: true, force: true });
}
