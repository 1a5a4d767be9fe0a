// Builds dist/ as an ESM bundle with code splitting. One bundle loads in a fraction of the time of
// the ~500 modules it replaces (cold start), and the chunks keep the HTTP client, the demo
// account and --check out of start-up until they are needed. Type checking is `npm run typecheck`.
//
// The server and the `npm run demo` client are two separate builds: every file at the top of
// dist/ then belongs to the server alone, so the npm package and the MCP Bundle ship `dist/*.js`
// and nothing of the demo client, which only developers run.
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { buildViews } from './build-views.mjs';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

/**
 * `debug`, under ioredis, asks for `supports-color` inside a try block, to colour log lines this
 * server never prints. An empty module in its place keeps the bundle free of a run-time import
 * that no package provides.
 */
const withoutOptionalColours = {
  name: 'without-optional-colours',
  setup(plugin) {
    plugin.onResolve({ filter: /^supports-color$/ }, () => ({ path: 'supports-color', namespace: 'empty' }));
    plugin.onLoad({ filter: /.*/, namespace: 'empty' }, () => ({ contents: 'module.exports = {};', loader: 'js' }));
  },
};

/**
 * The sign-in page's HTML and CSS are files in src/oauth, imported as `./sign-in.html?raw` (the
 * form Vite, under the tests, reads as text too) and inlined here, so dist/ needs no file beside it.
 */
const rawText = {
  name: 'raw-text',
  setup(plugin) {
    plugin.onResolve({ filter: /\?raw$/ }, (args) => ({ path: fileURLToPath(new URL(args.path.replace(/\?raw$/, ''), pathToFileURL(`${args.resolveDir}/`))), namespace: 'raw' }));
    plugin.onLoad({ filter: /.*/, namespace: 'raw' }, (args) => ({ contents: readFileSync(args.path, 'utf8'), loader: 'text' }));
  },
};

const common = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  sourcemap: true,
  // Bundled CommonJS dependencies call require() for Node's own modules.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: 'warning',
  plugins: [withoutOptionalColours, rawText],
};

await Promise.all([
  build({
    ...common,
    entryPoints: ['src/cli.ts'],
    outbase: 'src',
    outdir: 'dist',
    splitting: true,
    chunkNames: 'chunks-[name]-[hash]',
  }),
  build({ ...common, entryPoints: ['src/demo/run-demo.ts'], outfile: 'dist/demo/run-demo.js' }),
  // The MCP Apps views, which the server serves as ui:// resources from dist/views/.
  buildViews(),
]);
