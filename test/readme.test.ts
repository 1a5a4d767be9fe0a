import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { ROOT, readJson } from './support/distribution.js';

/** The README's setup examples are what users paste: a broken one fails here, not in their client. */

interface Block {
  lang: string;
  code: string;
  /** The nearest heading above the block. */
  section: string;
  line: number;
}

interface ServerEntry {
  command?: unknown;
  args?: unknown;
  env?: Record<string, unknown>;
}

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

function codeBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  let section = '';
  let open: { lang: string; line: number; lines: string[] } | undefined;
  markdown.split('\n').forEach((text, index) => {
    const fence = /^\s*```(\S*)\s*$/.exec(text);
    if (open) {
      if (fence) {
        blocks.push({ lang: open.lang, code: open.lines.join('\n'), section, line: open.line });
        open = undefined;
      } else {
        open.lines.push(text);
      }
    } else if (fence) {
      open = { lang: fence[1] ?? '', line: index + 1, lines: [] };
    } else if (/^#{2,3} /.test(text)) {
      section = text.replace(/^#+ /, '');
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

describe('the README', () => {
  it('still opens with the demo and the test command', () => {
    expect(blocks.slice(0, 2).map((block) => block.code.trim())).toEqual(['npm install && npm run demo', 'npm test']);
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
    const remote = all.filter(([, entry]) => typeof (entry as { url?: unknown }).url === 'string');
    expect(remote.length).toBeGreaterThan(1);
    for (const [name, entry] of remote) {
      const { url, headers } = entry as { url: string; headers?: Record<string, string> };
      expect(new URL(url).pathname, name).toBe('/mcp');
      expect(CREDENTIAL.test(new URL(url).search), name).toBe(false);
      expect(Object.keys(headers ?? {}).every((header) => /^(x-iletimerkezi-(key|hash)|authorization)$/i.test(header)), name).toBe(true);
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
});
