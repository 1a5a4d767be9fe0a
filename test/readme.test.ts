import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY } from '../src/api/transport.js';
import { ENVIRONMENT } from '../src/config.js';
import { RUNWAY_BASIS_DAYS } from '../src/reporting/balance.js';
import { BLACKLIST_SHARED_FOR_MS, DEFAULT_BLACKLIST_SHARE_LIMITS } from '../src/reporting/blacklist.js';
import { MAX_WINDOW_DAYS } from '../src/reporting/date-range.js';
import { MAX_FAILED_NUMBERS } from '../src/reporting/failure-tally.js';
import { DEFAULT_SCHEDULE_LEAD_DAYS } from '../src/reporting/opt-out-audit.js';
import { DEFAULT_RECIPIENT_CACHE_LIMITS } from '../src/reporting/recipient-cache.js';
import { RankedFailures } from '../src/reporting/ranked-failures.js';
import { DEFAULT_WINDOW_CACHE_LIMITS } from '../src/reporting/window-cache.js';
import { MAX_BODY_BYTES } from '../src/http-body.js';
import { DEFAULT_SNAPSHOT_LIMITS } from '../src/tools/cursors.js';
import { RESULT_BUDGET_BYTES } from '../src/tools/fields.js';
import { MAX_TEXT_CHARS } from '../src/reporting/text.js';
import { PROMPTS, TOOLS } from '../src/tools/index.js';
import { README_PATH, figuresIn, readmeFigures, withFigures } from '../scripts/readme-figures.js';
import { ROOT, connectStdio, readJson, readPackageJson } from './support/distribution.js';

/** The README's setup examples are what users paste: a broken one fails here, not in their client. */

interface Block {
  lang: string;
  code: string;
  /** The nearest heading above the block. */
  section: string;
  /** The bold words that open the nearest paragraph above the block in its section, such as `**Codex**`. */
  label: string;
  line: number;
}

interface ServerEntry {
  command?: unknown;
  args?: unknown;
  env?: Record<string, unknown>;
  /** A remote server's address and headers, under the names each client gives them. */
  url?: unknown;
  serverUrl?: unknown;
  httpUrl?: unknown;
  headers?: Record<string, unknown>;
  http_headers?: Record<string, unknown>;
}

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

function codeBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  let section = '';
  let label = '';
  let open: { lang: string; line: number; lines: string[] } | undefined;
  markdown.split('\n').forEach((text, index) => {
    const fence = /^\s*```(\S*)\s*$/.exec(text);
    if (open) {
      if (fence) {
        blocks.push({ lang: open.lang, code: open.lines.join('\n'), section, label, line: open.line });
        open = undefined;
      } else {
        open.lines.push(text);
      }
    } else if (fence) {
      open = { lang: fence[1] ?? '', line: index + 1, lines: [] };
    } else if (/^#{2,3} /.test(text)) {
      section = text.replace(/^#+ /, '');
      label = '';
    } else if (/^\*\*[^*]+\*\*/.test(text)) {
      label = /^\*\*([^*]+)\*\*/.exec(text)?.[1] ?? '';
    }
  });
  return blocks;
}

/** JSONC to JSON: comments outside strings removed (trailing commas are not JSONC, and stay errors). */
function stripJsonComments(text: string): string {
  return text.replace(/("(?:\\.|[^"\\])*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (match, string: string | undefined) => string ?? '');
}

function parseBlock(block: Block): unknown {
  if (block.lang === 'json') return JSON.parse(block.code);
  if (block.lang === 'jsonc') return JSON.parse(stripJsonComments(block.code));
  return parseToml(block.code);
}

const CONFIG_LANGS = new Set(['json', 'jsonc', 'toml']);
const blocks = codeBlocks(README);
const configs = blocks.filter((block) => CONFIG_LANGS.has(block.lang));

/** The MCP server entries of a client configuration, whatever the client calls the map. */
function serverEntries(config: unknown): Array<[string, ServerEntry]> {
  const document = config as Record<string, unknown>;
  const map = (document.mcpServers ?? document.servers ?? document.mcp_servers ?? {}) as Record<string, ServerEntry>;
  return Object.entries(map);
}

/** The keys a client may give a remote server's address under. */
const ADDRESS_KEYS = ['url', 'serverUrl', 'httpUrl'] as const;
const addressOf = (entry: ServerEntry): string | undefined =>
  ADDRESS_KEYS.map((key) => entry[key]).find((value): value is string => typeof value === 'string');
const headersOf = (entry: ServerEntry): Record<string, unknown> => ({ ...entry.headers, ...entry.http_headers });

/** Anything in a command line that looks like a credential or names one. */
const CREDENTIAL = /ILETIMERKEZI_|key|hash|secret|token|password/i;

/** The clients the README covers, each with the configuration file or step it must name. */
const CLIENTS: Record<string, string[]> = {
  'Claude Desktop': ['iletimerkezi-mcp.mcpb', 'Settings → Extensions', 'claude_desktop_config.json'],
  'Claude Code': ['claude mcp add'],
  Cursor: ['~/.cursor/mcp.json'],
  'VS Code': ['.vscode/mcp.json'],
  'Codex CLI': ['~/.codex/config.toml'],
  'Gemini CLI': ['~/.gemini/settings.json'],
  Windsurf: ['~/.codeium/windsurf/mcp_config.json'],
};

function clientSection(client: string): string {
  const start = README.search(new RegExp(`^### ${client.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'm'));
  if (start < 0) return '';
  const body = README.indexOf('\n', start) + 1;
  const end = README.slice(body).search(/^#{2,3} /m);
  return README.slice(start, end < 0 ? undefined : body + end);
}

/**
 * The ranking of list_failed_numbers at its bound: a million Turkish mobiles spread evenly over
 * +90 5xx xxx xx xx, each failed once in one order, sent at one of 300 moments.
 */
function millionFailingMobiles(): RankedFailures {
  const count = MAX_FAILED_NUMBERS;
  const keys = new Float64Array(count).map((_, index) => 905_000_000_000 + index * Math.floor(1e9 / count));
  const sendTimes = Array.from({ length: 300 }, (_, index) => `2026-11-${String(1 + (index % 30)).padStart(2, '0')} ${String(index % 24).padStart(2, '0')}:00:00`);
  return new RankedFailures({
    keys,
    failures: new Uint32Array(count).fill(1),
    orders: new Uint32Array(count).fill(1),
    lastSent: new Uint32Array(count).map((_, index) => index % sendTimes.length),
    others: [],
    sendTimes,
  });
}

describe('the README', () => {
  it('still opens with the demo and the test command', () => {
    expect(blocks.slice(0, 2).map((block) => block.code.trim())).toEqual(['npm install && npm run demo', 'npm test']);
  });

  it('has a row for every tool and every prompt the server registers, in its order, and no other', () => {
    // The two tables at the top, before the first section: the first cell of each row names a tool or a prompt.
    const top = README.slice(0, README.indexOf('\n## '));
    const rows = [...top.matchAll(/^\| `(\w+)` \|/gm)].map(([, name]) => name);
    expect(rows).toEqual([...TOOLS.map((tool) => tool.name), ...PROMPTS.map((prompt) => prompt.name)]);
  });

  it('has JSON and TOML examples that all parse', () => {
    expect(configs.filter((block) => block.lang === 'toml').length).toBeGreaterThan(0);
    expect(configs.filter((block) => block.lang === 'json').length).toBeGreaterThan(4);
    const broken = configs.flatMap((block) => {
      try {
        parseBlock(block);
        return [];
      } catch (error) {
        return [`README.md:${block.line} (${block.section}, ${block.lang}): ${(error as Error).message}`];
      }
    });
    expect(broken).toEqual([]);
  });

  it('keeps credentials in env in every server entry, never in args, and the demo entries without them', () => {
    const all = [...configs.flatMap((block) => serverEntries(parseBlock(block))), ...serverEntries(readJson('mcp.json.example'))];
    // A hosted server is reached by URL, with the account in headers; the URL itself never carries it.
    const remote = all.filter(([, entry]) => addressOf(entry) !== undefined);
    expect(remote.length).toBeGreaterThan(4);
    for (const [name, entry] of remote) {
      const url = new URL(addressOf(entry) ?? '');
      expect(url.pathname, name).toBe('/mcp');
      expect(CREDENTIAL.test(url.search), name).toBe(false);
      expect(Object.keys(headersOf(entry)).every((header) => /^(x-iletimerkezi-(key|hash)|authorization)$/i.test(header)), name).toBe(true);
    }
    const entries = all.filter((pair) => !remote.includes(pair));
    expect(entries.length).toBeGreaterThan(10);
    for (const [name, entry] of entries) {
      expect(typeof entry.command, name).toBe('string');
      expect(Array.isArray(entry.args), name).toBe(true);
      const args = entry.args as unknown[];
      expect(args.filter((arg) => typeof arg !== 'string' || CREDENTIAL.test(arg)), name).toEqual([]);
      const env = Object.keys(entry.env ?? {});
      if (args.includes('--demo')) {
        expect(env.filter((variable) => /^ILETIMERKEZI_API_/.test(variable)), name).toEqual([]);
      } else {
        expect(env, name).toEqual(expect.arrayContaining(['ILETIMERKEZI_API_KEY', 'ILETIMERKEZI_API_HASH']));
      }
    }
  });

  it('passes credentials to command-line installers as environment, not as server arguments', () => {
    const commands = blocks.filter((block) => block.lang === 'sh').flatMap((block) => block.code.replace(/\\\n/g, ' ').split('\n'));
    const serverCommands = commands.filter((line) => line.includes(' -- ')).map((line) => line.slice(line.indexOf(' -- ') + 4));
    expect(serverCommands.length).toBeGreaterThan(0);
    expect(serverCommands.filter((command) => CREDENTIAL.test(command))).toEqual([]);
  });

  it.each(Object.entries(CLIENTS))('covers %s, with its configuration place and a demo variant', (client, mentions) => {
    const section = clientSection(client);
    expect(section, `no "### ${client}" section`).not.toBe('');
    for (const mention of mentions) expect(section).toContain(mention);
    expect(codeBlocks(section).some((block) => block.code.includes('--demo'))).toBe(true);
  });

  it('offers mcp.json.example with the same servers as the Cursor example', () => {
    const cursor = codeBlocks(clientSection('Cursor')).find((block) => block.lang === 'json');
    const shape = (config: unknown) =>
      serverEntries(config).map(([name, entry]) => ({ name, command: entry.command, args: entry.args, env: Object.keys(entry.env ?? {}) }));
    expect(cursor).toBeDefined();
    expect(shape(readJson('mcp.json.example'))).toEqual(shape(parseBlock(cursor as Block)));
  });

  it('shows each client over HTTP its own keys for the address and the headers', () => {
    const hosted = blocks.filter((block) => block.section === 'Clients over HTTP' && CONFIG_LANGS.has(block.lang));
    // The address key each client reads for Streamable HTTP (Windsurf ignores `url`, Gemini CLI reads
    // it as SSE), and the key its headers go in (Codex ignores `headers`).
    const expected: Record<string, { address: (typeof ADDRESS_KEYS)[number]; headers: 'headers' | 'http_headers' }> = {
      Cursor: { address: 'url', headers: 'headers' },
      'VS Code': { address: 'url', headers: 'headers' },
      Windsurf: { address: 'serverUrl', headers: 'headers' },
      'Gemini CLI': { address: 'httpUrl', headers: 'headers' },
      Codex: { address: 'url', headers: 'http_headers' },
    };
    const shown = Object.fromEntries(
      hosted.map((block) => {
        const entries = serverEntries(parseBlock(block));
        expect(entries, `README.md:${block.line}`).toHaveLength(1);
        const [, entry] = entries[0] as [string, ServerEntry];
        const keys = Object.keys(entry);
        return [
          block.label.replace(/:$/, ''),
          { address: ADDRESS_KEYS.find((key) => keys.includes(key)), headers: keys.find((key) => /headers$/.test(key)), keys: keys.length },
        ];
      }),
    );
    expect(shown).toEqual(
      Object.fromEntries(Object.entries(expected).map(([client, keys]) => [client, { ...keys, keys: client === 'VS Code' ? 3 : 2 }])),
    );
    for (const block of hosted) {
      const [, entry] = serverEntries(parseBlock(block))[0] as [string, ServerEntry];
      expect(Object.keys(headersOf(entry)).sort(), block.label).toEqual(['X-Iletimerkezi-Hash', 'X-Iletimerkezi-Key']);
    }
    const section = README.slice(README.indexOf('### Clients over HTTP'), README.indexOf('## Environment variables'));
    expect(section).toMatch(/claude\.ai and ChatGPT\*\* connectors send neither headers nor a fixed token: they use the sign-in\nmode below/);
    const signIn = section.slice(section.indexOf('### Connect from claude.ai or ChatGPT'));
    for (const fact of ['ILETIMERKEZI_OAUTH_SECRET=', 'ILETIMERKEZI_PUBLIC_URL=https://', '/mcp`, and\nnothing else', '![The sign-in page](docs/sign-in-en.png)', '`demo-key`', '`demo-hash`', 'Rotating `ILETIMERKEZI_OAUTH_SECRET` invalidates every grant']) {
      expect(signIn, fact).toContain(fact);
    }
    expect(existsSync(join(ROOT, 'docs/sign-in-en.png'))).toBe(true);
  });

  it('runs every local server from a clone: each entry, with its placeholder path made this checkout\'s, starts and lists the tools', async () => {
    const PLACEHOLDER = '/absolute/path/to/iletimerkezi-mcp';
    const installers = blocks
      .filter((block) => block.lang === 'sh')
      .flatMap((block) => block.code.replace(/\\\n/g, ' ').split('\n'))
      .filter((line) => line.includes(' -- '))
      .map((line): ServerEntry => {
        const [command, ...args] = line.slice(line.indexOf(' -- ') + 4).trim().split(/\s+/);
        return { command, args };
      });
    const configured = [...configs.flatMap((block) => serverEntries(parseBlock(block))), ...serverEntries(readJson('mcp.json.example'))];
    const entries = [...configured.map(([, entry]) => entry), ...installers].filter((entry) => entry.command !== undefined);
    expect(entries.length).toBeGreaterThan(14);
    for (const entry of entries) {
      expect(entry.command).toBe('node');
      expect((entry.args as string[])[0]).toBe(`${PLACEHOLDER}/dist/cli.js`);
    }
    const distinct = [...new Set(entries.map((entry) => JSON.stringify(entry.args)))].map((args) => JSON.parse(args) as string[]);
    expect(distinct).toEqual(expect.arrayContaining([[`${PLACEHOLDER}/dist/cli.js`], [`${PLACEHOLDER}/dist/cli.js`, '--demo']]));
    for (const args of distinct) {
      const { mcp } = await connectStdio({
        command: process.execPath,
        args: args.map((arg) => arg.replace(PLACEHOLDER, ROOT)),
        env: { PATH: process.env.PATH ?? '', ILETIMERKEZI_API_KEY: 'your-api-key', ILETIMERKEZI_API_HASH: 'your-api-hash' },
        cwd: '/',
      });
      const { tools } = await mcp.listTools();
      await mcp.close();
      expect(tools.map((tool) => tool.name), args.join(' ')).toEqual(TOOLS.map((tool) => tool.name));
    }
  });

  it('says, wherever it shows npx, that npx works once the package is on npm, and how to run it until then', () => {
    const paragraphs = README.split(/\n\s*\n/).filter((paragraph) => /npx -y iletimerkezi-mcp|"npx"/.test(paragraph));
    expect(paragraphs.length).toBeGreaterThan(0);
    expect(paragraphs.filter((paragraph) => !/once iletimerkezi-mcp is on npm/i.test(paragraph))).toEqual([]);
    const install = README.slice(README.indexOf('## Install'), README.indexOf('## Connect your account'));
    expect(install).toContain('is not on npm yet');
    expect(install).toContain('npm install');
    expect(install).toContain('node dist/cli.js --version');
    expect(clientSection('Claude Desktop')).toContain('npm run bundle');
  });

  it('shows figures that are what the code measures now (`npm run readme` rewrites them)', async () => {
    const figures = await readmeFigures();
    expect(figuresIn(README), 'README.md is stale: run `npm run readme`').toEqual(figuresIn(withFigures(README, figures)));
    expect(Object.keys(figures).sort()).toEqual(['answer-sizes', 'audit-example', 'demo-questions', 'package-size', 'readme-moment', 'view-size']);
    expect(README_PATH).toBe(join(ROOT, 'README.md'));
  }, 120_000);

  it('gives every setting the default the server uses', () => {
    const rows = new Map([...README.matchAll(/^\| `(ILETIMERKEZI_\w+)` \| ([^|]+) \|/gm)].map(([, name = '', fallback = '']) => [name, fallback.trim()]));
    const plain = (text: string) => text.replace(/[`()]/g, '');
    expect(Object.fromEntries(ENVIRONMENT.map((variable) => [variable.name, plain(rows.get(variable.name) ?? 'missing')]))).toEqual(
      Object.fromEntries(ENVIRONMENT.map((variable) => [variable.name, plain(variable.fallback)])),
    );
  });

  it('states the limits the code has', () => {
    const snapshotOfAMillion = JSON.stringify(millionFailingMobiles().encode()).length;
    const flat = README.replace(/\s+/g, ' ');
    const mb = (bytes: number) => `${bytes / 1024 / 1024} MB`;
    const minutes = (ms: number) => `${ms / 60_000} minutes`;
    const hours = (ms: number) => `${ms / 3_600_000} hours`;
    const recipients = DEFAULT_RECIPIENT_CACHE_LIMITS;
    const statements = [
      `No answer is larger than ${RESULT_BUDGET_BYTES / 1024} KB`,
      `inbox texts longer than ${MAX_TEXT_CHARS.toLocaleString('en-US')} characters are cut`,
      `Request bodies over ${mb(MAX_BODY_BYTES)} get 413`,
      `in-memory snapshots (${mb(DEFAULT_SNAPSHOT_LIMITS.maxBytes)}), final windows (${mb(DEFAULT_WINDOW_CACHE_LIMITS.maxBytes)}), recipients (${mb(recipients.maxBytes)}) and blacklist readings (${mb(DEFAULT_BLACKLIST_SHARE_LIMITS.maxBytes)})`,
      `per kind (${mb(DEFAULT_SNAPSHOT_LIMITS.maxBytes)}, ${mb(DEFAULT_WINDOW_CACHE_LIMITS.maxBytes)}, ${mb(recipients.maxBytes)} and ${mb(DEFAULT_BLACKLIST_SHARE_LIMITS.maxBytes)})`,
      `TTLs of ${minutes(DEFAULT_SNAPSHOT_LIMITS.ttlMs)} (snapshots), ${minutes(DEFAULT_WINDOW_CACHE_LIMITS.ttlMs)} (final windows), ${hours(recipients.ttlMs)} (recipients) and ${minutes(BLACKLIST_SHARED_FOR_MS)} (blacklist readings)`,
      `recipients are kept for ${hours(recipients.ttlMs)} (up to ${mb(recipients.maxBytes)} in all`,
      `a reading is shared by the account's calls for ${minutes(BLACKLIST_SHARED_FOR_MS)}`,
      `${mb(DEFAULT_BLACKLIST_SHARE_LIMITS.maxBytes)} in all, a blacklist of about ${(Math.floor(DEFAULT_BLACKLIST_SHARE_LIMITS.maxEntryBytes / '"+905051234567",'.length / 10_000) * 10_000).toLocaleString('en-US')} numbers at most`,
      `kept for ${minutes(DEFAULT_WINDOW_CACHE_LIMITS.ttlMs)} (up to ${mb(DEFAULT_WINDOW_CACHE_LIMITS.maxBytes)} in all, windows of at most ${DEFAULT_WINDOW_CACHE_LIMITS.maxOrdersPerWindow.toLocaleString('en-US')} orders)`,
      `while the cursor is fresh (${minutes(DEFAULT_SNAPSHOT_LIMITS.ttlMs)})`,
      `accepts at most ${MAX_WINDOW_DAYS} days per request`,
      `honouring \`Retry-After\` up to ${DEFAULT_RETRY_POLICY.retryAfterCapMs / 1000} s`,
      `${DEFAULT_RETRY_POLICY.attempts} attempts in all`,
      `**submitted from ${DEFAULT_SCHEDULE_LEAD_DAYS} days before the earliest opt-out up to today**`,
      `over the ${RUNWAY_BASIS_DAYS} full days before today`,
      `It tallies at most ${MAX_FAILED_NUMBERS.toLocaleString('en-US')} distinct failing numbers`,
      `(about ${Math.round(snapshotOfAMillion / MAX_FAILED_NUMBERS)} characters a number, so a million fit in one snapshot)`,
    ];
    expect(snapshotOfAMillion).toBeLessThanOrEqual(DEFAULT_SNAPSHOT_LIMITS.maxSnapshotBytes);
    expect(statements.filter((statement) => !flat.includes(statement))).toEqual([]);
  });

  it('has `npm test` announce the lint and the type check before each runs', () => {
    const { scripts } = readPackageJson() as unknown as { scripts: Record<string, string> };
    const steps = (scripts.test ?? '').split('&&').map((step) => step.trim());
    // npm prints "> <package> <script>" and the script's command before it runs, unless silenced.
    expect(steps.slice(0, 2)).toEqual(['npm run lint', 'npm run typecheck']);
    expect(steps.at(-1)).toBe('vitest run');
  });
});
