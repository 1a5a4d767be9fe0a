import { existsSync, readFileSync } from 'node:fs';
import { RESOURCE_MIME_TYPE, registerAppResource } from '@modelcontextprotocol/ext-apps/server';
import type { McpServer } from '@modelcontextprotocol/server';

/** The MCP Apps view a tool's result opens in, by tool name; `npm run build` writes each to dist/views/<file>. */
const VIEWS: Readonly<Record<string, { file: string; title: string }>> = {
  summarize_delivery: { file: 'delivery.html', title: 'Delivery view' },
  audit_opt_outs: { file: 'opt-outs.html', title: 'Opt-out view' },
};

/** A view reaches nothing but its host: every domain list of its CSP is empty. */
const NO_DOMAINS = { connectDomains: [], resourceDomains: [], frameDomains: [], baseUriDomains: [] };

export const viewUri = (file: string) => `ui://iletimerkezi/${file}`;

/** The `_meta` that declares the tool's view to an MCP Apps host; none for a tool without one. */
export function viewMetaOf(toolName: string): { ui: { resourceUri: string } } | undefined {
  const view = VIEWS[toolName];
  return view ? { ui: { resourceUri: viewUri(view.file) } } : undefined;
}

/**
 * The built document. Beside the bundle in dist/ once built; from source (the tests), the
 * checkout's dist/views, which `npm run build` writes.
 */
const documents = new Map<string, string>();
function viewDocument(file: string): string {
  const kept = documents.get(file);
  if (kept !== undefined) return kept;
  const beside = new URL(`views/${file}`, import.meta.url);
  const built = existsSync(beside) ? beside : new URL(`../../dist/views/${file}`, import.meta.url);
  const text = readFileSync(built, 'utf8');
  documents.set(file, text);
  return text;
}

/** One ui:// resource for the view of each served tool that has one. */
export function registerViews(server: McpServer, toolNames: readonly string[]): void {
  for (const name of toolNames) {
    const view = VIEWS[name];
    if (!view) continue;
    const uri = viewUri(view.file);
    registerAppResource(server, view.title, uri, { description: `What ${name} shows in an MCP Apps host.`, _meta: { ui: { csp: NO_DOMAINS } } }, () => {
      return { contents: [{ uri, mimeType: RESOURCE_MIME_TYPE, text: viewDocument(view.file), _meta: { ui: { csp: NO_DOMAINS, prefersBorder: true } } }] };
    });
  }
}
