// Builds each MCP Apps view (src/views/<name>/main.ts) into one self-contained HTML document:
// the script bundled for the browser with ext-apps' App, the stylesheet, both inlined, and nothing
// fetched from anywhere, since a host's default CSP for a view allows no domain at all.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

export const VIEWS = ['delivery', 'opt-outs'];

const STYLE = readFileSync(new URL('../src/views/shared/view.css', import.meta.url), 'utf8');

/** An inline script ends at the first `</script`, whatever quotes it sits in. */
const inlineSafe = (script) => script.replaceAll('</script', '<\\/script');

function documentOf(title, script) {
  return (
    '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
    `<title>${title}</title>\n<style>\n${STYLE}</style>\n</head>\n<body>\n<main id="view" aria-live="polite"></main>\n` +
    `<script type="module">\n${inlineSafe(script)}</script>\n</body>\n</html>\n`
  );
}

/** Writes dist/views/<name>.html for every view, and the host page script the demo's previews use. */
export async function buildViews(outdir = new URL('../dist/views/', import.meta.url)) {
  mkdirSync(outdir, { recursive: true });
  await Promise.all([
    build({
      entryPoints: ['scripts/view-host.mjs'],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      legalComments: 'none',
      logLevel: 'warning',
      outfile: 'dist/demo/view-host.js',
    }),
    ...VIEWS.map(async (name) => {
      const { outputFiles } = await build({
        entryPoints: [`src/views/${name}/main.ts`],
        bundle: true,
        format: 'esm',
        platform: 'browser',
        target: 'es2022',
        minify: true,
        write: false,
        legalComments: 'none',
        logLevel: 'warning',
      });
      writeFileSync(new URL(`${name}.html`, outdir), documentOf(`iletiMerkezi ${name}`, outputFiles[0].text));
    }),
  ]);
}
