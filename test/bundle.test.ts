import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENVIRONMENT } from '../src/config.js';
import { PROMPTS, TOOLS } from '../src/tools/index.js';
import { TOOL_GROUPS } from '../src/tools/tool.js';
import { EXTENSION_SETTINGS, missingCredentialsMessage } from '../src/api/panel.js';
import { startFake, textOf } from './support/harness.js';
import {
  ROOT,
  VIEW_FILES,
  connectStdio,
  filesUnder,
  importClosure,
  mcpb,
  nodeModulesAbove,
  readJson,
  readPackageJson,
  run,
  temporaryFolder,
} from './support/distribution.js';

interface UserConfigOption {
  type: 'string' | 'number' | 'boolean' | 'directory' | 'file';
  title: string;
  description: string;
  sensitive?: boolean;
  required?: boolean;
  default?: string | number | boolean;
}

interface Manifest {
  manifest_version: string;
  name: string;
  display_name: string;
  icon: string;
  repository: { type: string; url: string };
  homepage: string;
  support: string;
  privacy_policies: string[];
  version: string;
  license: string;
  server: { type: string; entry_point: string; mcp_config: { command: string; args: string[]; env: Record<string, string> } };
  tools: Array<{ name: string; description: string }>;
  prompts: Array<{ name: string }>;
  compatibility: { runtimes: { node: string } };
  user_config: Record<string, UserConfigOption>;
}

const PLACEHOLDER = /\$\{user_config\.([^}]+)\}/g;

/** What Claude Desktop runs for this manifest: `${__dirname}` and `${user_config.…}` filled in. */
function resolveMcpConfig(manifest: Manifest, installedAt: string, chosen: Record<string, string | number | boolean>) {
  const fill = (text: string) =>
    text.replaceAll('${__dirname}', installedAt).replace(PLACEHOLDER, (_, key: string) => String(chosen[key] ?? manifest.user_config[key]?.default ?? ''));
  const { command, args, env } = manifest.server.mcp_config;
  return { command, args: args.map(fill), env: Object.fromEntries(Object.entries(env).map(([name, value]) => [name, fill(value)])) };
}

describe('the MCP Bundle manifest', () => {
  const pkg = readPackageJson();
  const manifest = readJson<Manifest>('manifest.json');

  it('is manifest version 0.3 with the package name, version, licence and Node range', () => {
    expect(manifest).toMatchObject({ manifest_version: '0.3', name: pkg.name, version: pkg.version, license: pkg.license });
    expect(manifest.compatibility.runtimes.node).toBe(pkg.engines.node);
  });

  it('lists the tools and prompts the server registers', () => {
    expect(manifest.tools.map((tool) => tool.name)).toEqual(TOOLS.map((tool) => tool.name));
    expect(manifest.prompts.map((prompt) => prompt.name)).toEqual(PROMPTS.map((prompt) => prompt.name));
  });

  it('runs the bundled entry with node, and passes settings only through the environment', () => {
    const { entry_point: entry, mcp_config: config } = manifest.server;
    expect(manifest.server.type).toBe('node');
    expect(entry).toBe(pkg.bin['iletimerkezi-mcp']);
    expect(config.command).toBe('node');
    expect(config.args).toEqual([`\${__dirname}/${entry}`]);
    const names: readonly string[] = ENVIRONMENT.map((variable) => variable.name);
    expect(Object.keys(config.env).filter((name) => !names.includes(name))).toEqual([]);
  });

  it('asks for the key and hash as sensitive strings and has a demo switch, each with a default, and marks the server as bundled', () => {
    const { env } = manifest.server.mcp_config;
    expect(env).toEqual({
      ILETIMERKEZI_API_KEY: '${user_config.api_key}',
      ILETIMERKEZI_API_HASH: '${user_config.api_hash}',
      ILETIMERKEZI_TOOLS: '${user_config.tools}',
      ILETIMERKEZI_DEMO: '${user_config.demo}',
      ILETIMERKEZI_FROM_BUNDLE: '1',
    });
    expect(manifest.user_config.api_key).toMatchObject({ type: 'string', sensitive: true });
    expect(manifest.user_config.api_hash).toMatchObject({ type: 'string', sensitive: true });
    expect(manifest.user_config.demo).toMatchObject({ type: 'boolean', default: false });
    // Empty serves every tool, as an empty ILETIMERKEZI_TOOLS does.
    expect(manifest.user_config.tools).toMatchObject({ type: 'string', default: '' });
    expect(manifest.user_config.tools?.description).toContain(`Groups: ${TOOL_GROUPS.join(', ')}.`);
    // Claude Desktop passes an option left empty as the literal `${user_config.…}` text unless it
    // has a default, and the server would send that text to the API as the key.
    const referenced = Object.values(env).flatMap((value) => [...value.matchAll(PLACEHOLDER)].map((match) => match[1] ?? ''));
    expect(referenced.filter((key) => manifest.user_config[key]?.default === undefined)).toEqual([]);
  });

  it('names the extension, its fields and its demo switch as the server\'s advice does', () => {
    expect(EXTENSION_SETTINGS).toBe(`Claude Desktop → Settings → Extensions → ${manifest.display_name} → Configure`);
    const advice = missingCredentialsMessage('bundle');
    for (const option of ['api_key', 'api_hash', 'demo']) expect(advice).toContain(`"${manifest.user_config[option]?.title}"`);
  });

  it('has a 512×512 PNG icon, the API provider\'s privacy policy, and the repository, homepage and support pages', () => {
    expect(manifest.icon).toBe('icon.png');
    const png = readFileSync(join(ROOT, manifest.icon));
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([512, 512]);
    expect(manifest.privacy_policies).toEqual(['https://www.iletimerkezi.com/gizlilik-politikasi']);
    const repository = 'https://github.com/iletimerkezi-mcp/iletimerkezi-mcp';
    expect(manifest.repository).toEqual({ type: 'git', url: repository });
    expect(manifest.homepage).toBe(`${repository}#readme`);
    expect(manifest.support).toBe(`${repository}/issues`);
  });

  it('passes mcpb validate', async () => {
    const validated = await mcpb(['validate', 'manifest.json']);
    expect(validated.code, validated.stderr).toBe(0);
    expect(validated.stdout).toContain('validation passes');
  });
});

/** The built bundle, unpacked outside the repository, as Claude Desktop installs it. */
describe('the MCP Bundle', () => {
  const pkg = readPackageJson();
  const manifest = readJson<Manifest>('manifest.json');
  const folder = temporaryFolder('iletimerkezi-mcpb');
  const installed = join(folder.path, 'installed');
  let mcp: Client | undefined;
  let stderr = () => '';

  beforeAll(async () => {
    const bundle = join(folder.path, 'iletimerkezi-mcp.mcpb');
    const packed = await run(process.execPath, ['scripts/bundle.mjs', '--out', bundle]);
    expect(packed.code, packed.stderr).toBe(0);
    const unpacked = await mcpb(['unpack', bundle, installed]);
    expect(unpacked.code, unpacked.stderr).toBe(0);
  });

  afterAll(async () => {
    await mcp?.close();
    folder.remove();
  });

  it('carries the server with its views, its package.json, the manifest, its icon, LICENSE and README, and nothing else', () => {
    expect(filesUnder(installed)).toEqual([...importClosure('dist/cli.js'), ...VIEW_FILES, 'LICENSE', 'README.md', 'icon.png', 'manifest.json', 'package.json'].sort());
    expect(readFileSync(join(installed, 'icon.png')).equals(readFileSync(join(ROOT, 'icon.png')))).toBe(true);
  });

  /** The unpacked bundle's server as Claude Desktop starts it with these settings, plus `extra` environment. */
  const startInstalled = (chosen: Record<string, string | number | boolean>, extra: Record<string, string> = {}) => {
    const config = resolveMcpConfig(manifest, installed, chosen);
    return connectStdio({
      command: config.command === 'node' ? process.execPath : config.command,
      args: config.args,
      env: { PATH: process.env.PATH ?? '', ...config.env, ...extra },
      cwd: folder.path,
    });
  };

  it('tells a user who left the key empty to fill in the extension\'s settings or switch on its demo', async () => {
    const { mcp: empty } = await startInstalled({});
    try {
      const answer = await empty.callTool({ name: 'read_balance', arguments: {} });
      expect(answer.isError).toBe(true);
      expect(textOf(answer)).toBe(
        'No iletiMerkezi API key and hash are set in the extension\'s settings. Open Claude Desktop → Settings → Extensions → ' +
          'iletiMerkezi SMS reports → Configure and fill in both "API key" and "API hash" from panel.iletimerkezi.com → ' +
          'Settings → Security → API Access (turn on "Allow API access" there too), or switch on "Demo account" there to try the ' +
          'extension without an account.',
      );
    } finally {
      await empty.close();
    }
  });

  it('tells a user whose key the API refuses to check the extension\'s settings or switch on its demo', async () => {
    const fake = await startFake();
    const { mcp: refused } = await startInstalled({ api_key: 'KEY-typo-leakprobe', api_hash: 'HASH-typo-leakprobe' }, { ILETIMERKEZI_BASE_URL: fake.baseUrl });
    try {
      const answer = await refused.callTool({ name: 'read_balance', arguments: {} });
      expect(answer.isError).toBe(true);
      const text = textOf(answer);
      expect(text).toContain('authentication failed');
      expect(text).toContain(`Check the "API key" and "API hash" fields of the extension's settings (${EXTENSION_SETTINGS}) against panel.iletimerkezi.com`);
      expect(text).toContain('Or switch on "Demo account" there to try the extension without an account.');
      expect(text).not.toContain('ILETIMERKEZI_API_KEY');
      expect(text).not.toContain('leakprobe');
    } finally {
      await refused.close();
      await fake.close();
    }
  });

  it('serves only the tools its "Tools" setting names', async () => {
    const { mcp: narrowed } = await startInstalled({ demo: true, tools: 'Inbox, read_balance' });
    try {
      expect((await narrowed.listTools()).tools.map((tool) => tool.name)).toEqual(['read_inbox', 'audit_opt_outs', 'read_balance']);
      expect((await narrowed.listPrompts()).prompts.map((prompt) => prompt.name)).toEqual(['opt_out_audit']);
    } finally {
      await narrowed.close();
    }
  });

  it('starts from its own entry with the demo switch on, lists the tools and answers', async () => {
    // Nothing above the install folder can lend the server a package it lacks.
    expect(nodeModulesAbove(installed)).toBeUndefined();
    const config = resolveMcpConfig(manifest, installed, { demo: true });
    ({ mcp, stderr } = await connectStdio({
      command: config.command === 'node' ? process.execPath : config.command,
      args: config.args,
      env: { PATH: process.env.PATH ?? '', ...config.env },
      cwd: folder.path,
    }));
    expect(mcp.getServerVersion()?.version).toBe(pkg.version);
    const { tools } = await mcp.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(TOOLS.map((tool) => tool.name));
    const answer = await mcp.callTool({ name: 'summarize_delivery', arguments: { period: 'last_month' } });
    expect(answer.isError, textOf(answer)).toBeFalsy();
    expect(textOf(answer)).toContain('Delivery summary');
    // The views are read from the install folder, beside the server.
    const view = await mcp.readResource({ uri: 'ui://iletimerkezi/delivery.html' });
    expect(view.contents[0]).toMatchObject({ mimeType: 'text/html;profile=mcp-app', text: readFileSync(join(ROOT, VIEW_FILES[0] ?? ''), 'utf8') });
    expect(stderr()).toBe('');
  });
});
