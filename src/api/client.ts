import type * as z from 'zod';
import { ConfigurationError, UpstreamError } from '../errors.js';
import { type Logger, silentLogger } from '../log.js';
import { type CredentialSource, type LoneCredential, authGuidance, missingCredentialsMessage } from './panel.js';
import { ConcurrencyLimiter } from './limiter.js';
import { revealsCredential } from './secrets.js';
import { InboxReader } from './inbox-body.js';
import { OrderList, type OrderSink, OrdersPageReader } from './orders-page.js';
import {
  type Balance,
  type Inbox,
  type InboxMessage,
  type Order,
  type ReportPage,
  type ServedNumber,
  balanceResponseSchema,
  blacklistResponseSchema,
  describeIssues,
  inboxResponseSchema,
  reportResponseSchema,
  reportsResponseSchema,
} from './schemas.js';
import { type BodyReader, wholeJsonBody } from './body-reader.js';
import type { RetryPolicy, SuccessfulRead, Transport } from './transport.js';

export type { OrderSink } from './orders-page.js';
export type { Balance, Inbox, InboxMessage, Order, ReportMessage, ReportPage, ServedNumber } from './schemas.js';
export type { PhoneNumber } from './phone-number.js';
export { servedKey } from './schemas.js';

/** The read endpoints, as the reporting domain sees them. */
export interface IletimerkeziApi {
  /**
   * Reads one page of get-reports for a window of at most 10 days, handing its orders to a sink
   * from `open` as they arrive. Each attempt gets a fresh sink; the one returned, committed, is
   * the sink of the attempt that succeeded, so a failed attempt leaves nothing counted. No orders
   * means past the end.
   */
  readOrdersPage<S extends OrderSink>(window: DayWindow, page: number, open: () => S, signal?: AbortSignal): Promise<S>;
  /**
   * Reads the whole inbox (get-inbox has no paging), handing each message to `keep` as soon as
   * it is read and holding only what `keep` returns: a message's text may run to tens of
   * kilobytes, and what a caller needs of it is often much less.
   */
  fetchInbox<T>(keep: (message: InboxMessage) => T, signal?: AbortSignal): Promise<Inbox<T>>;
  /**
   * One page of get-report: an order's recipients, numbers normalized. Undefined when the API
   * sent no order at all, which past the last page some versions may do.
   */
  readReportPage(orderId: number, page: number, signal?: AbortSignal): Promise<ReportPage | undefined>;
  /** One page of get-blacklist, numbers as served (normalize them to compare); no numbers means past the end. */
  readBlacklistPage(page: number, signal?: AbortSignal): Promise<ServedNumber[]>;
  fetchBalance(signal?: AbortSignal): Promise<Balance>;
  /** How many requests the client runs at once; a scan reads ahead no further than this. */
  readonly concurrency?: number;
}

/** The largest page get-report and get-blacklist serve, and the size asked for. */
export const MAX_ROW_COUNT = 1000;

/** The days of one get-reports filter, both inclusive. */
export interface DayWindow {
  start: string;
  end: string;
}

/** The one way a window is named as a key. */
export function windowKey(window: DayWindow): string {
  return `${window.start}|${window.end}`;
}

/** One page of orders as a list, for callers that want the orders themselves. */
export async function fetchOrdersPage(api: IletimerkeziApi, window: DayWindow, page: number, signal?: AbortSignal): Promise<Order[]> {
  return (await api.readOrdersPage(window, page, () => new OrderList(), signal)).orders;
}

export interface Credentials {
  key: string;
  hash: string;
}

export interface ClientOptions {
  baseUrl: string;
  credentials: Credentials | undefined;
  timeoutMs: number;
  concurrency: number;
  retry?: Partial<RetryPolicy>;
  maxBodyBytes?: number;
  logger?: Logger;
  random?: () => number;
  /** Where the credentials came from, for the guidance after a 401; the environment by default. */
  credentialSource?: CredentialSource;
  /** The one credential set when `credentials` is missing the other, for the message that names it. */
  loneCredential?: LoneCredential | undefined;
}

interface EndpointCall<R extends BodyReader> {
  endpoint: string;
  /** The request's fields beside the authentication block. */
  fields: object;
  label: string;
  signal: AbortSignal | undefined;
  openReader: () => R;
}

/** A get-reports page as the API writes it, with one order: what `warmUp` reads. */
const SAMPLE_REPORTS_PAGE =
  '{"response":{"status":{"code":200,"message":"İşlem başarılı"},"count":1,"orders":[{"id":1,"status":114,"total":1,' +
  '"delivered":1,"undelivered":0,"waiting":0,"submitAt":"2026-01-01 09:00:00","sendAt":"2026-01-01 09:00:00","sender":"ACME"}]}}';

/**
 * The one validated iletiMerkezi client every tool shares: auth envelope, retries, schemas. The
 * HTTP stack is the largest part of start-up and tools/list never needs it, so it loads on the
 * first call (or on `warmUp`); an endpoint is one method here and nothing forwards it elsewhere.
 */
export class IletimerkeziClient implements IletimerkeziApi {
  private transport: Promise<Transport> | undefined;
  private readonly limiter: ConcurrencyLimiter;

  constructor(private readonly options: ClientOptions) {
    const logger = options.logger ?? silentLogger;
    this.limiter = new ConcurrencyLimiter(options.concurrency, undefined, (limit, cause) => logger.debug(`concurrency ${limit} (${cause})`));
  }

  get concurrency(): number {
    return this.options.concurrency;
  }

  async readOrdersPage<S extends OrderSink>(window: DayWindow, page: number, open: () => S, signal?: AbortSignal): Promise<S> {
    const { body, reader } = await this.call({
      endpoint: 'get-reports',
      fields: { filter: { start: window.start, end: window.end, page } },
      label: `get-reports ${window.start}..${window.end} page ${page}`,
      signal,
      openReader: () => new OrdersPageReader(open()),
    });
    // The orders were lifted out of the body, so the schema checks the rest around an empty list.
    this.validate(reportsResponseSchema, body, 'get-reports');
    if (reader.problem !== undefined) throw this.invalid('get-reports', reader.problem);
    reader.sink.commit();
    return reader.sink;
  }

  async fetchInbox<T>(keep: (message: InboxMessage) => T, signal?: AbortSignal): Promise<Inbox<T>> {
    const { body, reader } = await this.call({ endpoint: 'get-inbox', fields: {}, label: 'get-inbox', signal, openReader: () => new InboxReader(keep) });
    // The messages were lifted out of a list, which the schema sees empty; a lone message sent as an object stays for it.
    const { orders } = this.validate(inboxResponseSchema, body, 'get-inbox').response;
    if (reader.problem !== undefined) throw this.invalid('get-inbox', reader.problem);
    return { totalRows: orders.totalRows, messages: [...reader.messages, ...orders.order.map(keep)] };
  }

  async readReportPage(orderId: number, page: number, signal?: AbortSignal): Promise<ReportPage | undefined> {
    const body = await this.readJson('get-report', { order: { id: orderId, page, rowCount: MAX_ROW_COUNT } }, `get-report ${orderId} page ${page}`, signal);
    return this.validate(reportResponseSchema, body, 'get-report').response.order;
  }

  async readBlacklistPage(page: number, signal?: AbortSignal): Promise<ServedNumber[]> {
    const body = await this.readJson('get-blacklist', { blacklist: { page, rowCount: MAX_ROW_COUNT } }, `get-blacklist page ${page}`, signal);
    return this.validate(blacklistResponseSchema, body, 'get-blacklist').response.blacklist.number;
  }

  async fetchBalance(signal?: AbortSignal): Promise<Balance> {
    const body = await this.readJson('get-balance', {}, 'get-balance', signal);
    return this.validate(balanceResponseSchema, body, 'get-balance').response.balance;
  }

  /**
   * Prepares the first call while the client waits for its user, with no network call: loads
   * the HTTP stack, and reads a one-order page through the page reader and its schemas, which
   * V8 and zod compile on first use, a few milliseconds the first page would otherwise add.
   */
  warmUp(): void {
    this.open().catch(() => {});
    const reader = new OrdersPageReader(new OrderList());
    reader.write(Buffer.from(SAMPLE_REPORTS_PAGE));
    this.validate(reportsResponseSchema, reader.end(), 'get-reports');
    if (reader.problem !== undefined) throw this.invalid('get-reports', reader.problem);
  }

  async close(): Promise<void> {
    if (this.transport) (await this.transport).close();
  }

  private open(): Promise<Transport> {
    this.transport ??= import('./transport.js').then(({ DEFAULT_MAX_BODY_BYTES, DEFAULT_RETRY_POLICY, Transport, httpStackFor }) => {
      const { options } = this;
      const { credentials } = options;
      return new Transport({
        http: httpStackFor(options.baseUrl, options.concurrency),
        limiter: this.limiter,
        timeoutMs: options.timeoutMs,
        retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
        maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
        logger: options.logger ?? silentLogger,
        random: options.random ?? Math.random,
        mayQuote: (text) => !credentials || !revealsCredential(text, credentials),
        authGuidance: authGuidance(options.credentialSource ?? 'environment'),
      });
    });
    return this.transport;
  }

  /** A call whose whole body is read, then parsed. */
  private async readJson(endpoint: string, fields: object, label: string, signal: AbortSignal | undefined): Promise<unknown> {
    return (await this.call({ endpoint, fields, label, signal, openReader: wholeJsonBody })).body;
  }

  private async call<R extends BodyReader>(call: EndpointCall<R>): Promise<SuccessfulRead<R>> {
    const { credentials, baseUrl, credentialSource, loneCredential } = this.options;
    if (!credentials) throw new ConfigurationError(missingCredentialsMessage(credentialSource ?? 'environment', loneCredential));
    const payload = JSON.stringify({ request: { authentication: { key: credentials.key, hash: credentials.hash }, ...call.fields } });
    const transport = await this.open();
    return transport.post({ url: `${baseUrl}/${call.endpoint}/json`, payload, label: call.label, signal: call.signal, openReader: call.openReader });
  }

  private validate<S extends z.ZodType>(schema: S, body: unknown, endpoint: string): z.infer<S> {
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw this.invalid(endpoint, describeIssues(parsed.error));
    return parsed.data;
  }

  private invalid(endpoint: string, problem: string): UpstreamError {
    return new UpstreamError(
      'invalid-response',
      `The iletiMerkezi ${endpoint} response did not match its documented shape: ${problem}. ` +
        'Nothing was counted from it. The API may have changed; please report this to iletimerkezi-mcp.',
    );
  }
}
