import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shiftDays, toTimestamp, today } from '../src/reporting/calendar.js';
import type { SimulatedApi } from '../src/simulator/api-server.js';
import { generateDemoAccount } from '../src/demo/account.js';
import { startSimulatedApi } from '../src/simulator/api-server.js';
import { TEST_CREDENTIALS, textOf } from './support/harness.js';
import { auditCounts, auditOf, demoOptOutKind, expectedNumber, failedNumbersOf, optOutTallies, ordersBetween, totals } from './support/ground-truth.js';

const TLS_DIR = new URL('./support/tls/', import.meta.url);

/** Spawns the built server over stdio with the SDK's client, as a desktop client does. */
async function spawnServer(baseUrl: string, extraEnv: Record<string, string> = {}) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['dist/cli.js'],
    env: {
      PATH: process.env.PATH ?? '',
      ILETIMERKEZI_API_KEY: TEST_CREDENTIALS.key,
      ILETIMERKEZI_API_HASH: TEST_CREDENTIALS.hash,
      ILETIMERKEZI_BASE_URL: baseUrl,
      ...extraEnv,
    },
    stderr: 'pipe',
  });
  const mcp = new Client({ name: 'stdio-test', version: '1.0.0' });
  await mcp.connect(transport);
  return { transport, mcp };
}

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
    ({ transport, mcp } = await spawnServer(fake.baseUrl));
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
    const optOuts = account.inbox.filter((message) => demoOptOutKind(message.text) !== null);
    expect(inbox.structuredContent).toMatchObject({ matched: optOuts.length, ...optOutTallies(optOuts, demoOptOutKind) });

    const failing = ordersBetween(account.orders, start, end).filter((order) => order.undelivered > 0);
    const failed = await mcp.callTool({ name: 'list_failed_numbers', arguments: { start, end, limit: 500 } });
    const failedTruth = failedNumbersOf(ordersBetween(account.orders, start, end), (order) => account.recipients?.(order) ?? []);
    expect(failed.structuredContent).toMatchObject({
      ordersWithFailures: failing.length,
      failedMessages: truth.undelivered,
      numbers: failedTruth.length,
      items: failedTruth.slice(0, 500),
    });
    const newest = failing.at(-1);
    if (newest) {
      const recipients = await mcp.callTool({ name: 'list_recipients', arguments: { orderId: newest.id, status: 'undelivered', limit: 1000 } });
      const undelivered = (account.recipients?.(newest) ?? []).filter((recipient) => recipient.status === 112).slice(0, 1000);
      expect(recipients.structuredContent).toMatchObject({ matched: newest.undelivered, consistent: true });
      expect((recipients.structuredContent as { recipients: Array<{ number: string }> }).recipients.map((recipient) => recipient.number)).toEqual(
        undelivered.map((recipient) => expectedNumber(recipient.number).number),
      );
    }
    const audited = await mcp.callTool({ name: 'audit_opt_outs', arguments: { period: 'last_30_days' } });
    const auditRange = { start: shiftDays(end, -29), end };
    const auditTruth = auditOf(account, (order) => account.recipients?.(order) ?? [], auditRange, demoOptOutKind, end, toTimestamp(now));
    const clear = auditCounts(auditTruth, 'clear');
    expect(audited.structuredContent).toMatchObject({
      optOuts: clear.count,
      notBlacklisted: clear.notBlacklisted,
      messagedAfterOptOut: clear.messagedAfterOptOut,
      possibleOptOuts: auditCounts(auditTruth, 'possible'),
    });
    const { prompts } = await mcp.listPrompts();
    expect(prompts.map((prompt) => prompt.name)).toEqual(['delivery_report', 'opt_out_audit']);
    const prompt = await mcp.getPrompt({ name: 'opt_out_audit', arguments: { period: 'this_month' } });
    expect(JSON.stringify(prompt.messages)).toContain('audit_opt_outs');

    const balance = await mcp.callTool({ name: 'read_balance', arguments: {} });
    expect(balance.structuredContent).toMatchObject({ amount: 0, sms: 250_000 });

    const refused = await mcp.callTool({ name: 'list_orders', arguments: { from: start } });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toContain('Unknown field "from"');

    const lines = Buffer.concat(stdout).toString('utf8').split('\n').filter((line) => line.length > 0);
    expect(lines.length).toBeGreaterThanOrEqual(4);
    for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
  });
});

/** The real API is https: the same answers through TLS, from a server that trusts only its CA list. */
describe('the built server against an https API', () => {
  const now = new Date();
  const account = generateDemoAccount({ now });

  it('verifies the certificate and answers exactly', async () => {
    const tls = { key: readFileSync(new URL('localhost-key.pem', TLS_DIR), 'utf8'), cert: readFileSync(new URL('localhost-cert.pem', TLS_DIR), 'utf8') };
    const fake = await startSimulatedApi({ account, credentials: TEST_CREDENTIALS, tls });
    expect(fake.baseUrl).toMatch(/^https:\/\/127\.0\.0\.1:/);
    const end = today(() => now);
    const start = shiftDays(end, -59);
    const truth = totals(ordersBetween(account.orders, start, end));
    // The test certificate is self-signed: trusted through NODE_EXTRA_CA_CERTS, and refused without it.
    const trusting = await spawnServer(fake.baseUrl, { NODE_EXTRA_CA_CERTS: fileURLToPath(new URL('localhost-cert.pem', TLS_DIR)) });
    const untrusting = await spawnServer(fake.baseUrl, { ILETIMERKEZI_TIMEOUT_MS: '2000' });
    try {
      const summary = await trusting.mcp.callTool({ name: 'summarize_delivery', arguments: { start, end } });
      expect(summary.structuredContent).toMatchObject({
        orders: truth.orders,
        total: truth.total,
        delivered: truth.delivered,
        undelivered: truth.undelivered,
        waiting: truth.waiting,
      });
      const inbox = await trusting.mcp.callTool({ name: 'read_inbox', arguments: {} });
      expect((inbox.structuredContent as { totalRows: number }).totalRows).toBe(account.inbox.length);
      const requestsBefore = fake.requests.length;

      const refused = await untrusting.mcp.callTool({ name: 'summarize_delivery', arguments: { period: 'today' } });
      expect(refused.isError).toBe(true);
      expect(textOf(refused)).toContain('network error (DEPTH_ZERO_SELF_SIGNED_CERT)');
      expect(fake.requests.length).toBe(requestsBefore);
    } finally {
      await trusting.mcp.close();
      await untrusting.mcp.close();
      await fake.close();
    }
  });
});
