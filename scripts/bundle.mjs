// Packs the MCP Bundle (iletimerkezi-mcp.mcpb) for Claude Desktop from an existing build:
// `npm run bundle` builds first. The bundle is packed from a staging folder that holds exactly
// what runs, the same server files the npm package ships (dist/*.js and the views' dist/views/*.html,
// no source maps, no demo client), so nothing from the working tree (src/, test/, node_modules/) can slip in.
//
//   node scripts/bundle.mjs [--out path/to/file.mcpb]
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ROOT_FILES = ['manifest.json', 'package.json', 'LICENSE', 'README.md', 'icon.png'];

const outFlag = process.argv.indexOf('--out');
const out = resolve(outFlag >= 0 ? process.argv[outFlag + 1] : join(ROOT, 'iletimerkezi-mcp.mcpb'));

const dist = join(ROOT, 'dist');
if (!existsSync(join(dist, 'cli.js'))) {
  process.stderr.write('bundle: dist/cli.js is missing; run `npm run bundle`, which builds first.\n');
  process.exit(1);
}

const stage = mkdtempSync(join(tmpdir(), 'iletimerkezi-mcpb-'));
try {
  mkdirSync(join(stage, 'dist'));
  for (const name of readdirSync(dist)) {
    if (name.endsWith('.js')) copyFileSync(join(dist, name), join(stage, 'dist', name));
  }
  mkdirSync(join(stage, 'dist', 'views'));
  for (const name of readdirSync(join(dist, 'views'))) {
    if (name.endsWith('.html')) copyFileSync(join(dist, 'views', name), join(stage, 'dist', 'views', name));
  }
  for (const name of ROOT_FILES) copyFileSync(join(ROOT, name), join(stage, name));
  mkdirSync(dirname(out), { recursive: true });
  // The CLI is run by path, not through npx: it is a devDependency, and this way the same Node
  // that runs this script runs mcpb.
  const mcpbPackage = join(ROOT, 'node_modules/@anthropic-ai/mcpb/package.json');
  const { bin } = JSON.parse(readFileSync(mcpbPackage, 'utf8'));
  const cli = join(dirname(mcpbPackage), typeof bin === 'string' ? bin : bin.mcpb);
  execFileSync(process.execPath, [cli, 'pack', stage, out], { stdio: ['ignore', 'inherit', 'inherit'] });
} finally {
  rmSync(stage, { recursive: true, force: true });
}
