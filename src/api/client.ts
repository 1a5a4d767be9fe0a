import { Agent } from 'undici';
import type * as z from 'zod';
import type { Credentials } from '../config.js';
import { MISSING_CREDENTIALS_MESSAGE } from '../config.js';
import { ConfigurationError, UpstreamError } from '../errors.js';
import { type Logger, silentLogger } from '../log.js';
import { ConcurrencyLimiter } from './limiter.js';
import { type Inbox, type Order, describeIssues, inboxResponseSchema, reportsResponseSchema } from './schemas.js';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_RETRY_POLICY, type RetryPolicy, Transport } from './transport.js';

export type { Inbox, InboxMessage, Order } from './schemas.js';

/** The two read endpoints, as the reporting domain sees them. */
export interface IletimerkeziApi {
  /** One page of get-reports for a window of at most 10 days; an empty list means past the end. */
  fetchOrdersPage(window: { start: string; end: string }, page: number, signal?: AbortSignal): Promise<Order[]>;
  fetchInbox(signal?: AbortSignal): Promise<Inbox>;
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
    this.agent = new Agent({ connections: options.concurrency, keepAliveTimeout: 10_000, pipelining: 1 });
    this.transport = new Transport({
      dispatcher: this.agent,
      limiter: new ConcurrencyLimiter(options.concurrency),
      timeoutMs: options.timeoutMs,
      retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
      maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      logger: options.logger ?? silentLogger,
      random: options.random ?? Math.random,
      mayQuote: (text) => !options.credentials || (!text.includes(options.credentials.key) && !text.includes(options.credentials.hash)),
    });
  }

  async fetchOrdersPage(window: { start: string; end: string }, page: number, signal?: AbortSignal): Promise<Order[]> {
    const body = await this.call(
      'get-reports',
      { filter: { start: window.start, end: window.end, page } },
      `get-reports ${window.start}..${window.end} page ${page}`,
      signal,
    );
    return this.validate(reportsResponseSchema, body, 'get-reports').response.orders;
  }

  async fetchInbox(signal?: AbortSignal): Promise<Inbox> {
    const body = await this.call('get-inbox', {}, 'get-inbox', signal);
    const { orders } = this.validate(inboxResponseSchema, body, 'get-inbox').response;
    return { totalRows: orders.totalRows, messages: orders.order };
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private call(endpoint: string, fields: object, label: string, signal: AbortSignal | undefined): Promise<unknown> {
    const { credentials } = this.options;
    if (!credentials) throw new ConfigurationError(MISSING_CREDENTIALS_MESSAGE);
    const payload = JSON.stringify({ request: { authentication: { key: credentials.key, hash: credentials.hash }, ...fields } });
    return this.transport.post(`${this.options.baseUrl}/${endpoint}/json`, payload, label, signal);
  }

  private validate<S extends z.ZodType>(schema: S, body: unknown, endpoint: string): z.infer<S> {
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new UpstreamError(
        'invalid-response',
        `The iletiMerkezi ${endpoint} response did not match its documented shape: ${describeIssues(parsed.error)}. ` +
          'Nothing was counted from it. The API may have changed; please report this to iletimerkezi-mcp.',
      );
    }
    return parsed.data;
  }
}
