import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { today } from '../src/reporting/calendar.js';
import type { SimulatedApi } from '../src/simulator/api-server.js';
import { generateDemoAccount } from '../src/demo/account.js';
import { startSimulatedApi } from '../src/simulator/api-server.js';
import { TEST_CREDENTIALS, textOf } from './support/harness.js';
import { DEMO_OPT_OUT_TEXTS, ordersBetween, totals } from './support/ground-truth.js';

/** The built server, spawned over stdio exactly as a desktop client would (npm test builds first). */
describe('the built server over stdio', () => {
  const now = new Date();
  const account = generateDemoAccount({ now });
  let fake: SimulatedApi;
  let transport: StdioClientTransport;
  let mcp: Client;
  const stdout: Buffer[] = [];

  beforeAll(async () => {
    fake = await startSimulatedApi({ account, credentials: TEST_CREDENTIALS });
    transport = new StdioClientTransport({
      command: process.execPath,
      args: ['dist/cli.js'],
      env: {
        PATH: process.env.PATH ?? '',
        ILETIMERKEZI_API_KEY: TEST_CREDENTIALS.key,
        ILETIMERKEZI_API_HASH: TEST_CREDENTIALS.hash,
        ILETIMERKEZI_BASE_URL: fake.baseUrl,
      },
      stderr: 'pipe',
    });
    mcp = new Client({ name: 'stdio-test', version: '1.0.0' });
    await mcp.connect(transport);
    // A second listener on the child's stdout sees every byte the client reads.
    (transport as unknown as { _process: { stdout: NodeJS.ReadableStream } })._process.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  });

  afterAll(async () => {
    await mcp.close();
    await fake.close();
  });

  it('answers every tool, and writes nothing but JSON-RPC to stdout', async () => {
    const end = today(() => now);
    const start = `${end.slice(0, 8)}01`;
    const summary = await mcp.callTool({ name: 'summarize_delivery', arguments: { start, end } });
    const truth = totals(ordersBetween(account.orders, start, end));
    expect(summary.structuredContent).toMatchObject({ orders: truth.orders, undelivered: truth.undelivered, waiting: truth.waiting });

    const list = await mcp.callTool({ name: 'list_orders', arguments: { start, end, limit: 5 } });
    expect((list.structuredContent as { totalOrders: number }).totalOrders).toBe(truth.orders);

    const inbox = await mcp.callTool({ name: 'read_inbox', arguments: { optOutOnly: true } });
    const optOuts = account.inbox.filter((message) => DEMO_OPT_OUT_TEXTS.includes(message.text)).length;
    expect((inbox.structuredContent as { optOuts: { count: number } }).optOuts.count).toBe(optOuts);

    const refused = await mcp.callTool({ name: 'list_orders', arguments: { from: start } });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toContain('Unknown field "from"');

    const lines = Buffer.concat(stdout).toString('utf8').split('\n').filter((line) => line.length > 0);
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
  });
});
