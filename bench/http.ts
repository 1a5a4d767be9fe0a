/**
 * `npm run bench:http`: the BUILT server with --http, each caller bringing its own account,
 * driven by 50 concurrent SDK Streamable HTTP clients making 10 calls each across 10 accounts,
 * against one fake API per account (with latency) behind one base URL. Reports latency p50 and
 * p99, errors (a rejected call, an error result, or a figure that differs from the account's
 * data), each account's peak upstream requests in flight against its limit, and the server's
 * peak RSS. Writes JSON to bench/results/. Not part of `npm test`.
 *
 * Settings (environment, all optional): BENCH_LATENCY_MS (40), BENCH_CONCURRENCY (4),
 * BENCH_CLIENTS (50), BENCH_CALLS (10), BENCH_ACCOUNTS (10).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Client } from '@modelcontextprotocol/client';
import { generateDemoAccount } from '../src/demo/account.js';
import { shiftDays, today } from '../src/reporting/calendar.js';
import { type SimulatedAccount, type SimulatedApi, startSimulatedApi } from '../src/simulator/api-server.js';
import { startAccountRouter } from '../test/support/account-router.js';
import { ordersBetween } from '../test/support/ground-truth.js';
import { accountHeaders, httpClient } from '../test/support/hosted.js';
import { spawnHttpServer } from '../test/support/http-process.js';
import { peakRssBytes } from './server.js';

function setting(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a whole number, not ${JSON.stringify(process.env[name])}`);
  return value;
}

const LATENCY_MS = setting('BENCH_LATENCY_MS', 40);
const CONCURRENCY = setting('BENCH_CONCURRENCY', 4);
const CLIENTS = setting('BENCH_CLIENTS', 50);
const CALLS = setting('BENCH_CALLS', 10);
const ACCOUNTS = setting('BENCH_ACCOUNTS', 10);

const now = new Date();
const end = today(() => now);

interface Question {
  name: string;
  args: Record<string, unknown>;
  /** The exact figure the answer must give, from the account's own data. */
  expected: (account: SimulatedAccount) => number;
  actual: (structured: Record<string, unknown>) => unknown;
}

const range = (days: number, endOffset = 0) => ({ start: shiftDays(end, -(days - 1) - endOffset), end: shiftDays(end, -endOffset) });
const ordersIn = (r: { start: string; end: string }) => (account: SimulatedAccount) => ordersBetween(account.orders, r.start, r.end).length;
const QUESTIONS: Question[] = [
  { name: 'summarize_delivery', args: range(7), expected: ordersIn(range(7)), actual: (s) => s.orders },
  { name: 'summarize_delivery', args: { ...range(90, 3), groupBy: 'sender' }, expected: ordersIn(range(90, 3)), actual: (s) => s.orders },
  { name: 'summarize_delivery', args: range(180), expected: ordersIn(range(180)), actual: (s) => s.orders },
  { name: 'list_orders', args: { ...range(30), limit: 20 }, expected: ordersIn(range(30)), actual: (s) => s.totalOrders },
  { name: 'read_inbox', args: { limit: 10 }, expected: (account) => account.inbox.length, actual: (s) => s.totalRows },
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function main(): Promise<void> {
  const accounts = Array.from({ length: ACCOUNTS }, (_, index) => ({
    credentials: { key: `bench-key-${index}`, hash: `bench-hash-${index}` },
    data: generateDemoAccount({ now, seed: 1_000 + index, ordersPerDay: 10 + index }),
  }));
  const fakes: SimulatedApi[] = await Promise.all(
    accounts.map((account) => startSimulatedApi({ account: account.data, credentials: account.credentials, latencyMs: LATENCY_MS, pageSize: 30 })),
  );
  const router = await startAccountRouter(new Map(accounts.map((account, index) => [account.credentials.key, fakes[index] as SimulatedApi])));
  const server = await spawnHttpServer({ ILETIMERKEZI_BASE_URL: router.baseUrl, ILETIMERKEZI_CONCURRENCY: String(CONCURRENCY) });
  const latencies: number[] = [];
  const errors: string[] = [];
  const started = performance.now();
  try {
    const clients: Array<{ mcp: Client; account: number }> = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, index) => {
        const account = index % ACCOUNTS;
        return { mcp: await httpClient(server.url, accountHeaders(accounts[account]!.credentials)), account };
      }),
    );
    await Promise.all(
      clients.map(async ({ mcp, account }, index) => {
        for (let call = 0; call < CALLS; call += 1) {
          const question = QUESTIONS[(index + call) % QUESTIONS.length]!;
          const begun = performance.now();
          try {
            const result = await mcp.callTool({ name: question.name, arguments: question.args }, { timeout: 120_000 });
            latencies.push(performance.now() - begun);
            const got = question.actual((result.structuredContent ?? {}) as Record<string, unknown>);
            const want = question.expected(accounts[account]!.data);
            if (result.isError) errors.push(`${question.name}: ${JSON.stringify(result.content).slice(0, 200)}`);
            else if (got !== want) errors.push(`${question.name} on account ${account}: ${String(got)} instead of ${want}`);
          } catch (error) {
            latencies.push(performance.now() - begun);
            errors.push(`${question.name}: ${error instanceof Error ? error.message : String(error)}`);
          }
        }
        await mcp.close();
      }),
    );
  } finally {
    const rss = peakRssBytes(server.child.pid ?? 0);
    const wallMs = performance.now() - started;
    await server.stop();
    await router.close();
    await Promise.all(fakes.map((fake) => fake.close()));
    const sorted = [...latencies].sort((a, b) => a - b);
    const peaks = fakes.map((fake) => fake.peakInFlight());
    const requests = fakes.map((fake) => fake.requests.length);
    const report = {
      at: now.toISOString(),
      node: process.version,
      cores: availableParallelism(),
      settings: { latencyMs: LATENCY_MS, concurrencyPerAccount: CONCURRENCY, clients: CLIENTS, callsPerClient: CALLS, accounts: ACCOUNTS },
      calls: latencies.length,
      wallMs: Math.round(wallMs),
      p50Ms: Math.round(percentile(sorted, 50)),
      p99Ms: Math.round(percentile(sorted, 99)),
      errors: errors.length,
      upstream: { requests, peakInFlight: peaks },
      peakRssMiB: Math.round((rss / 1024 / 1024) * 10) / 10,
    };
    const line = (label: string, value: string, pass?: boolean) => console.log(`${label.padEnd(44)} ${value}${pass === undefined ? '' : pass ? '  PASS' : '  FAIL'}`);
    console.log(`bench:http, ${report.settings.clients} clients x ${CALLS} calls over ${ACCOUNTS} accounts, ${LATENCY_MS} ms upstream latency, limit ${CONCURRENCY} per account`);
    line('calls', `${report.calls} in ${(report.wallMs / 1000).toFixed(1)} s`);
    line('latency p50 / p99', `${report.p50Ms} ms / ${report.p99Ms} ms`);
    line('errors (target 0)', String(report.errors), report.errors === 0);
    line('upstream requests per account', requests.join(' '));
    line(`peak upstream in flight per account (<= ${CONCURRENCY})`, peaks.join(' '), peaks.every((peak) => peak <= CONCURRENCY));
    line('peak RSS of the server', `${report.peakRssMiB} MiB`);
    for (const error of errors.slice(0, 5)) console.log(`  error: ${error}`);
    const folder = fileURLToPath(new URL('./results/', import.meta.url));
    mkdirSync(folder, { recursive: true });
    writeFileSync(`${folder}http-${now.toISOString().replace(/[:.]/g, '-')}.json`, `${JSON.stringify(report, null, 2)}\n`);
  }
}

await main();
