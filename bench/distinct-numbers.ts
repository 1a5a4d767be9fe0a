import { isDeepStrictEqual } from 'node:util';
import { shiftDays, today } from '../src/reporting/calendar.js';
import { startSimulatedApi } from '../src/simulator/api-server.js';
import { failingNumbersAccount } from '../test/support/failing-numbers.js';
import { failedNumbersOf } from '../test/support/ground-truth.js';
import { BENCH_CREDENTIALS, callTool, peakRssBytes, spawnServer } from './server.js';

/**
 * list_failed_numbers over an account whose failures reach many distinct numbers: the first
 * call (every recipient read, the numbers tallied and ranked, the snapshot kept), then a few
 * pages by cursor, which must read no recipient again. Peak RSS is the server's, over it all.
 */

/** What one order holds at most, so the fewest orders reach the numbers. */
const PER_ORDER = 50_000;
/** A fifth more failures than numbers, so a fifth of the numbers fail twice and the ranking has two tiers. */
const FAILURES_PER_NUMBER = 1.2;
const CURSOR_PAGES = 2;
const LIMIT = 50;

export interface DistinctNumbersRow {
  distinct: number;
  orders: number;
  failures: number;
  wallMs: number;
  reportRequests: number;
  /** Wall time of each page by cursor. */
  pageWallMs: number[];
  /** get-report requests the cursor pages made: 0 when they came from the snapshot. */
  repeatedReportRequests: number;
  peakRssBytes: number;
  /** The figures and the first page equal the data, and every cursor page came back. */
  exact: boolean;
  failure?: string;
}

export async function benchDistinctNumbers(distinct: number, concurrency: number, log: (line: string) => void): Promise<DistinctNumbersRow> {
  const day = shiftDays(today(() => new Date()), -2);
  const orders = Math.ceil((distinct * FAILURES_PER_NUMBER) / PER_ORDER);
  const account = failingNumbersAccount({ distinct, orders, perOrder: PER_ORDER, day });
  const truth = failedNumbersOf(account.orders, (order) => account.recipients?.(order) ?? []);
  const row: DistinctNumbersRow = {
    distinct,
    orders,
    failures: orders * PER_ORDER,
    wallMs: Number.NaN,
    reportRequests: 0,
    pageWallMs: [],
    repeatedReportRequests: 0,
    peakRssBytes: 0,
    exact: false,
  };
  const api = await startSimulatedApi({ account, credentials: BENCH_CREDENTIALS, latencyMs: 0 });
  const reports = () => api.requests.filter((request) => request.endpoint === 'get-report').length;
  try {
    const server = await spawnServer({ baseUrl: api.baseUrl, concurrency });
    try {
      log(`distinct numbers: ${distinct} over ${orders} orders, first call…`);
      const first = await callTool(server, 'list_failed_numbers', { start: day, end: day, limit: LIMIT });
      row.wallMs = first.wallMs;
      row.reportRequests = reports();
      const structured = first.structured as { numbers: number; failedMoreThanOnce: number; failedMessages: number; items: unknown[]; nextCursor?: string };
      let cursor = structured.nextCursor;
      for (let page = 0; page < CURSOR_PAGES && cursor; page += 1) {
        log(`distinct numbers: cursor page ${page + 1}…`);
        const next = await callTool(server, 'list_failed_numbers', { cursor, limit: LIMIT });
        row.pageWallMs.push(next.wallMs);
        cursor = (next.structured as { nextCursor?: string }).nextCursor;
      }
      row.repeatedReportRequests = reports() - row.reportRequests;
      row.peakRssBytes = peakRssBytes(server.pid);
      row.exact =
        structured.numbers === truth.length &&
        structured.failedMoreThanOnce === truth.filter((entry) => entry.failures > 1).length &&
        structured.failedMessages === row.failures &&
        isDeepStrictEqual(structured.items, truth.slice(0, LIMIT)) &&
        row.pageWallMs.length === CURSOR_PAGES;
    } catch (error) {
      row.failure = error instanceof Error ? error.message.slice(0, 200) : String(error);
      try {
        row.peakRssBytes = peakRssBytes(server.pid);
      } catch {
        // The server is gone (out of memory, say): no figure.
      }
      log(`distinct numbers failed: ${row.failure}`);
    } finally {
      await server.close();
    }
  } finally {
    await api.close();
  }
  return row;
}
