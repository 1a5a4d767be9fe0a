import { App, type McpUiHostContext, applyDocumentTheme, applyHostFonts, applyHostStyleVariables } from '@modelcontextprotocol/ext-apps';

/** A tool result as the host hands it over; a view reads only its structuredContent. */
export interface ToolResult {
  isError?: boolean;
  structuredContent?: Record<string, unknown>;
  content?: Array<{ type: string; text?: string }>;
}

/** What a view is given: the call that opened it, and a way to ask the server more through the host. */
export interface ViewContext {
  args: Record<string, unknown>;
  callTool(name: string, args: Record<string, unknown>): Promise<ToolResult>;
  numbers: Intl.NumberFormat;
}

/** The host's theme, fonts, colours and display mode, at mount and whenever the host changes them. */
function follow(context: McpUiHostContext | undefined): void {
  if (!context) return;
  if (context.theme) applyDocumentTheme(context.theme);
  if (context.styles?.variables) applyHostStyleVariables(context.styles.variables);
  if (context.styles?.css?.fonts) applyHostFonts(context.styles.css.fonts);
  if (context.displayMode) document.documentElement.dataset.displayMode = context.displayMode;
}

/**
 * Connects the view to its host and renders each tool result it is handed. The view never reaches
 * the network: every further figure comes through the host's tools/call (callServerTool).
 */
export function startView(name: string, render: (root: HTMLElement, result: ToolResult, context: ViewContext) => Promise<void> | void): void {
  const root = document.getElementById('view');
  if (!root) throw new Error('the view document has no #view element');
  const app = new App({ name, version: '1' }, {}, { autoResize: true });
  let args: Record<string, unknown> = {};
  let locale: string | undefined;
  app.ontoolinput = ({ arguments: given }) => {
    args = given ?? {};
  };
  app.onhostcontextchanged = (changed) => {
    if (changed.locale) locale = changed.locale;
    follow(changed);
  };
  app.ontoolresult = (result) => {
    const context: ViewContext = {
      args,
      numbers: new Intl.NumberFormat(locale, { maximumFractionDigits: 0, useGrouping: true }),
      callTool: async (tool, toolArgs) => (await app.callServerTool({ name: tool, arguments: toolArgs })) as ToolResult,
    };
    Promise.resolve(render(root, result as ToolResult, context)).catch((error: unknown) => {
      root.replaceChildren(element('p', { className: 'error', role: 'alert' }, `The view could not show this result: ${error instanceof Error ? error.message : String(error)}`));
    });
  };
  app
    .connect()
    .then(() => {
      const context = app.getHostContext();
      locale = context?.locale;
      follow(context);
    })
    .catch(() => {
      root.replaceChildren(element('p', { className: 'error', role: 'alert' }, 'This view needs an MCP Apps host.'));
    });
}

type Attributes = Partial<Record<'className' | 'role' | 'id' | 'title' | 'type', string>> & Record<`data-${string}` | `aria-${string}`, string>;

/** An element with text (set as text, never as HTML: names and texts come from strangers) or children. */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Partial<Attributes> = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined) continue;
    if (key === 'className') node.className = value;
    else node.setAttribute(key, value);
  }
  node.append(...children);
  return node;
}

/** A labelled figure, shown in full in the host's locale (never "190.3K"). */
export function figure(label: string, value: string, key: string): HTMLElement {
  return element('div', { className: 'figure', 'data-figure': key }, element('span', { className: 'label' }, label), element('strong', { className: 'value' }, value));
}

export function percent(rate: number | null, numbers: Intl.NumberFormat): string {
  if (rate === null) return '–';
  const locale = numbers.resolvedOptions().locale;
  return new Intl.NumberFormat(locale, { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(rate);
}

/** The text an isError result carries, for the view to show in place of the figures. */
export function errorText(result: ToolResult): string {
  return (result.content ?? []).map((part) => part.text ?? '').join('\n') || 'The tool answered with an error.';
}
