import { type Agent, type ClientRequest, type IncomingMessage, type RequestOptions, request as httpRequest, Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { CancelledError, type ToolError, UpstreamError, type UpstreamDetails, errorCode } from '../errors.js';
import type { Logger } from '../log.js';
import type { BodyReader } from './body-reader.js';
import type { ConcurrencyLimiter, Feedback } from './limiter.js';
import { envelopeSchema } from './schemas.js';
import { describeStatus, isTransientStatus } from './status-codes.js';

export interface RetryPolicy {
  /** Attempts in all, the first one included. */
  attempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** The longest `Retry-After` honoured; a longer one is cut to this. */
  retryAfterCapMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 4,
  backoffBaseMs: 400,
  backoffMaxMs: 4_000,
  retryAfterCapMs: 10_000,
};

export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

/** One POST as the client asks for it; `openReader` makes a fresh reader for each attempt. */
export interface PostRequest<R extends BodyReader> {
  url: string;
  payload: string;
  /** Names the request in debug logs; never holds a credential. */
  label: string;
  signal: AbortSignal | undefined;
  openReader: () => R;
}

/** A JSON body whose `response.status.code` is 200, and the reader that read it. */
export interface SuccessfulRead<R extends BodyReader> {
  body: unknown;
  reader: R;
}

interface Retry extends UpstreamDetails {
  kind: 'retry';
  reason: string;
  retryAfterMs?: number | undefined;
  /** The system error behind a network failure, kept for the debug log. */
  cause?: unknown;
}

/** What one attempt comes to: data, a reason to try again, or a failure that retrying cannot fix. */
type Attempt<R extends BodyReader> = ({ kind: 'ok' } & SuccessfulRead<R>) | Retry | { kind: 'fail'; error: ToolError };

const fail = (error: ToolError) => ({ kind: 'fail', error }) as const;

/** The one place that tells http from https: the agent and the request function always match. */
export interface HttpStack {
  agent: Agent;
  request: (url: string, options: RequestOptions, onResponse: (response: IncomingMessage) => void) => ClientRequest;
}

export function httpStackFor(baseUrl: string, maxSockets: number): HttpStack {
  // An idle connection closes after 10 s, or sooner if the server's Keep-Alive header says so.
  const pool = { keepAlive: true, maxSockets, timeout: 10_000 };
  if (baseUrl.startsWith('https:')) {
    const agent = new HttpsAgent(pool);
    return { agent, request: (url, options, onResponse) => httpsRequest(url, { ...options, agent }, onResponse) };
  }
  const agent = new HttpAgent(pool);
  return { agent, request: (url, options, onResponse) => httpRequest(url, { ...options, agent }, onResponse) };
}

export interface TransportOptions {
  http: HttpStack;
  limiter: ConcurrencyLimiter;
  timeoutMs: number;
  retry: RetryPolicy;
  maxBodyBytes: number;
  logger: Logger;
  random: () => number;
  /**
   * Whether the API's own message may be quoted in an error. An API can echo the request, so a
   * message that contains a credential is left out whole rather than masked.
   */
  mayQuote: (text: string) => boolean;
  /** What to check after a 401 or 403, naming where the credentials came from. */
  authGuidance: string;
}

class BodyTooLarge extends Error {}

function retryAfterMs(header: string | string[] | undefined, now: number): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** What a finished exchange looked like, for `classify`. */
interface Exchange<R extends BodyReader> {
  httpStatus: number;
  retryAfterMs: number | undefined;
  /** The parsed body, or undefined when it was not JSON. */
  json: unknown;
  reader: R;
}

/**
 * POSTs JSON to one endpoint with bounded, jittered retries of transient failures. Only the
 * HTTP attempt itself holds a concurrency slot: backoff waits free it for other work.
 */
export class Transport {
  constructor(private readonly options: TransportOptions) {}

  close(): void {
    this.options.http.agent.destroy();
  }

  async post<R extends BodyReader>(request: PostRequest<R>): Promise<SuccessfulRead<R>> {
    const { retry, limiter } = this.options;
    let last: Retry | undefined;
    for (let attempt = 1; attempt <= retry.attempts; attempt += 1) {
      if (last) await this.backOff(attempt - 1, last.retryAfterMs, request.signal);
      const outcome = await limiter.run(request.signal, () => this.attempt(request, attempt), feedbackOf);
      if (outcome.kind === 'ok') return outcome;
      if (outcome.kind === 'fail') throw outcome.error;
      last = outcome;
    }
    throw this.exhausted(last);
  }

  private exhausted(last: Retry | undefined): UpstreamError {
    const { attempts } = this.options.retry;
    const kind = last?.apiCode !== undefined ? 'api-status' : last?.httpStatus !== undefined ? 'http-status' : 'network';
    return new UpstreamError(
      kind,
      `The iletiMerkezi API kept failing: ${last?.reason ?? 'unknown failure'} after ${attempts} attempts. ` +
        'It may be down or overloaded; try again in a few minutes.',
      { attempts, apiCode: last?.apiCode, httpStatus: last?.httpStatus },
      { cause: last?.cause },
    );
  }

  private async backOff(retryNumber: number, retryAfter: number | undefined, signal: AbortSignal | undefined): Promise<void> {
    const { retry, random } = this.options;
    const ceiling = Math.min(retry.backoffMaxMs, retry.backoffBaseMs * 2 ** (retryNumber - 1));
    const backoff = ceiling / 2 + random() * (ceiling / 2);
    const delay = retryAfter === undefined ? backoff : Math.min(retry.retryAfterCapMs, retryAfter);
    try {
      await sleep(delay, undefined, { signal });
    } catch {
      throw new CancelledError();
    }
  }

  /** One HTTP exchange under its own timeout, and one debug line about it: kind and codes, never text. */
  private async attempt<R extends BodyReader>(request: PostRequest<R>, attempt: number): Promise<Attempt<R>> {
    const { signal } = request;
    if (signal?.aborted) return fail(new CancelledError());
    const { timeoutMs, logger } = this.options;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    const forwardAbort = () => timeout.abort();
    signal?.addEventListener('abort', forwardAbort, { once: true });
    const started = performance.now();
    let outcome: Attempt<R>;
    try {
      outcome = this.classify(await this.exchange(request, timeout.signal));
    } catch (error) {
      if (signal?.aborted) outcome = fail(new CancelledError());
      else if (error instanceof BodyTooLarge) outcome = fail(this.tooLarge());
      else if (timeout.signal.aborted) outcome = { kind: 'retry', reason: `no complete answer within ${timeoutMs} ms` };
      else outcome = { kind: 'retry', reason: `network error (${errorCode(error) ?? 'connection failed'})`, cause: error };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', forwardAbort);
    }
    logger.debug(`${request.label} attempt ${attempt}: ${describeOutcome(outcome)} in ${Math.round(performance.now() - started)} ms`);
    return outcome;
  }

  private async exchange<R extends BodyReader>(request: PostRequest<R>, signal: AbortSignal): Promise<Exchange<R>> {
    const response = await this.send(request, signal);
    const reader = request.openReader();
    const json = await this.readCapped(response, reader);
    return {
      httpStatus: response.statusCode ?? 0,
      retryAfterMs: retryAfterMs(response.headers['retry-after'], Date.now()),
      json,
      reader,
    };
  }

  /**
   * The one rule for success and for retry. Success is HTTP 2xx with body code 200. 429 and 5xx
   * are transient whatever the body says; 401 and 403 are about credentials whatever the body
   * says; a redirect is never followed. Otherwise the body's code wins over the HTTP status.
   */
  private classify<R extends BodyReader>(exchange: Exchange<R>): Attempt<R> {
    const { httpStatus, json, reader } = exchange;
    const envelope = json === undefined ? undefined : envelopeSchema.safeParse(json);
    const status = envelope?.success ? envelope.data.response.status : undefined;
    if (httpStatus === 429 || httpStatus >= 500) return this.transient(exchange, status?.code);
    if ((httpStatus === 401 || httpStatus === 403) && status?.code !== 401 && status?.code !== 403) {
      return fail(
        new UpstreamError('http-status', `iletiMerkezi API error: HTTP ${httpStatus}, authentication failed. ${this.options.authGuidance}`, {
          httpStatus,
        }),
      );
    }
    if (httpStatus >= 300 && httpStatus < 400) {
      return fail(
        new UpstreamError(
          'http-status',
          `The iletiMerkezi API answered with a redirect (HTTP ${httpStatus}), which this server never follows. ` +
            'Check ILETIMERKEZI_BASE_URL; it should be https://api.iletimerkezi.com/v1.',
          { httpStatus },
        ),
      );
    }
    if (json === undefined) {
      if (httpStatus >= 200 && httpStatus < 300) {
        return { kind: 'retry', reason: `HTTP ${httpStatus} with a body that is not JSON (an error page or a cut-off answer)`, httpStatus };
      }
      const known = describeStatus(httpStatus);
      return fail(
        new UpstreamError(
          'http-status',
          `The iletiMerkezi API answered HTTP ${httpStatus} with a body that is not JSON. ` +
            (known ? `${known.meaning}: ${known.nextStep}` : 'Check ILETIMERKEZI_BASE_URL.'),
          { httpStatus },
        ),
      );
    }
    if (!status) {
      return fail(
        new UpstreamError(
          'invalid-response',
          `The iletiMerkezi API answered HTTP ${httpStatus} without the documented response.status envelope. ` +
            'Check ILETIMERKEZI_BASE_URL; if it is right, the API has changed and iletimerkezi-mcp needs an update.',
          { httpStatus },
        ),
      );
    }
    if (status.code === 200) {
      if (httpStatus >= 200 && httpStatus < 300) return { kind: 'ok', body: json, reader };
      return fail(
        new UpstreamError(
          'http-status',
          `The iletiMerkezi API answered HTTP ${httpStatus} with a success body, which is contradictory, so nothing was counted. ` +
            'Check ILETIMERKEZI_BASE_URL and any proxy in between.',
          { httpStatus, apiCode: 200 },
        ),
      );
    }
    return this.apiStatus(status.code, status.message ?? undefined, httpStatus);
  }

  private transient<R extends BodyReader>(exchange: Exchange<R>, apiCode: number | undefined): Retry {
    const { httpStatus, json, retryAfterMs: retryAfter } = exchange;
    const retry = { kind: 'retry', httpStatus, retryAfterMs: retryAfter } as const;
    if (httpStatus === 429) return { ...retry, reason: 'HTTP 429 (rate limited)' };
    if (apiCode !== undefined && isTransientStatus(apiCode)) {
      return { ...retry, reason: `API status ${apiCode} (${describeStatus(apiCode)?.meaning ?? 'server error'})`, apiCode };
    }
    const body =
      json === undefined
        ? 'a body that is not JSON (an error page or a cut-off answer)'
        : apiCode === 200
          ? 'a success body, which a server error cannot carry'
          : 'an unexpected body';
    return { ...retry, reason: `HTTP ${httpStatus} with ${body}` };
  }

  private apiStatus(code: number, message: string | undefined, httpStatus: number): Attempt<never> {
    const known = describeStatus(code);
    if (isTransientStatus(code)) {
      return { kind: 'retry', reason: `API status ${code} (${known?.meaning ?? 'server error'})`, apiCode: code, httpStatus };
    }
    if (!known) {
      return fail(
        new UpstreamError(
          'invalid-response',
          `The iletiMerkezi API answered with status code ${code}, which is not documented. ` +
            'The API may have changed; please report this to iletimerkezi-mcp.',
          { apiCode: code, httpStatus },
        ),
      );
    }
    const apiSays = message && this.options.mayQuote(message) ? ` The API said: "${message.slice(0, 160)}".` : '';
    const nextStep = code === 401 ? this.options.authGuidance : known.nextStep;
    return fail(
      new UpstreamError('api-status', `iletiMerkezi API error ${code}: ${known.meaning}.${apiSays} ${nextStep}`, {
        apiCode: code,
        httpStatus,
      }),
    );
  }

  private tooLarge(): UpstreamError {
    return new UpstreamError(
      'too-large',
      `The iletiMerkezi API sent a response larger than ${this.options.maxBodyBytes} bytes, which this server refuses to read. ` +
        'Ask for a shorter date range.',
    );
  }

  /** The response once its headers are in; its body is read, or discarded, by the caller. */
  private send(request: PostRequest<BodyReader>, signal: AbortSignal): Promise<IncomingMessage> {
    const options: RequestOptions = {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'content-length': Buffer.byteLength(request.payload) },
      signal,
    };
    return new Promise((resolve, reject) => {
      const outgoing = this.options.http.request(request.url, options, (response) => {
        // A failure mid-body reaches the reader through the stream's state; this only keeps it from being unhandled.
        response.on('error', () => {});
        resolve(response);
      });
      outgoing.on('error', reject);
      outgoing.end(request.payload);
    });
  }

  private async readCapped(body: IncomingMessage, reader: BodyReader): Promise<unknown> {
    const cap = this.options.maxBodyBytes;
    if (Number(body.headers['content-length']) > cap) throw discarded(body);
    let size = 0;
    for await (const chunk of body) {
      size += (chunk as Buffer).length;
      if (size > cap) throw discarded(body);
      reader.write(chunk as Buffer);
    }
    return reader.end();
  }
}

/** Drops the connection of a body we will not read; the abort it reports is expected. */
function discarded(body: IncomingMessage): BodyTooLarge {
  body.on('error', () => {});
  body.destroy();
  return new BodyTooLarge();
}

/** 429 and 503 are the API asking for fewer requests at once; a success lets the cap climb back. */
function feedbackOf(outcome: Attempt<BodyReader>): Feedback {
  if (outcome.kind === 'ok') return 'success';
  if (outcome.kind === 'retry' && (outcome.httpStatus === 429 || outcome.httpStatus === 503 || outcome.apiCode === 503)) return 'pushback';
  return 'neutral';
}

function describeOutcome(outcome: Attempt<BodyReader>): string {
  if (outcome.kind === 'ok') return 'ok';
  if (outcome.kind === 'retry') return outcome.reason;
  const { error } = outcome;
  if (!(error instanceof UpstreamError)) return error.name;
  const codes = [error.details.apiCode, error.details.httpStatus].filter((code) => code !== undefined).join('/');
  return `${error.kind}${codes ? ` (${codes})` : ''}`;
}
