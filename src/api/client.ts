import { Agent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type * as z from 'zod';
import type { Credentials } from '../config.js';
import { MISSING_CREDENTIALS_MESSAGE } from '../config.js';
import { ConfigurationError, UpstreamError } from '../errors.js';
import { type Logger, silentLogger } from '../log.js';
import { ConcurrencyLimiter } from './limiter.js';
import { type Inbox, type Order, describeIssues, inboxResponseSchema, reportsResponseSchema } from './schemas.js';
import { OrderList, type OrderPage, OrdersPageReader } from './orders-page.js';
import { type BodyReader, DEFAULT_MAX_BODY_BYTES, DEFAULT_RETRY_POLICY, type RetryPolicy, type SuccessfulRead, Transport, wholeJsonBody } from './transport.js';

export type { OrderPage } from './orders-page.js';
export type { Inbox, InboxMessage, Order } from './schemas.js';

/** The two read endpoints, as the reporting domain sees them. */
export interface IletimerkeziApi {
  /**
   * Reads one page of get-reports for a window of at most 10 days, handing its orders to a page
   * from `open` as they arrive. Each attempt gets a fresh page; the one returned is the page of the
   * attempt that succeeded, so a failed attempt leaves nothing counted. No orders means past the end.
   */
  readOrdersPage<P extends OrderPage>(window: DayWindow, page: number, open: () => P, signal?: AbortSignal): Promise<P>;
  fetchInbox(signal?: AbortSignal): Promise<Inbox>;
}

export interface DayWindow {
  start: string;
  end: string;
}

/** One page of orders as a list, for callers that want the orders themselves. */
export async function fetchOrdersPage(api: IletimerkeziApi, window: DayWindow, page: number, signal?: AbortSignal): Promise<Order[]> {
  return (await api.readOrdersPage(window, page, () => new OrderList(), signal)).orders;
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
}

/** The one validated iletiMerkezi client every tool shares: auth envelope, retries, schemas. */
export class IletimerkeziClient implements IletimerkeziApi {
  private readonly agent: Agent;
  private readonly transport: Transport;

  constructor(private readonly options: ClientOptions) {
    // An idle connection closes after 10 s, or sooner if the server's Keep-Alive header says so.
    const pool = { keepAlive: true, maxSockets: options.concurrency, timeout: 10_000 };
    this.agent = options.baseUrl.startsWith('https:') ? new HttpsAgent(pool) : new Agent(pool);
    this.transport = new Transport({
      agent: this.agent,
      limiter: new ConcurrencyLimiter(options.concurrency),
      timeoutMs: options.timeoutMs,
      retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
      maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      logger: options.logger ?? silentLogger,
      random: options.random ?? Math.random,
      mayQuote: (text) => !options.credentials || (!text.includes(options.credentials.key) && !text.includes(options.credentials.hash)),
    });
  }

  async readOrdersPage<P extends OrderPage>(window: DayWindow, page: number, open: () => P, signal?: AbortSignal): Promise<P> {
    const { body, reader } = await this.call(
      'get-reports',
      { filter: { start: window.start, end: window.end, page } },
      `get-reports ${window.start}..${window.end} page ${page}`,
      signal,
      () => new OrdersPageReader(open()),
    );
    // The orders were lifted out of the body, so the schema checks the rest around an empty list.
    this.validate(reportsResponseSchema, body, 'get-reports');
    if (reader.problem !== undefined) throw this.invalid('get-reports', reader.problem);
    return reader.page;
  }

  async fetchInbox(signal?: AbortSignal): Promise<Inbox> {
    const { body } = await this.call('get-inbox', {}, 'get-inbox', signal, wholeJsonBody);
    const { orders } = this.validate(inboxResponseSchema, body, 'get-inbox').response;
    return { totalRows: orders.totalRows, messages: orders.order };
  }

  async close(): Promise<void> {
    this.agent.destroy();
  }

  private call<R extends BodyReader>(
    endpoint: string,
    fields: object,
    label: string,
    signal: AbortSignal | undefined,
    reader: () => R,
  ): Promise<SuccessfulRead<R>> {
    const { credentials } = this.options;
    if (!credentials) throw new ConfigurationError(MISSING_CREDENTIALS_MESSAGE);
    const payload = JSON.stringify({ request: { authentication: { key: credentials.key, hash: credentials.hash }, ...fields } });
    return this.transport.post(`${this.options.baseUrl}/${endpoint}/json`, payload, label, signal, reader);
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
