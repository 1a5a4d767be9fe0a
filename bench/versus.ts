/**
 * `npm run bench:versus`: this build beside another one (BENCH_SERVER_ENTRY, e.g. the last build on
 * SDK v1), each spawned over stdio and driven by the same SDK v2 client with the 2025 handshake
 * both builds speak. Runs alternate between the two builds, so a busy moment of the machine falls
 * on both alike. Rows: cold start (spawn → connected → tools/list), the first summarize_delivery of
 * a fresh server over 90 days, the bytes of tools/list, and the size of the build's JavaScript.
 * Also this build's cold start for a client that negotiates 2026-07-28. Settings: BENCH_REPEATS (11).
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { shiftDays, today } from '../src/reporting/calendar.js';
import { startSimulatedApi } from '../src/simulator/api-server.js';
import { generateOrders } from './dataset.js';
import { BENCH_CREDENTIALS } from './server.js';

const THIS_BUILD = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const OTHER_BUILD = process.env.BENCH_SERVER_ENTRY;
const REPEATS = Number(process.env.BENCH_REPEATS ?? 11);
const DAYS = 90;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** The JavaScript a build ships: every .js file beside its entry (the bundle and its chunks). */
function buildBytes(entry: string): number {
  const folder = dirname(entry);
  const files = readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.js'));
  return files.reduce((sum, file) => sum + statSync(join(folder, file)).size, 0);
}

interface Run {
  coldStartMs: number;
  firstSummaryMs: number;
  toolsListBytes: number;
}

async function measure(entry: string, baseUrl: string, negotiate: boolean, range: { start: string; end: string }): Promise<Run> {
  const started = performance.now();
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [entry],
    env: { ILETIMERKEZI_API_KEY: BENCH_CREDENTIALS.key, ILETIMERKEZI_API_HASH: BENCH_CREDENTIALS.hash, ILETIMERKEZI_BASE_URL: baseUrl },
    stderr: 'ignore',
  });
  const client = new Client({ name: 'bench-versus', version: '1.0.0' }, negotiate ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {});
  try {
    await client.connect(transport);
    const listed = await client.listTools();
    const coldStartMs = performance.now() - started;
    const asked = performance.now();
    const answer = await client.callTool({ name: 'summarize_delivery', arguments: range }, { timeout: 120_000 });
    if (answer.isError) throw new Error(`summarize_delivery failed on ${entry}`);
    return { coldStartMs, firstSummaryMs: performance.now() - asked, toolsListBytes: Buffer.byteLength(JSON.stringify(listed), 'utf8') };
  } finally {
    await client.close();
  }
}

async function main(): Promise<void> {
  if (!OTHER_BUILD) throw new Error('set BENCH_SERVER_ENTRY to the other build\'s dist/cli.js (e.g. a worktree of the last SDK v1 commit, built)');
  const orders = generateOrders({ now: new Date(), days: DAYS, expectedOrders: 20_000, seed: 11 });
  const api = await startSimulatedApi({ account: { orders, inbox: [] }, credentials: BENCH_CREDENTIALS, pageSize: 30, latencyMs: 20 });
  const end = today(() => new Date());
  const range = { start: shiftDays(end, -(DAYS - 1)), end };
  const runs = { other: [] as Run[], this: [] as Run[], thisModern: [] as Run[] };
  try {
    for (let repeat = 0; repeat < REPEATS; repeat += 1) {
      runs.other.push(await measure(OTHER_BUILD, api.baseUrl, false, range));
      runs.this.push(await measure(THIS_BUILD, api.baseUrl, false, range));
      runs.thisModern.push(await measure(THIS_BUILD, api.baseUrl, true, range));
    }
  } finally {
    await api.close();
  }
  const row = (name: string, pick: (run: Run) => number, unit: string) => {
    const other = median(runs.other.map(pick));
    const mine = median(runs.this.map(pick));
    const modern = median(runs.thisModern.map(pick));
    const change = ((mine - other) / other) * 100;
    return `| ${name} | ${other.toFixed(0)} ${unit} | ${mine.toFixed(0)} ${unit} (${change >= 0 ? '+' : ''}${change.toFixed(1)} %) | ${modern.toFixed(0)} ${unit} |`;
  };
  const version = (entry: string) => (JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string }).version;
  const lines = [
    `bench:versus on ${cpus()[0]?.model ?? 'unknown CPU'} ×${cpus().length}, Node ${process.version}, medians of ${REPEATS}, runs alternating`,
    `other build: ${OTHER_BUILD} (${version(OTHER_BUILD)}); this build: ${THIS_BUILD} (${version(THIS_BUILD)})`,
    '',
    '| figure | other build, 2025 client | this build, 2025 client | this build, 2026-07-28 client |',
    '|---|---|---|---|',
    row('cold start (spawn → connected → tools/list)', (run) => run.coldStartMs, 'ms'),
    row(`first summarize_delivery, ${DAYS} days, ${orders.length} orders`, (run) => run.firstSummaryMs, 'ms'),
    row('tools/list result', (run) => run.toolsListBytes, 'B'),
    `| build's JavaScript | ${buildBytes(OTHER_BUILD)} B | ${buildBytes(THIS_BUILD)} B | |`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
