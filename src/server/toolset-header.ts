import type { IncomingMessage } from 'node:http';
import { selectTools } from '../tools/toolsets.js';
import { type Message, errorAnswer } from './admission.js';
import type { OpenedTool } from './create-server.js';

/** The header by which one HTTP request narrows the server's tools, as its name is usually spelled. */
export const TOOLSET_HEADER = 'X-Iletimerkezi-Tools';

/** JSON-RPC's invalid params, which MCP answers a call of an unknown tool with. */
const UNKNOWN_TOOL = -32602;

/** The tools a request may use, and whether its header narrowed the server's to them. */
export interface AllowedTools {
  tools: readonly OpenedTool[];
  narrowed: boolean;
}

/**
 * The tools one request may use: the server's, or those of them its X-Iletimerkezi-Tools header
 * names (same syntax as --tools). The header can only narrow: a name the server does not serve is
 * refused, never served. A repeated header was refused before (request-guard.ts).
 */
export function requestTools(request: IncomingMessage, served: readonly OpenedTool[]): AllowedTools | { refusal: string } {
  const header = request.headers[TOOLSET_HEADER.toLowerCase()];
  const spec = typeof header === 'string' ? header : undefined;
  const selection = selectTools(spec, TOOLSET_HEADER, served.map((opened) => opened.tool));
  if ('refusal' in selection) return selection;
  const chosen = new Set(selection.tools);
  return { tools: served.filter((opened) => chosen.has(opened.tool)), narrowed: selection.tools.length < served.length };
}

/**
 * The answer to a body that calls a tool the request may not use, or undefined when it calls
 * none. Refused before the SDK sees it, so the message says why the tool is missing and which
 * tools this request has, rather than only that the name is unknown.
 */
export function unservedCallAnswer(body: unknown, calls: readonly Message[], allowed: AllowedTools): unknown {
  const names = new Set(allowed.tools.map((opened) => opened.tool.name));
  const unserved = calls.map((call) => call.params?.name).find((name): name is string => typeof name === 'string' && !names.has(name));
  if (unserved === undefined) return undefined;
  const shown = JSON.stringify(unserved.slice(0, 64));
  const why = allowed.narrowed ? `this request's ${TOOLSET_HEADER} header narrows it to` : 'this server serves';
  return errorAnswer(body, UNKNOWN_TOOL, `The tool ${shown} is not served here: ${why} ${[...names].join(', ')}.`);
}
