import { setTimeout as sleep } from 'node:timers/promises';
import { type Agent, type IncomingMessage, request as httpRequest } from 'node:http';
import { type Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { CancelledError, UpstreamError } from '../errors.js';
import type { Logger } from '../log.js';
import { envelopeSchema } from './schemas.js';
import { AUTH_GUIDANCE, describeStatus, isTransientStatus } from './status-codes.js';
import type { ConcurrencyLimiter } from './limiter.js';

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

export interface TransportOptions {
  /** Keep-alive connections, at most the limiter's number of them; an https.Agent for https URLs. */
  agent: Agent;
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
}

/** A JSON body whose `response.status.code` is 200, ready for the endpoint's schema, and the reader that read it. */
export interface SuccessfulRead<R extends BodyReader> {
  body: unknown;
  reader: R;
}

/** Takes one attempt's body as it arrives; `end` gives the parsed JSON, or undefined when it is not JSON. */
export interface BodyReader {
  write(chunk: Buffer): void;
  end(): unknown;
}

type AttemptOutcome<R extends BodyReader> =
  | ({ ok: true } & SuccessfulRead<R>)
  | { ok: false; reason: string; retryAfterMs?: number; httpStatus?: number; apiCode?: number };

type Failure = Extract<AttemptOutcome<BodyReader>, { ok: false }>;

class BodyTooLarge extends Error {}

/** Drops the connection of a body we will not read; the abort it reports is expected. */
function discard(body: IncomingMessage): void {
  body.on('error', () => {});
  body.destroy();
}

function retryAfterMs(header: string | string[] | undefined, now: number): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  if (/^\s*\d+\s*$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function networkReason(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  const cause = (error as { cause?: { code?: unknown } })?.cause?.code;
  const name = typeof code === 'string' ? code : typeof cause === 'string' ? cause : 'connection failed';
  return `network error (${name})`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The plain reader: the whole body, parsed once it is complete. */
export function wholeJsonBody(): BodyReader {
  const chunks: Buffer[] = [];
  return {
    write: (chunk) => {
      chunks.push(chunk);
    },
    end: () => parseJson(Buffer.concat(chunks).toString('utf8')),
  };
}

/**
 * POSTs JSON to one endpoint with bounded, jittered retries of transient failures. Only the
 * HTTP attempt itself holds a concurrency slot: backoff waits free it for other work.
 */
export class Transport {
  constructor(private readonly options: TransportOptions) {}

  /** `reader` makes a fresh reader for each attempt, so a failed attempt leaves nothing behind. */
  async post<R extends BodyReader>(
    url: string,
    payload: string,
    label: string,
    signal: AbortSignal | undefined,
    reader: () => R,
  ): Promise<SuccessfulRead<R>> {
    const { retry, limiter } = this.options;
    let last: Failure | undefined;
    for (let attempt = 1; attempt <= retry.attempts; attempt += 1) {
      if (attempt > 1) await this.wait(attempt - 1, last?.retryAfterMs, signal);
      const outcome = await limiter.run(signal, () => this.attempt(url, payload, label, attempt, signal, reader));
      if (outcome.ok) return { body: outcome.body, reader: outcome.reader };
      last = outcome;
    }
    const kind = last?.apiCode !== undefined ? 'api-status' : last?.httpStatus !== undefined ? 'http-status' : 'network';
    throw new UpstreamError(
      kind,
      `The iletiMerkezi API kept failing: ${last?.reason ?? 'unknown failure'} after ${retry.attempts} attempts. ` +
        'It may be down or overloaded; try again in a few minutes.',
      { attempts: retry.attempts, apiCode: last?.apiCode, httpStatus: last?.httpStatus },
    );
  }

  private async wait(retryNumber: number, retryAfter: number | undefined, signal: AbortSignal | undefined): Promise<void> {
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

  private async attempt<R extends BodyReader>(
    url: string,
    payload: string,
    label: string,
    attempt: number,
    signal: AbortSignal | undefined,
    reader: () => R,
  ): Promise<AttemptOutcome<R>> {
    if (signal?.aborted) throw new CancelledError();
    const { timeoutMs, logger } = this.options;
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const forwardAbort = () => controller.abort();
    signal?.addEventListener('abort', forwardAbort, { once: true });
    const started = performance.now();
    let outcome: AttemptOutcome<R>;
    try {
      outcome = await this.exchange(url, payload, controller.signal, reader());
    } catch (error) {
      if (signal?.aborted) throw new CancelledError();
      if (error instanceof UpstreamError) {
        // Not retried, but still one debug line per request: its kind and codes, never its text.
        const codes = [error.details.apiCode, error.details.httpStatus].filter((code) => code !== undefined).join('/');
        logger.debug(`${label} attempt ${attempt}: ${error.kind}${codes ? ` (${codes})` : ''} in ${Math.round(performance.now() - started)} ms`);
        throw error;
      }
      outcome = {
        ok: false,
        reason: controller.signal.aborted ? `no complete answer within ${timeoutMs} ms` : networkReason(error),
      };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', forwardAbort);
    }
    const elapsed = Math.round(performance.now() - started);
    logger.debug(`${label} attempt ${attempt}: ${outcome.ok ? 'ok' : outcome.reason} in ${elapsed} ms`);
    return outcome;
  }

  private async exchange<R extends BodyReader>(url: string, payload: string, signal: AbortSignal, reader: R): Promise<AttemptOutcome<R>> {
    const response = await this.send(url, payload, signal);
    const httpStatus = response.statusCode ?? 0;
    let json: unknown;
    try {
      json = await this.readCapped(response, response.headers['content-length'], reader);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        throw new UpstreamError(
          'too-large',
          `The iletiMerkezi API sent a response larger than ${this.options.maxBodyBytes} bytes, which this server refuses to read. ` +
            'Ask for a shorter date range.',
          { httpStatus },
        );
      }
      throw error;
    }
    if (json === undefined) return this.classifyNonJson(httpStatus, response.headers['retry-after']);
    const envelope = envelopeSchema.safeParse(json);
    if (!envelope.success) {
      if (httpStatus >= 500) return { ok: false, reason: `HTTP ${httpStatus} with an unexpected body`, httpStatus };
      throw new UpstreamError(
        'invalid-response',
        `The iletiMerkezi API answered HTTP ${httpStatus} without the documented response.status envelope. ` +
          'Check ILETIMERKEZI_BASE_URL; if it is right, the API has changed and iletimerkezi-mcp needs an update.',
        { httpStatus },
      );
    }
    const { code, message } = envelope.data.response.status;
    if (code === 200) return { ok: true, body: json, reader };
    const known = describeStatus(code);
    if (isTransientStatus(code)) {
      return { ok: false, reason: `API status ${code} (${known?.meaning ?? 'server error'})`, apiCode: code, httpStatus };
    }
    if (!known) {
      throw new UpstreamError(
        'invalid-response',
        `The iletiMerkezi API answered with status code ${code}, which is not documented. ` +
          'The API may have changed; please report this to iletimerkezi-mcp.',
        { apiCode: code, httpStatus },
      );
    }
    const apiSays = message && this.options.mayQuote(message) ? ` The API said: "${message.slice(0, 160)}".` : '';
    throw new UpstreamError('api-status', `iletiMerkezi API error ${code}: ${known.meaning}.${apiSays} ${known.nextStep}`, {
      apiCode: code,
      httpStatus,
    });
  }

  /** The response once its headers are in; its body is read, or discarded, by the caller. */
  private send(url: string, payload: string, signal: AbortSignal): Promise<IncomingMessage> {
    const options = {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'content-length': Buffer.byteLength(payload) },
      signal,
    };
    return new Promise((resolve, reject) => {
      const onResponse = (response: IncomingMessage) => {
        // A failure mid-body reaches the reader through the stream's state; this only keeps it from being unhandled.
        response.on('error', () => {});
        resolve(response);
      };
      const outgoing = url.startsWith('https:')
        ? httpsRequest(url, { ...options, agent: this.options.agent as HttpsAgent }, onResponse)
        : httpRequest(url, { ...options, agent: this.options.agent }, onResponse);
      outgoing.on('error', reject);
      outgoing.end(payload);
    });
  }

  private classifyNonJson(httpStatus: number, retryAfterHeader: string | string[] | undefined): Failure {
    if (httpStatus === 429) {
      return { ok: false, reason: 'HTTP 429 (rate limited)', retryAfterMs: retryAfterMs(retryAfterHeader, Date.now()), httpStatus };
    }
    if (httpStatus < 300 || httpStatus >= 500) {
      return { ok: false, reason: `HTTP ${httpStatus} with a body that is not JSON (an error page or a cut-off answer)`, httpStatus };
    }
    if (httpStatus === 401 || httpStatus === 403) {
      throw new UpstreamError('http-status', `iletiMerkezi API error: HTTP ${httpStatus}, authentication failed. ${AUTH_GUIDANCE}`, {
        httpStatus,
      });
    }
    const known = describeStatus(httpStatus);
    throw new UpstreamError(
      'http-status',
      `The iletiMerkezi API answered HTTP ${httpStatus} with a body that is not JSON. ` +
        (known ? `${known.meaning}: ${known.nextStep}` : 'Check ILETIMERKEZI_BASE_URL.'),
      { httpStatus },
    );
  }

  private async readCapped(
    body: IncomingMessage,
    contentLength: string | string[] | undefined,
    reader: BodyReader,
  ): Promise<unknown> {
    const cap = this.options.maxBodyBytes;
    if (Number(contentLength) > cap) {
      discard(body);
      throw new BodyTooLarge();
    }
    let size = 0;
    for await (const chunk of body) {
      size += (chunk as Buffer).length;
      if (size > cap) {
        discard(body);
        throw new BodyTooLarge();
      }
      reader.write(chunk as Buffer);
    }
    return reader.end();
  }
}
