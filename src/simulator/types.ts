import type { InboxMessage, Order, WireInboxMessage } from '../api/schemas.js';
import type { Credentials } from '../config.js';

/**
 * What a simulated account holds and how the fake may be asked to misbehave. Kept apart from
 * the server so that each endpoint module can read the options without importing the server.
 */

/**
 * The account the fake serves. Inbox messages may be written as the wire sends them (numeric
 * ids, null texts), so a test can serve mixed ids as data; the default keeps the parsed form,
 * which is what fixtures compare answers against.
 */
export interface SimulatedAccount<Message extends WireInboxMessage = InboxMessage> {
  orders: Order[];
  inbox: Message[];
  /** What get-inbox reports as totalRows; by default the number of inbox messages. */
  inboxTotalRows?: number;
  /**
   * Each order's recipients as get-report sends them, numbers in whatever form the account
   * writes them. Called again whenever the fake needs them, so it must answer the same every
   * time. Without it, every order gets recipients made up from its counters.
   */
  recipients?: (order: Order) => readonly WireRecipient[];
  /** The blocked numbers, each with when it was blocked (`YYYY-MM-DD HH:MM:SS`, Istanbul). */
  blacklist?: readonly BlacklistEntry[];
  /** What get-balance answers; both strings, as the docs show them. By default nothing is left. */
  balance?: { amount: string; sms: string };
}

/** One row of get-report's `message` list. */
export interface WireRecipient {
  number: string | number;
  /** 110 waiting, 111 delivered, 112 undelivered. */
  status: number;
}

export interface BlacklistEntry {
  number: string;
  at: string;
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
  /**
   * Only get-report requests for these orders may fail, every other request goes through: one
   * order the API keeps failing on while the rest read fine.
   */
  orders?: readonly number[];
}

export const ENDPOINT_NAMES = ['get-reports', 'get-inbox', 'get-report', 'get-blacklist', 'get-balance'] as const;
export type EndpointName = (typeof ENDPOINT_NAMES)[number];
/** The endpoints that take a `page`; get-inbox has none. */
export type PagedEndpointName = Extract<EndpointName, 'get-reports' | 'get-report' | 'get-blacklist'>;

export interface SimulatedRequest {
  endpoint: EndpointName;
  start?: string;
  end?: string;
  page?: number;
  /** get-report's order id. */
  order?: number;
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

/** One get-reports window as the request named it: both ends are real days, start <= end. */
export interface ReportsWindow {
  start: string;
  end: string;
}

export interface SimulatorOptions {
  account: SimulatedAccount<WireInboxMessage>;
  credentials: Credentials;
  pageSize?: number;
  latencyMs?: number;
  /** Most inbox messages one get-inbox returns, to simulate a partial inbox. */
  inboxRowLimit?: number;
  /** Serve counters and ids as digit strings, and a lone inbox message as an object, like drifting APIs do. */
  drift?: boolean;
  /**
   * These endpoints answer every page number with page 1, as a server that ignores `page`
   * would: get-reports its first orders, get-report an order's first recipients, get-blacklist
   * its first numbers, again and again, never an empty page.
   */
  ignoresPage?: readonly PagedEndpointName[];
  /**
   * get-report refuses these orders with this code whatever their times say, though get-reports
   * lists them: 455 for an order that has not moved from waiting to sending, 456 for one the
   * API's own clock still holds as scheduled.
   */
  withheldOrders?: Readonly<Record<number, 455 | 456>>;
  /**
   * The blacklist also holds every number a second time, after all the others, in the other
   * spelling the docs show (`5321234567` for `+905321234567` and back): an account whose numbers
   * were blocked once in the panel and once more by an import.
   */
  respelledBlacklist?: boolean;
  /**
   * What get-blacklist answers as `count`, whatever the list holds: the docs call it the total,
   * FACTS.md says not to trust it, and this makes it wrong (too small, too large, not a number).
   */
  blacklistCount?: string;
  /**
   * Each window also serves the orders of the day before `start` and the day after `end`, so an
   * order on a window's edge day reaches the client twice, once from each neighbouring window,
   * and the first and last windows of a range carry orders from outside it. Whether the API
   * filters on the day or on a moment with a time-zone slip is undocumented; a client must
   * count such an order once and only inside the range it was asked about.
   */
  crossWindowDuplicates?: boolean;
  /**
   * Every window answers with the whole account, paged, as an API that ignores the filter's
   * values would. The filter is still checked (458 past 10 days), because the client's
   * windowing must stay correct whatever the server does with a valid filter.
   */
  ignoreDateFilter?: boolean;
  /**
   * Orders served in a window beyond the account's own, whatever their submitAt says: an
   * August order in a September window, or an impossible timestamp such as 2026-09-31, which
   * sorts between real days and so falls in no window a client asks for. Called once per
   * distinct window (the answer is kept, like the rest of the window); merged into the window's
   * list in submitAt-then-id order before paging.
   */
  extraOrders?: (window: ReportsWindow) => readonly Order[];
  /**
   * Rows per get-report and get-blacklist page whatever rowCount asks, as a server with its own
   * page size would serve; by default rowCount's (1000 unless asked for fewer).
   */
  rowPageSize?: number;
  /** get-report as the older docs show it: the order's id, status and messages only, no counters or times. */
  legacyReport?: boolean;
  /** The fake's clock, for the scheduled orders get-report refuses with 456 until their send time; the real time by default. */
  now?: () => Date;
  faults?: FaultPlan;
  /**
   * Answers 429 (with Retry-After: 0) to a request that arrives while this many are already in
   * flight: an API that is polite until a client pushes too hard.
   */
  rateLimitAbove?: number;
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
  /**
   * From now on the account's key and hash get 401, as the real API answers once the panel
   * revokes them or turns API access off: every request is still logged.
   */
  revokeCredentials(): void;
  close(): Promise<void>;
}
