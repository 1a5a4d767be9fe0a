import type { Order } from '../src/api/schemas.js';
import { shiftDays, today } from '../src/reporting/calendar.js';
import { splitIntoWindows } from '../src/reporting/date-range.js';
import { FAULT_KINDS, type FaultKind, type SimulatedApi, type SimulatorOptions, startSimulatedApi } from '../src/simulator/api-server.js';
import { countByDay, generateOrders } from './dataset.js';
import { windowLoads } from './floors.js';
import { BENCH_CREDENTIALS, callTool, peakRssBytes, spawnServer } from './server.js';

/**
 * Heavy accounts: a one-time-password sender makes one order per SMS. These rows measure the
 * scan against the throughput floor, ceil(requests / c) × latency, at the default concurrency,
 * with pages read ahead inside each window; and the adaptive limiter against an API that refuses
 * past 3 requests in flight.
 */

export const HEAVY_CONCURRENCY = 6;
const PAGE_SIZE = 30;
/** A client that resets its timeout on every progress notification, as desktop clients can. */
const PROGRESS_RESET_TIMEOUT_MS = 10_000;
/** Faults stall an attempt until its timeout; a short one keeps the faulted run to a minute. */
const FAULTED_ATTEMPT_TIMEOUT_MS = 300;

export interface HeavyRow {
  label: string;
  orders: number;
  windows: number;
  /** Requests of the minimal walk: every page of each window and its empty page. */
  minimalRequests: number;
  requests: number;
  /** The most pages past a window's end that were read ahead, over all windows. */
  mostExtraInAWindow: number;
  wallMs: number;
  floorMs: number;
  wallOverFloor: number;
  peakRssBytes: number;
  firstProgressMs: number | undefined;
  longestProgressGapMs: number;
  exact: boolean;
  refusedShare?: number;
  /** Why the call failed, when it did (an older build measured with BENCH_SERVER_ENTRY, say). */
  failure?: string;
}

function lastDays(days: number) {
  const end = today(() => new Date());
  return { start: shiftDays(end, -(days - 1)), end };
}

/** Pages past each window's minimal walk, from what the fake was asked. */
function extraPerWindow(api: SimulatedApi, from: number, orders: Order[], range: { start: string; end: string }): number[] {
  const loads = windowLoads(range, countByDay(orders), PAGE_SIZE);
  return loads.map((load) => {
    const asked = api.requests.slice(from).filter((request) => request.endpoint === 'get-reports' && request.start === load.start && !request.fault);
    return new Set(asked.map((request) => request.page)).size - load.requests;
  });
}

async function runHeavy(
  label: string,
  days: number,
  expectedOrders: number,
  latencyMs: number,
  fake: Partial<SimulatorOptions> = {},
  timeoutMs?: number,
): Promise<HeavyRow> {
  const orders = generateOrders({ now: new Date(), days, expectedOrders, seed: 13 });
  const range = lastDays(days);
  const loads = windowLoads(range, countByDay(orders), PAGE_SIZE);
  const minimalRequests = loads.reduce((sum, load) => sum + load.requests, 0);
  const api = await startSimulatedApi({ account: { orders, inbox: [] }, credentials: BENCH_CREDENTIALS, pageSize: PAGE_SIZE, latencyMs, ...fake });
  try {
    const server = await spawnServer({ baseUrl: api.baseUrl, concurrency: HEAVY_CONCURRENCY, ...(timeoutMs ? { timeoutMs } : {}) });
    try {
      const before = api.requests.length;
      const started = performance.now();
      const progress: number[] = [];
      const call = await callTool(
        server,
        'summarize_delivery',
        { start: range.start, end: range.end },
        { onProgress: () => progress.push(performance.now() - started), timeoutMs: PROGRESS_RESET_TIMEOUT_MS },
      );
      const asked = api.requests.slice(before);
      const requests = asked.length;
      const gaps = progress.map((at, index) => at - (progress[index - 1] ?? 0));
      const floorMs = Math.ceil(requests / HEAVY_CONCURRENCY) * latencyMs;
      const settled = asked.slice(Math.floor(asked.length / 10));
      return {
        label,
        orders: orders.length,
        windows: splitIntoWindows(range).length,
        minimalRequests,
        requests,
        mostExtraInAWindow: Math.max(...extraPerWindow(api, before, orders, range)),
        wallMs: call.wallMs,
        floorMs,
        wallOverFloor: call.wallMs / floorMs,
        peakRssBytes: peakRssBytes(server.pid),
        firstProgressMs: progress[0],
        longestProgressGapMs: Math.max(0, ...gaps, call.wallMs - (progress.at(-1) ?? 0)),
        exact: call.orders === orders.length,
        ...(fake.rateLimitAbove ? { refusedShare: settled.filter((request) => request.fault === 'rate-limit').length / settled.length } : {}),
      };
    } finally {
      await server.close();
    }
  } finally {
    await api.close();
  }
}

const MIXED: readonly FaultKind[] = FAULT_KINDS;

/** A row whose call failed keeps its place in the table, with the reason. */
async function attempt(label: string, run: () => Promise<HeavyRow>, log: (line: string) => void): Promise<HeavyRow> {
  log(`heavy: ${label}…`);
  try {
    return await run();
  } catch (error) {
    const failure = error instanceof Error ? error.message.slice(0, 200) : String(error);
    log(`heavy: ${label} failed: ${failure}`);
    return {
      label,
      orders: 0,
      windows: 0,
      minimalRequests: 0,
      requests: 0,
      mostExtraInAWindow: 0,
      wallMs: Number.NaN,
      floorMs: Number.NaN,
      wallOverFloor: Number.POSITIVE_INFINITY,
      peakRssBytes: 0,
      firstProgressMs: undefined,
      longestProgressGapMs: 0,
      exact: false,
      failure,
    };
  }
}

/** `withFaults` false leaves out the faulted row, the longest (an older, sequential build takes many minutes there). */
export async function benchHeavy(latencyMs: number, log: (line: string) => void, withFaults = true): Promise<HeavyRow[]> {
  const faulted = { faults: { rate: 0.25, kinds: MIXED, seed: 17, maxPerRequest: 2, retryAfterSeconds: 0 } };
  return [
    await attempt('100k / 10 d', () => runHeavy('100k / 10 d', 10, 100_000, latencyMs), log),
    await attempt('300k / 30 d', () => runHeavy('300k / 30 d', 30, 300_000, latencyMs), log),
    ...(withFaults
      ? [await attempt('100k, 25 % faults', () => runHeavy('100k, 25 % faults', 10, 100_000, latencyMs, faulted, FAULTED_ATTEMPT_TIMEOUT_MS), log)]
      : []),
    await attempt('30k, 429 past 3', () => runHeavy('30k, 429 past 3', 10, 30_000, latencyMs, { rateLimitAbove: 3 }), log),
  ];
}
