import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { PROMPTS, TOOLS } from '../src/tools/index.js';
import { TOOL_GROUPS, type Tool } from '../src/tools/tool.js';
import { promptsFor, selectTools } from '../src/tools/toolsets.js';
import { type Connected, connect } from './support/harness.js';

/** The groups as issue 22 names them: the ground truth the tools' own `group` fields must add up to. */
const GROUPS = {
  reports: ['summarize_delivery', 'list_orders'],
  recipients: ['list_recipients', 'list_failed_numbers', 'trace_number', 'check_blacklist'],
  inbox: ['read_inbox', 'audit_opt_outs'],
  account: ['read_balance'],
};
const REGISTRY_ORDER = TOOLS.map((tool) => tool.name);
const CHOICES =
  'Name tools or groups, comma-separated, or all: reports (summarize_delivery, list_orders); ' +
  'recipients (list_recipients, list_failed_numbers, trace_number, check_blacklist); inbox (read_inbox, audit_opt_outs); account (read_balance).';

const names = (tools: readonly Tool[]) => tools.map((tool) => tool.name);

function chosen(spec: string | undefined, available?: readonly Tool[]): string[] {
  const selection = selectTools(spec, 'ILETIMERKEZI_TOOLS', available);
  if ('refusal' in selection) throw new Error(selection.refusal);
  return names(selection.tools);
}

function refusal(spec: string, available?: readonly Tool[]): string {
  const selection = selectTools(spec, '--tools', available);
  if (!('refusal' in selection)) throw new Error(`${spec} was accepted: ${names(selection.tools).join(', ')}`);
  return selection.refusal;
}

describe('tool groups', () => {
  it('put every tool in exactly the group the issue gives it', () => {
    expect(Object.fromEntries(TOOL_GROUPS.map((group) => [group, chosen(group)]))).toEqual(GROUPS);
  });

  it('are the README\'s, each with its tools', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Choose the tools'), readme.indexOf('## Hosted (HTTP)'));
    const rows = [...section.matchAll(/^\| `([a-z]+)` \| (.+) \|$/gm)].map(([, group = '', tools = '']) => [group, tools.split(', ').map((tool) => tool.replace(/`/g, ''))]);
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(TOOL_GROUPS.map((group) => [group, chosen(group)])));
  });

  it('cover every tool between them', () => {
    // A tool whose group is in no list would be missing here, and unreachable by any group name.
    expect(chosen(TOOL_GROUPS.join(','))).toEqual(REGISTRY_ORDER);
    expect(TOOLS.filter((tool) => !TOOL_GROUPS.includes(tool.group)).map((tool) => tool.name)).toEqual([]);
  });
});

describe('selectTools', () => {
  it('takes tool names, in registry order whatever the order given', () => {
    expect(chosen('read_balance,summarize_delivery')).toEqual(['summarize_delivery', 'read_balance']);
    expect(chosen('trace_number')).toEqual(['trace_number']);
  });

  it('mixes names and groups freely, each tool once', () => {
    expect(chosen('read_balance,reports')).toEqual(['summarize_delivery', 'list_orders', 'read_balance']);
    expect(chosen('inbox,read_inbox,account,reports')).toEqual(['summarize_delivery', 'list_orders', 'read_inbox', 'audit_opt_outs', 'read_balance']);
    expect(chosen('recipients,all')).toEqual(REGISTRY_ORDER);
  });

  it('ignores case, padding, and a space or hyphen for an underscore', () => {
    expect(chosen(' Reports , READ_BALANCE ')).toEqual(['summarize_delivery', 'list_orders', 'read_balance']);
    expect(chosen('Read Balance,list-orders,,')).toEqual(['list_orders', 'read_balance']);
    expect(chosen('ALL')).toEqual(REGISTRY_ORDER);
  });

  it('chooses every tool when the spec is unset or blank, as an empty setting means its default', () => {
    for (const spec of [undefined, '', '   ']) expect(chosen(spec)).toEqual(REGISTRY_ORDER);
  });

  it('refuses an unknown name, listing every group with its tools', () => {
    expect(refusal('reports,read_ballance')).toBe(`--tools names "read_ballance", which is not a tool or group this server serves. ${CHOICES}`);
    for (const name of [...TOOL_GROUPS, ...REGISTRY_ORDER]) expect(refusal('nope')).toContain(name);
  });

  it('names several unknown names, at most three, each cut short', () => {
    expect(refusal('a,b')).toBe(`--tools names "a" and "b", which are not tools or groups this server serves. ${CHOICES}`);
    expect(refusal(`a,b,c,d,e,${'x'.repeat(100)}`)).toMatch(/^--tools names "a", "b", "c" and 3 more, which are not tools or groups/);
    expect(refusal('y'.repeat(100))).toContain(`"${'y'.repeat(40)}",`);
  });

  it('refuses a spec that names nothing', () => {
    expect(refusal(',')).toBe(`--tools names no tool or group. ${CHOICES}`);
    expect(refusal(' , ,')).toBe(`--tools names no tool or group. ${CHOICES}`);
  });

  it('chooses only among the tools available, and lists only those when it refuses', () => {
    const available = TOOLS.filter((tool) => ['summarize_delivery', 'list_failed_numbers', 'read_balance'].includes(tool.name));
    expect(chosen('reports', available)).toEqual(['summarize_delivery']);
    expect(chosen('all', available)).toEqual(['summarize_delivery', 'list_failed_numbers', 'read_balance']);
    const outside =
      '"list_orders", which is not a tool or group this server serves. Name tools or groups, comma-separated, or all: ' +
      'reports (summarize_delivery); recipients (list_failed_numbers); account (read_balance).';
    expect(refusal('list_orders', available)).toBe(`--tools names ${outside}`);
    // A group with none of the available tools is no choice at all.
    expect(refusal('inbox', available)).toMatch(/^--tools names "inbox", which is not/);
  });
});

/** The tool names a prompt's text mentions: snake_case words that start like a tool's name (summarize_, list_, …). */
function mentionedTools(text: string): string[] {
  const verbs = new Set(TOOLS.map((tool) => tool.name.split('_')[0]));
  const words = text.match(/\b[a-z]+(?:_[a-z]+)+\b/g) ?? [];
  return [...new Set(words.filter((word) => verbs.has(word.split('_')[0])))].sort();
}

describe('prompts and the tools they use', () => {
  it('each declares exactly the tools its text names', () => {
    for (const prompt of PROMPTS) {
      const text = prompt.text({ period: 'this_year' }) + prompt.text({ period: '2026-03' });
      expect(mentionedTools(text), prompt.name).toEqual(names(prompt.uses).sort());
      expect(REGISTRY_ORDER, prompt.name).toEqual(expect.arrayContaining(names(prompt.uses)));
    }
    expect(Object.fromEntries(PROMPTS.map((prompt) => [prompt.name, names(prompt.uses)]))).toEqual({
      delivery_report: ['summarize_delivery', 'list_orders', 'list_failed_numbers'],
      opt_out_audit: ['audit_opt_outs'],
    });
  });

  it('are served only with every tool they use', () => {
    const promptsOf = (spec: string) => promptsFor(TOOLS.filter((tool) => chosen(spec).includes(tool.name))).map((prompt) => prompt.name);
    expect(promptsOf('all')).toEqual(['delivery_report', 'opt_out_audit']);
    expect(promptsOf('reports')).toEqual([]);
    expect(promptsOf('reports,list_failed_numbers')).toEqual(['delivery_report']);
    expect(promptsOf('reports,recipients,inbox')).toEqual(['delivery_report', 'opt_out_audit']);
    expect(promptsOf('audit_opt_outs')).toEqual(['opt_out_audit']);
    expect(promptsOf('read_inbox,account')).toEqual([]);
  });
});

describe('a server built over a toolset', () => {
  let session: Connected | undefined;
  afterEach(async () => {
    await session?.close();
    session = undefined;
  });

  it('lists those tools, their prompts, and names only them in its instructions', async () => {
    const tools = TOOLS.filter((tool) => chosen('inbox,read_balance').includes(tool.name));
    session = await connect({ tools });
    expect((await session.mcp.listTools()).tools.map((tool) => tool.name)).toEqual(['read_inbox', 'audit_opt_outs', 'read_balance']);
    expect((await session.mcp.listPrompts()).prompts.map((prompt) => prompt.name)).toEqual(['opt_out_audit']);
    const instructions = session.mcp.getInstructions() ?? '';
    expect(REGISTRY_ORDER.filter((name) => instructions.includes(name))).toEqual(['read_inbox', 'audit_opt_outs', 'read_balance']);
  });
});
