import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CallToolResult, Client } from '@modelcontextprotocol/client';

/**
 * The MCP Apps views as a newcomer can open them without a chat client: for each, one HTML file
 * with a minimal host (ext-apps' AppBridge, dist/demo/view-host.js), the view as the server serves
 * it, a real call's input and result, and the answers to the calls the view makes, recorded now.
 */

interface Call {
  name: string;
  arguments: Record<string, unknown>;
}

/** A call's identity whatever the order of its arguments' keys; the host page computes the same. */
const callKey = (call: Call) => JSON.stringify([call.name, Object.entries(call.arguments).sort(([a], [b]) => a.localeCompare(b))]);

async function answer(client: Client, call: Call): Promise<CallToolResult> {
  return client.callTool(call);
}

async function viewOf(client: Client, uri: string): Promise<{ html: string; csp: unknown }> {
  const [content] = (await client.readResource({ uri })).contents;
  if (!content || !('text' in content)) throw new Error(`${uri} has no text`);
  return { html: content.text, csp: (content._meta?.ui as { csp?: unknown } | undefined)?.csp ?? {} };
}

/** A script's JSON, safe inside <script>: no "</script" or "<!--" can end it early. */
const scriptJson = (value: unknown) => JSON.stringify(value).replaceAll('<', '\\u003c');

function previewPage(title: string, hostScript: string, mount: Record<string, unknown>, answers: Array<[string, CallToolResult]>): string {
  const missing = { isError: true, content: [{ type: 'text', text: 'This preview holds only the answers recorded by npm run demo; connect the server to an MCP Apps client for the rest.' }] };
  return (
    `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>${title}</title>\n</head>\n<body style="margin:0">\n` +
    `<script>\n${hostScript.replaceAll('</script', '<\\/script')}</script>\n<script>\n` +
    `const answers = new Map(${scriptJson(answers)});\n` +
    `const keyOf = (call) => JSON.stringify([call.name, Object.entries(call.arguments ?? {}).sort(([a], [b]) => a.localeCompare(b))]);\n` +
    `window.hostCallTool = async (call) => answers.get(keyOf(call)) ?? ${scriptJson(missing)};\n` +
    `window.mountView(${scriptJson(mount)});\n</script>\n</body>\n</html>\n`
  );
}

const HOST_CONTEXT = { theme: 'light', displayMode: 'inline', locale: 'en-US' };

/** Writes delivery.html and opt-outs.html into `folder`; returns their paths. */
export async function writeViewPreviews(client: Client, folder: string): Promise<string[]> {
  const hostScript = readFileSync(new URL('view-host.js', import.meta.url), 'utf8');
  mkdirSync(folder, { recursive: true });

  const deliveryInput = { period: 'last_month' };
  const delivery = await answer(client, { name: 'summarize_delivery', arguments: deliveryInput });
  const { range } = delivery.structuredContent as { range: { start: string; end: string } };
  const sameRange = { start: range.start, end: range.end };
  const daily = await answer(client, { name: 'summarize_delivery', arguments: { ...sameRange, groupBy: 'day' } });
  const days = ((daily.structuredContent as { groups?: Array<{ key: string }> }).groups ?? []).map((group) => group.key);
  const calls: Call[] = [
    { name: 'summarize_delivery', arguments: { ...sameRange, groupBy: 'sender' } },
    { name: 'list_failed_numbers', arguments: sameRange },
    ...days.map((day) => ({ name: 'list_orders', arguments: { start: day, end: day } })),
  ];
  const recorded: Array<[string, CallToolResult]> = [[callKey({ name: 'summarize_delivery', arguments: { ...sameRange, groupBy: 'day' } }), daily]];
  for (const call of calls) recorded.push([callKey(call), await answer(client, call)]);

  const optOutInput = { period: 'last_30_days' };
  const optOuts = await answer(client, { name: 'audit_opt_outs', arguments: optOutInput });

  const pages = [
    { file: 'delivery.html', uri: 'ui://iletimerkezi/delivery.html', input: deliveryInput, result: delivery, answers: recorded },
    { file: 'opt-outs.html', uri: 'ui://iletimerkezi/opt-outs.html', input: optOutInput, result: optOuts, answers: [] },
  ];
  const written: string[] = [];
  for (const page of pages) {
    const view = await viewOf(client, page.uri);
    const mount = { ...view, hostContext: HOST_CONTEXT, toolInput: page.input, toolResult: page.result, width: 720 };
    const path = join(folder, page.file);
    writeFileSync(path, previewPage(`iletimerkezi-mcp preview: ${page.file}`, hostScript, mount, page.answers));
    written.push(path);
  }
  return written;
}
