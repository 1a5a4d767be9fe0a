import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateDemoAccount } from '../src/demo/account.js';
import { TOOLS } from '../src/tools/index.js';
import { INITIALIZE, httpClient, post, rawRequest } from './support/hosted.js';
import { type HttpProcess, spawnHttpServer } from './support/http-process.js';

/**
 * The built server with --http, serving a toolset of its own, which each request may narrow
 * further with X-Iletimerkezi-Tools, and never widen.
 */

const SERVER_TOOLS = ['summarize_delivery', 'list_orders', 'list_recipients', 'list_failed_numbers', 'trace_number', 'check_blacklist', 'read_balance'];
const SERVER_CHOICES =
  'Name tools or groups, comma-separated, or all: reports (summarize_delivery, list_orders); ' +
  'recipients (list_recipients, list_failed_numbers, trace_number, check_blacklist); account (read_balance).';

let server: HttpProcess;
beforeAll(async () => {
  server = await spawnHttpServer({}, ['--demo', '--tools', 'reports,recipients,Read_Balance']);
});
afterAll(async () => {
  expect(await server.stop()).toBe(0);
});

async function listed(headers: Record<string, string> = {}) {
  const mcp = await httpClient(server.url, headers);
  const tools = (await mcp.listTools()).tools.map((tool) => tool.name);
  // A server with no prompt to serve does not declare the capability, and a client then asks for none.
  const prompts = mcp.getServerCapabilities()?.prompts ? (await mcp.listPrompts()).prompts.map((prompt) => prompt.name) : null;
  const instructions = mcp.getInstructions() ?? '';
  await mcp.close();
  return { tools, prompts, instructed: TOOLS.map((tool) => tool.name).filter((name) => instructions.includes(name)) };
}

describe('a toolset over HTTP', () => {
  it('serves the server its --tools set, and its prompts, to a request without the header', async () => {
    expect(await listed()).toEqual({ tools: SERVER_TOOLS, prompts: ['delivery_report'], instructed: SERVER_TOOLS });
  });

  it('narrows a request to what its X-Iletimerkezi-Tools header names, prompts too', async () => {
    const tools = ['summarize_delivery', 'list_orders', 'read_balance'];
    expect(await listed({ 'X-Iletimerkezi-Tools': ' Reports , READ_BALANCE ' })).toEqual({ tools, prompts: null, instructed: tools });
    const reporting = ['summarize_delivery', 'list_orders', 'list_failed_numbers'];
    expect(await listed({ 'X-Iletimerkezi-Tools': 'list_failed_numbers,reports' })).toEqual({ tools: reporting, prompts: ['delivery_report'], instructed: reporting });
    // A blank header narrows nothing, like a blank setting.
    expect((await listed({ 'X-Iletimerkezi-Tools': ' ' })).tools).toEqual(SERVER_TOOLS);
  });

  it('answers the tools it narrowed to, and refuses a call of any other', async () => {
    const mcp = await httpClient(server.url, { 'X-Iletimerkezi-Tools': 'account' });
    const balance = await mcp.callTool({ name: 'read_balance', arguments: {} });
    expect((balance.structuredContent as { sms: number }).sms).toBe(Number(generateDemoAccount({ now: new Date() }).balance?.sms));
    await expect(mcp.callTool({ name: 'summarize_delivery', arguments: { period: 'today' } })).rejects.toThrow(
      'The tool "summarize_delivery" is not served here: this request\'s X-Iletimerkezi-Tools header narrows it to read_balance.',
    );
    await mcp.close();
    const wide = await httpClient(server.url);
    await expect(wide.callTool({ name: 'read_inbox', arguments: {} })).rejects.toThrow(
      `The tool "read_inbox" is not served here: this server serves ${SERVER_TOOLS.join(', ')}.`,
    );
    await wide.close();
    // The access log tells these refusals from tool errors.
    const refusals = () =>
      server.lines.map((line) => JSON.parse(line) as { tool?: string; outcome?: string }).filter((entry) => entry.outcome === 'not-served').map((entry) => entry.tool);
    await vi.waitFor(() => expect(refusals()).toEqual(['summarize_delivery', 'read_inbox']));
  });

  it.each([
    ['a tool outside the server set', 'reports,read_inbox', '"read_inbox", which is not'],
    ['a group outside the server set', 'inbox', '"inbox", which is not'],
    ['an unknown name', 'Bogus,summarize_delivery', '"bogus", which is not'],
  ])('gets 400 for %s, with the groups and tools this server serves', async (_, header, named) => {
    const response = await post(server.url, INITIALIZE, { 'X-Iletimerkezi-Tools': header });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32000, message: `X-Iletimerkezi-Tools names ${named} a tool or group this server serves. ${SERVER_CHOICES}` },
    });
  });

  it('gets 400 for a repeated X-Iletimerkezi-Tools header, never the two joined', async () => {
    const response = await rawRequest(server.url, {
      headers: { host: new URL(server.url).host, 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'X-Iletimerkezi-Tools': ['reports', 'account'] },
      body: INITIALIZE,
    });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: { code: -32000, message: 'The X-Iletimerkezi-Tools header was sent more than once; send it once, with one value.' },
    });
  });
});
