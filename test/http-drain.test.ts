import { describe, expect, it } from 'vitest';
import { generateDemoAccount } from '../src/demo/account.js';
import { shiftDays, today } from '../src/reporting/calendar.js';
import { startSimulatedApi } from '../src/simulator/api-server.js';
import { TEST_CREDENTIALS } from './support/harness.js';
import { ordersBetween, totals } from './support/ground-truth.js';
import { INITIALIZE, accountHeaders, httpClient, post } from './support/hosted.js';
import { spawnHttpServer } from './support/http-process.js';

describe('the built server with --http', () => {
  it('drains on SIGTERM: 503 to new requests and /healthz, the call in flight finishes exactly, exit 0', async () => {
    const now = new Date();
    const account = generateDemoAccount({ now });
    const fake = await startSimulatedApi({ account, credentials: TEST_CREDENTIALS, latencyMs: 120 });
    const server = await spawnHttpServer({ ILETIMERKEZI_BASE_URL: fake.baseUrl, ILETIMERKEZI_CONCURRENCY: '1', ILETIMERKEZI_DEBUG: '1' });
    try {
      const end = today(() => now);
      const range = { start: shiftDays(end, -59), end };
      const mcp = await httpClient(server.url, accountHeaders(TEST_CREDENTIALS));
      const call = mcp.callTool({ name: 'summarize_delivery', arguments: range });
      await new Promise((resolve) => setTimeout(resolve, 400));
      server.child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 150));
      const health = await fetch(new URL('/healthz', server.url));
      expect(health.status).toBe(503);
      expect(await health.json()).toMatchObject({ status: 'draining' });
      expect((await post(server.url, INITIALIZE, accountHeaders(TEST_CREDENTIALS))).status).toBe(503);
      const truth = totals(ordersBetween(account.orders, range.start, range.end));
      expect((await call).structuredContent).toMatchObject({ orders: truth.orders, total: truth.total, undelivered: truth.undelivered });
      expect(await server.exited).toBe(0);
      // Debug lines too are JSON in HTTP mode: one per upstream request here.
      for (const line of server.lines) expect(() => JSON.parse(line) as unknown).not.toThrow();
      expect(server.lines.filter((line) => line.includes('"event":"debug"')).length).toBeGreaterThan(5);
      expect(server.lines.join('\n')).not.toContain(TEST_CREDENTIALS.key);
      expect(server.lines.join('\n')).not.toContain(TEST_CREDENTIALS.hash);
    } finally {
      await server.stop();
      await fake.close();
    }
  });

  it('serves the demo account over HTTP on loopback with neither credentials nor token', async () => {
    const server = await spawnHttpServer({}, ['--demo']);
    try {
      const mcp = await httpClient(server.url);
      const result = await mcp.callTool({ name: 'summarize_delivery', arguments: { period: 'last_month' } });
      expect(result.isError).toBeFalsy();
      expect((result.structuredContent as { orders: number }).orders).toBeGreaterThan(0);
      await mcp.close();
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('refuses to start when it holds credentials but no token', async () => {
    const server = spawnHttpServer({ ILETIMERKEZI_API_KEY: TEST_CREDENTIALS.key, ILETIMERKEZI_API_HASH: TEST_CREDENTIALS.hash });
    await expect(server).rejects.toThrow(/ILETIMERKEZI_HTTP_TOKEN/);
    await expect(server).rejects.not.toThrow(new RegExp(TEST_CREDENTIALS.key));
  });
});
