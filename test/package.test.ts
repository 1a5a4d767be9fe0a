import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, VIEW_FILES, externalPackages, importClosure, packedFiles, readPackageJson, run, specifiersOf, temporaryFolder } from './support/distribution.js';

/** The npm package as `npx iletimerkezi-mcp` gets it (npm test builds dist/ first). */
describe('the npm package', () => {
  const pkg = readPackageJson();
  const entry = pkg.bin['iletimerkezi-mcp'] ?? '';
  const server = importClosure(entry);

  it('has one command, the built server, started by node', () => {
    expect(pkg.bin).toEqual({ 'iletimerkezi-mcp': 'dist/cli.js' });
    expect(readFileSync(join(ROOT, entry), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    // The scan must see the chunks and Node's modules, or an empty result below would prove nothing.
    expect(server.length).toBeGreaterThan(1);
    expect(server.flatMap((file) => specifiersOf(join(ROOT, file)))).toContain('node:http');
  });

  it('ships exactly the built server with its views, README, LICENSE, mcp.json.example and server.json', async () => {
    const files = await packedFiles();
    expect(files).toEqual([...server, ...VIEW_FILES, 'LICENSE', 'README.md', 'mcp.json.example', 'package.json', 'server.json'].sort());
    // Source maps stay home: Node reads them only under --enable-source-maps, the server never
    // prints a stack trace, and they would weigh twice the code they map.
    expect(files.filter((file) => /\.map$|^(src|test|bench|scripts)\/|^dist\/demo\//.test(file))).toEqual([]);
  });

  it('is MIT licensed, with the licence text in the package', () => {
    expect(pkg.license).toBe('MIT');
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} /);
  });

  it('depends at run time on exactly the packages the built server imports, and so installs nothing the bundle already holds', () => {
    expect(Object.keys(pkg.dependencies ?? {}).sort()).toEqual(externalPackages(server));
  });

  describe('installed from its tarball', () => {
    const folder = temporaryFolder('iletimerkezi-npx');
    let tarball = '';
    beforeAll(async () => {
      const packed = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', folder.path]);
      expect(packed.code, packed.stderr).toBe(0);
      tarball = join(folder.path, (JSON.parse(packed.stdout) as Array<{ filename: string }>)[0]?.filename ?? '');
    });
    afterAll(() => folder.remove());

    it('starts through npx offline with an empty npm cache and prints its version', async () => {
      // Offline with an empty cache, any dependency the package declared would fail the install.
      const npx = await run('npm', ['exec', '--yes', '--offline', '--cache', join(folder.path, 'cache'), '--package', tarball, '--', 'iletimerkezi-mcp', '--version'], {
        cwd: folder.path,
        env: { PATH: process.env.PATH ?? '', HOME: folder.path, npm_config_update_notifier: 'false' },
      });
      expect(npx.stderr).toBe('');
      expect(npx).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    });
  });
});
