import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { InboxMessage, Order } from '../api/schemas.js';
import type { Credentials } from '../config.js';
import { inclusiveDays, isCalendarDay } from '../reporting/calendar.js';
import { MAX_WINDOW_DAYS } from '../reporting/date-range.js';
import { hashString, seededRandom } from './random.js';

/**
 * A simulated iletiMerkezi API on 127.0.0.1: strict where the real one is strict (401 on wrong
 * credentials, 458 past 10 days, empty pages past the end), with optional latency, seeded
 * faults and hand-written answers. Tests and the demo account both run on it.
 */

export interface SimulatedAccount {
  orders: Order[];
  inbox: InboxMessage[];
  /** What get-inbox reports as totalRows; by default the number of inbox messages. */
  inboxTotalRows?: number;
}

export const FAULT_KINDS = ['http-503', 'reset', 'html-502', 'truncated', 'rate-limit', 'stall'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultPlan {
  /** Share of requests that fail, from 0 to 1. */
  rate: number;
  kinds: readonly FaultKind[];
  seed: number;
  /**
   * How many times one request (same endpoint, window and page) may fail before it is let
   * through; Infinity makes an outage.
   */
  maxPerRequest?: number;
  retryAfterSeconds?: number;
}

export interface SimulatedRequest {
  endpoint: 'get-reports' | 'get-inbox';
  start?: string;
  end?: string;
  page?: number;
}

export interface LoggedRequest extends SimulatedRequest {
  /** Milliseconds since the simulator started. */
  at: number;
  fault?: FaultKind;
}

/** A hand-written answer; `body` is sent as is when it is a string, else as JSON. */
export interface ScriptedResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface SimulatorOptions {
  account: SimulatedAccount;
  credentials: Credentials;
  pageSize?: number;
  latencyMs?: number;
  /** Most inbox messages one get-inbox returns, to simulate a partial inbox. */
  inboxRowLimit?: number;
  /** Serve counters and ids as digit strings, and a lone inbox message as an object, like drifting APIs do. */
  drift?: boolean;
  /** Every page number answers with page 1: a server that repeats itself forever. */
  repeatPages?: boolean;
  faults?: FaultPlan;
  /** Serve https with this key and certificate, as the real API does; plain http without. */
  tls?: { key: string; cert: string };
  /** Answers a request by hand when it returns a response; runs after the credential check. */
  script?: (request: SimulatedRequest) => ScriptedResponse | undefined;
}

export interface SimulatedApi {
  baseUrl: string;
  requests: LoggedRequest[];
  /** Most requests that were in flight at the same time. */
  peakInFlight(): number;
  close(): Promise<void>;
}

const OK = { code: 200, message: 'İşlem başarılı' };

function envelope(code: number, message: string, fields: object = {}) {
  return { response: { status: { code, message }, ...fields } };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

/** Orders grouped by submission day, each day sorted by time then id, for fast window reads. */
function indexByDay(orders: Order[]): Map<string, Order[]> {
  const days = new Map<string, Order[]>();
  for (const order of orders) {
    const day = order.submitAt.slice(0, 10);
    const list = days.get(day);
    if (list) list.push(order);
    else days.set(day, [order]);
  }
  for (const list of days.values()) {
    list.sort((a, b) => (a.submitAt < b.submitAt ? -1 : a.submitAt > b.submitAt ? 1 : a.id - b.id));
  }
  return days;
}

/** A window's orders in page order, built once per window: the account never changes. */
function windowReader(index: Map<string, Order[]>): (start: string, end: string) => Order[] {
  const days = [...index.keys()].sort();
  const windows = new Map<string, Order[]>();
  return (start, end) => {
    const key = `${start}|${end}`;
    let orders = windows.get(key);
    if (!orders) {
      orders = days.filter((day) => day >= start && day <= end).flatMap((day) => index.get(day) ?? []);
      windows.set(key, orders);
    }
    return orders;
  };
}

interface Answer {
  status: number;
  body: unknown;
}

function stringified(order: Order): Record<string, unknown> {
  return Object.fromEntries(Object.entries(order).map(([key, value]) => [key, typeof value === 'number' ? String(value) : value]));
}

export async function startSimulatedApi(options: SimulatorOptions): Promise<SimulatedApi> {
  const pageSize = options.pageSize ?? 30;
  const windowOrders = windowReader(indexByDay(options.account.orders));
  const requests: LoggedRequest[] = [];
  const faultCounts = new Map<string, number>();
  const seenCounts = new Map<string, number>();
  const started = performance.now();
  let inFlight = 0;
  let peak = 0;
  const stalled = new Set<ServerResponse>();

  const pickFault = (request: SimulatedRequest): FaultKind | undefined => {
    const plan = options.faults;
    if (!plan || plan.rate <= 0 || plan.kinds.length === 0) return undefined;
    const key = `${request.endpoint}:${request.start ?? ''}:${request.end ?? ''}:${request.page ?? ''}`;
    const seen = seenCounts.get(key) ?? 0;
    seenCounts.set(key, seen + 1);
    const failed = faultCounts.get(key) ?? 0;
    if (failed >= (plan.maxPerRequest ?? 2)) return undefined;
    const random = seededRandom(hashString(`${plan.seed}|${key}|${seen}`));
    if (random() >= plan.rate) return undefined;
    faultCounts.set(key, failed + 1);
    return plan.kinds[Math.floor(random() * plan.kinds.length)];
  };

  const injectFault = (fault: FaultKind, response: ServerResponse, plan: FaultPlan, answer: () => Answer): void => {
    switch (fault) {
      case 'http-503':
        return sendJson(response, 503, envelope(503, 'Servis geçici olarak kullanılamıyor'));
      case 'html-502':
        response.writeHead(502, { 'content-type': 'text/html' });
        return void response.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
      case 'truncated': {
        // The real answer, cut off partway: some orders arrive whole before the body breaks.
        const text = JSON.stringify(answer().body);
        return sendJson(response, 200, text.slice(0, Math.floor(text.length * 0.6)));
      }
      case 'rate-limit':
        response.writeHead(429, { 'content-type': 'text/plain', 'retry-after': String(plan.retryAfterSeconds ?? 1) });
        return void response.end('Too Many Requests');
      case 'reset':
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': '4096' });
        response.write('{"response":{"status":{"code":200,');
        setTimeout(() => response.socket?.destroy(), 5);
        return;
      case 'stall':
        stalled.add(response);
        response.on('close', () => stalled.delete(response));
        return;
    }
  };

  const reports = (filter: Record<string, unknown>): Answer => {
    const { start, end } = filter;
    const page = filter.page ?? 1;
    if (typeof start !== 'string' || typeof end !== 'string' || !isCalendarDay(start) || !isCalendarDay(end) || start > end) {
      return { status: 458, body: envelope(458, 'Tarih aralığı hatalı') };
    }
    if (inclusiveDays(start, end) > MAX_WINDOW_DAYS) return { status: 458, body: envelope(458, 'Tarih aralığı hatalı') };
    if (typeof page !== 'number' || !Number.isInteger(page) || page < 1) {
      return { status: 464, body: envelope(464, 'Sayfa numarası 1 den başlamalıdır') };
    }
    const from = ((options.repeatPages ? 1 : page) - 1) * pageSize;
    const orders = windowOrders(start, end).slice(from, from + pageSize);
    return { status: 200, body: envelope(200, OK.message, { count: orders.length, orders: options.drift ? orders.map(stringified) : orders }) };
  };

  const inbox = (): Answer => {
    const all = options.account.inbox;
    const rows = all.slice(0, options.inboxRowLimit ?? all.length);
    const totalRows = String(options.account.inboxTotalRows ?? all.length);
    const order = options.drift && rows.length === 1 ? rows[0] : rows;
    return { status: 200, body: envelope(200, OK.message, { orders: { totalRows, order } }) };
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const text = await readBody(request);
    let body: { request?: { authentication?: Partial<Credentials>; filter?: Record<string, unknown> } };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      return sendJson(response, 400, envelope(400, 'İstek okunamadı'));
    }
    const endpoint = /\/(get-reports|get-inbox)\/json$/.exec(request.url ?? '')?.[1] as SimulatedRequest['endpoint'] | undefined;
    if (request.method !== 'POST' || !endpoint) return sendJson(response, 404, envelope(404, 'Geçersiz API metodu'));
    const filter = body.request?.filter ?? {};
    const simulated: SimulatedRequest =
      endpoint === 'get-reports'
        ? { endpoint, start: String(filter.start), end: String(filter.end), page: Number(filter.page ?? 1) }
        : { endpoint };
    const logged: LoggedRequest = { ...simulated, at: performance.now() - started };
    requests.push(logged);
    if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
    const auth = body.request?.authentication;
    if (auth?.key !== options.credentials.key || auth?.hash !== options.credentials.hash) {
      return sendJson(response, 401, envelope(401, 'Üyelik bilgileri hatalı'));
    }
    const answer = () => (endpoint === 'get-reports' ? reports(filter) : inbox());
    const fault = pickFault(simulated);
    if (fault && options.faults) {
      logged.fault = fault;
      return injectFault(fault, response, options.faults, answer);
    }
    const scripted = options.script?.(simulated);
    if (scripted) return sendJson(response, scripted.status, scripted.body, scripted.headers);
    const normal = answer();
    return sendJson(response, normal.status, normal.body);
  };

  const onRequest = (request: IncomingMessage, response: ServerResponse): void => {
    inFlight += 1;
    peak = Math.max(peak, inFlight);
    response.on('close', () => {
      inFlight -= 1;
    });
    handle(request, response).catch(() => {
      if (!response.headersSent) sendJson(response, 500, envelope(500, 'Sunucu hatası'));
    });
  };
  const server: Server = options.tls ? createTlsServer(options.tls, onRequest) : createServer(onRequest);
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}/v1`,
    requests,
    peakInFlight: () => peak,
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of stalled) response.socket?.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
