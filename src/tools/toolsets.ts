import { PROMPTS, TOOLS } from './index.js';
import type { Prompt } from './prompt.js';
import { TOOL_GROUPS, type Tool, type ToolGroup } from './tool.js';

/**
 * Toolsets: a client may take only the tools it needs (ILETIMERKEZI_TOOLS, --tools, and per
 * request over HTTP X-Iletimerkezi-Tools), named by tool or by group, mixed freely.
 */

/** The word for every tool there is to choose from. */
const ALL = 'all';

/** The most unknown names a refusal repeats: a header may hold kilobytes of them. */
const MAX_QUOTED_NAMES = 3;
const MAX_QUOTED_CHARS = 40;

export type ToolSelection = { tools: readonly Tool[] } | { refusal: string };

/** As a person may type a name: in any case, padded with spaces, with a space or hyphen for an underscore. */
const normalized = (name: string) => name.trim().toLowerCase().replace(/[\s-]+/g, '_');

/** The groups that hold any of `tools`, each with those tools in the order given. */
function groupsOf(tools: readonly Tool[]): Map<ToolGroup, Tool[]> {
  const groups = new Map<ToolGroup, Tool[]>();
  for (const group of TOOL_GROUPS) {
    const members = tools.filter((tool) => tool.group === group);
    if (members.length > 0) groups.set(group, members);
  }
  return groups;
}

/** The groups of `tools`, each with its tools, for messages and --help: `reports (summarize_delivery, list_orders); …`. */
export function toolsByGroup(tools: readonly Tool[] = TOOLS): string {
  return [...groupsOf(tools)].map(([group, members]) => `${group} (${members.map((tool) => tool.name).join(', ')})`).join('; ');
}

function quoted(names: readonly string[]): string {
  const shown = names.slice(0, MAX_QUOTED_NAMES).map((name) => JSON.stringify(name.slice(0, MAX_QUOTED_CHARS)));
  const more = names.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(' and ');
}

/**
 * The tools a spec such as `read_balance,reports` chooses among `available`, in their registry
 * order whatever the spec's, so tools/list keeps one order. A blank spec chooses them all, as an
 * empty setting means its default; a spec that names nothing (only commas), or any name that is
 * neither a tool nor a group of `available`, is refused with every group and tool it may name.
 * `source` says where the spec came from (--tools, a variable, a header), for the refusal.
 */
export function selectTools(spec: string | undefined, source: string, available: readonly Tool[] = TOOLS): ToolSelection {
  if (spec === undefined || spec.trim() === '') return { tools: available };
  const groups = groupsOf(available);
  const names = spec.split(',').map(normalized).filter((name) => name.length > 0);
  const chosen = new Set<Tool>();
  const unknown: string[] = [];
  for (const name of names) {
    const matched = name === ALL ? available : (groups.get(name as ToolGroup) ?? available.filter((tool) => tool.name === name));
    if (matched.length === 0) unknown.push(name);
    for (const tool of matched) chosen.add(tool);
  }
  const choices = `Name tools or groups, comma-separated, or ${ALL}: ${toolsByGroup(available)}.`;
  if (names.length === 0) return { refusal: `${source} names no tool or group. ${choices}` };
  if (unknown.length > 0) {
    const which = unknown.length === 1 ? 'which is not a tool or group' : 'which are not tools or groups';
    return { refusal: `${source} names ${quoted(unknown)}, ${which} this server serves. ${choices}` };
  }
  return { tools: available.filter((tool) => chosen.has(tool)) };
}

/** The prompts to serve beside `tools`: each one only when every tool it leads the model to is served. */
export function promptsFor(tools: readonly Tool[], prompts: readonly Prompt[] = PROMPTS): readonly Prompt[] {
  const served = new Set(tools.map((tool) => tool.name));
  return prompts.filter((prompt) => prompt.uses.every((tool) => served.has(tool.name)));
}
