import type { InboxMessage, Order } from '../src/api/schemas.js';
import { type Day, shiftDays, today } from '../src/reporting/calendar.js';
import type { DayRange } from '../src/reporting/date-range.js';
import { type BlacklistEntry, type SimulatedApi, startSimulatedApi } from '../src/simulator/api-server.js';
import { type Floors, computeFloors, isFinalOrder, reportChain } from './floors.js';
import { BENCH_CREDENTIALS, type SpawnedServer, callTool, spawnServer } from './server.js';

/**
 * The support desk's questions: "what happened to this number?" (trace_number over 30 days) and
 * "which of these numbers are blocked?" (check_blacklist with 1,000 numbers), each asked of a
 * fresh server (cold) and again of the same server (warm), against an account whose blacklist is
 * the size of the docs' sample (7,906 numbers: 8 pages and the empty one).
 */

export interface SupportDeskSettings {
  latencyMs: number;
  pageSize: number;
  concurrency: number;
  repeats: number;
}

const TRACE_DAYS = 30;
/** The fake's made-up recipients give every order this number first: a number in every order of the range. */
const TRACED = '+905550000000';
const BLACKLIST_SIZE = 7_906;
const CHECKED_NUMBERS = 1_000;
/** How many of the checked numbers are on the blacklist, and how many are a listed number again in another form. */
const CHECKED_BLOCKED = 100;
const CHECKED_AGAIN = 50;
/** get-blacklist's page, as the client asks for it. */
const BLACKLIST_ROWS = 1_000;

function blacklist(): BlacklistEntry[] {
  return Array.from({ length: BLACKLIST_SIZE }, (_, index) => ({ number: `+90505${String(index).padStart(7, '0')}`, at: '2026-01-01 10:00:00' }));
}

/** A few inbox messages from the traced number, one of them its opt-out. */
function inbox(end: Day): InboxMessage[] {
  return [
    { id: '1', date: `${shiftDays(end, -12)} 09:15:00`, sender: TRACED, number: '+908501234567', text: 'Siparişim nerede?' },
    { id: '2', date: `${shiftDays(end, -3)} 18:45:00`, sender: TRACED, number: '+908501234567', text: 'ILT ACME RET' },
  ];
}

/** 1,000 numbers as a pasted list: some blocked, most clear, some again in another form. */
function numbersToCheck(): string[] {
  const blocked = Array.from({ length: CHECKED_BLOCKED }, (_, index) => `0505 ${String(index * 79).padStart(7, '0').replace(/^(\d{3})(\d{2})(\d{2})$/, '$1 $2 $3')}`);
  const clear = Array.from({ length: CHECKED_NUMBERS - CHECKED_BLOCKED - CHECKED_AGAIN }, (_, index) => `+90546${String(1_000_000 + index).slice(-7)}`);
  const again = clear.slice(0, CHECKED_AGAIN).map((number) => `0${number.slice(3)}`);
  return [...blocked, ...clear, ...again];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

interface Requests {
  reports: number;
  report: number;
  blacklist: number;
  inbox: number;
  balance: number;
}

function requestsOf(api: SimulatedApi, from: number, to = api.requests.length): Requests {
  const made = api.requests.slice(from, to);
  const count = (endpoint: string) => made.filter((request) => request.endpoint === endpoint).length;
  return { reports: count('get-reports'), report: count('get-report'), blacklist: count('get-blacklist'), inbox: count('get-inbox'), balance: count('get-balance') };
}


export interface SupportDeskRow {
  label: string;
  requests: Requests;
  /** Requests the minimal work takes, endpoint by endpoint. */
  minimal: Requests;
  medianWallMs: number;
  floorMs: number;
  wallOverFloor: number;
  /** Every run made the minimal requests (get-reports: at most one a window more, for pages read ahead) and answered exactly. */
  exact: boolean;
}

/** The recipients' floor: every order's chain of get-report pages, c at a time. */
function recipientsFloorMs(orders: readonly Order[], settings: SupportDeskSettings): { requests: number; floorMs: number } {
  const requests = orders.reduce((sum, order) => sum + reportChain(order), 0);
  const longest = Math.max(0, ...orders.map(reportChain));
  return { requests, floorMs: Math.max(longest, Math.ceil(requests / settings.concurrency)) * settings.latencyMs };
}

/**
 * A warm call's scan: only the windows the final-window cache cannot hold (their last day within
 * 2 days of today, or anything waiting in them) are read again.
 */
function warmScan(floors: Floors, orders: readonly Order[], end: Day, settings: SupportDeskSettings): { requests: number; windows: number; floorMs: number } {
  const fresh = floors.windows.filter(
    (window) => window.end >= shiftDays(end, -2) || orders.some((order) => order.submitAt.slice(0, 10) >= window.start && order.submitAt.slice(0, 10) <= window.end && (order.waiting > 0 || order.status === 113)),
  );
  const requests = fresh.reduce((sum, window) => sum + window.requests, 0);
  const longest = Math.max(0, ...fresh.map((window) => window.requests));
  return { requests, windows: fresh.length, floorMs: Math.max(longest, Math.ceil(requests / settings.concurrency)) * settings.latencyMs };
}

interface Run {
  wallMs: number;
  requests: Requests;
  answer: unknown;
}

/** Asks each fresh server the question twice: cold, then warm. */
async function coldAndWarm(api: SimulatedApi, settings: SupportDeskSettings, ask: (server: SpawnedServer) => Promise<{ wallMs: number; answer: unknown }>): Promise<Array<[Run, Run]>> {
  const runs: Array<[Run, Run]> = [];
  for (let repeat = 0; repeat < settings.repeats; repeat += 1) {
    const server = await spawnServer({ baseUrl: api.baseUrl, concurrency: settings.concurrency, maxRangeDays: 366 });
    try {
      await server.client.listTools();
      const before = api.requests.length;
      const cold = await ask(server);
      const middle = api.requests.length;
      const warm = await ask(server);
      runs.push([
        { ...cold, requests: requestsOf(api, before, middle) },
        { ...warm, requests: requestsOf(api, middle) },
      ]);
    } finally {
      await server.close();
    }
  }
  return runs;
}

/** The minimal requests, but for get-reports pages read ahead past a window's end: at most one a window. */
function minimalWithReadAhead(made: Requests, minimal: Requests, windows: number): boolean {
  const { reports, ...rest } = made;
  const { reports: fewest, ...expected } = minimal;
  return reports >= fewest && reports <= fewest + windows && JSON.stringify(rest) === JSON.stringify(expected);
}

function row(label: string, runs: Run[], minimal: Requests, windows: number, floorMs: number, right: (answer: unknown) => boolean): SupportDeskRow {
  const medianWallMs = median(runs.map((run) => run.wallMs));
  return {
    label,
    requests: runs[0]?.requests ?? minimal,
    minimal,
    medianWallMs,
    floorMs,
    wallOverFloor: medianWallMs / floorMs,
    exact: runs.every((run) => minimalWithReadAhead(run.requests, minimal, windows) && right(run.answer)),
  };
}

export async function benchSupportDesk(orders: Order[], ordersByDay: Map<Day, number>, settings: SupportDeskSettings, log: (message: string) => void): Promise<SupportDeskRow[]> {
  const end = today(() => new Date());
  const range: DayRange = { start: shiftDays(end, -(TRACE_DAYS - 1)), end };
  const inRange = orders.filter((order) => order.submitAt.slice(0, 10) >= range.start && order.submitAt.slice(0, 10) <= range.end);
  const api = await startSimulatedApi({
    account: { orders, inbox: inbox(end), blacklist: blacklist() },
    credentials: BENCH_CREDENTIALS,
    pageSize: settings.pageSize,
    latencyMs: settings.latencyMs,
  });
  try {
    const blacklistChain = Math.ceil(BLACKLIST_SIZE / BLACKLIST_ROWS) + 1;
    const scan = computeFloors(range, ordersByDay, settings);
    const recipients = recipientsFloorMs(inRange, settings);
    const traced = (answer: unknown) => {
      const data = answer as { ordersToNumber?: number; ordersRead?: number; blacklisted?: boolean; lastOptOut?: unknown; complete?: boolean };
      return data.ordersToNumber === inRange.length && data.ordersRead === inRange.length && data.blacklisted === false && data.lastOptOut !== null && data.complete === true;
    };

    log(`trace_number over ${TRACE_DAYS} days, cold and warm…`);
    const traces = await coldAndWarm(api, settings, async (server) => {
      const call = await callTool(server, 'trace_number', { number: TRACED, ...range, limit: 10 });
      return { wallMs: call.wallMs, answer: call.structured };
    });
    const warm = warmScan(scan, inRange, end, settings);
    // The recipients of final orders come from the recipient cache the cold call filled.
    const warmRecipients = recipientsFloorMs(inRange.filter((order) => !isFinalOrder(order, end)), settings);
    // The blacklist and the inbox run beside the orders: the floor is the longer of the two paths.
    const traceCold = row(
      `trace_number ${TRACE_DAYS} d, cold`,
      traces.map(([cold]) => cold),
      { reports: scan.requests, report: recipients.requests, blacklist: blacklistChain, inbox: 1, balance: 0 },
      scan.windows.length,
      Math.max(scan.floorMs + recipients.floorMs, blacklistChain * settings.latencyMs),
      traced,
    );
    const traceWarm = row(
      `trace_number ${TRACE_DAYS} d, warm`,
      traces.map(([, second]) => second),
      { reports: warm.requests, report: warmRecipients.requests, blacklist: 0, inbox: 1, balance: 0 },
      warm.windows,
      warm.floorMs + warmRecipients.floorMs,
      traced,
    );

    log(`check_blacklist with ${CHECKED_NUMBERS} numbers, cold and warm…`);
    const numbers = numbersToCheck();
    const checked = (answer: unknown) => {
      const data = answer as { blocked?: string[]; clear?: number; folded?: number; blacklistSize?: number };
      return data.blocked?.length === CHECKED_BLOCKED && data.clear === CHECKED_NUMBERS - CHECKED_BLOCKED - CHECKED_AGAIN && data.folded === CHECKED_AGAIN && data.blacklistSize === BLACKLIST_SIZE;
    };
    const checks = await coldAndWarm(api, settings, async (server) => {
      const call = await callTool(server, 'check_blacklist', { numbers });
      return { wallMs: call.wallMs, answer: call.structured };
    });
    const none = { reports: 0, report: 0, blacklist: 0, inbox: 0, balance: 0 };
    const checkCold = row(
      `check_blacklist ${CHECKED_NUMBERS}, cold`,
      checks.map(([cold]) => cold),
      { ...none, blacklist: blacklistChain },
      0,
      blacklistChain * settings.latencyMs,
      checked,
    );
    // Answered from the walk of the first call: no request at all, so no latency floor either.
    const checkWarm = row(`check_blacklist ${CHECKED_NUMBERS}, warm`, checks.map(([, second]) => second), none, 0, Number.NaN, checked);
    return [traceCold, traceWarm, checkCold, checkWarm];
  } finally {
    await api.close();
  }
}
