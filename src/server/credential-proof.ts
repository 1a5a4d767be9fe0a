import type { DayWindow, IletimerkeziApi, OrderSink } from '../api/client.js';
import { type UpstreamError, isAuthFailure } from '../errors.js';
import type { ToolAnswer, ToolRequest } from '../tools/tool.js';

type ToolCall = (args: Record<string, unknown>, request: ToolRequest) => Promise<ToolAnswer>;

/**
 * Over HTTP, cached data never outlives the credentials it was read with: an answer leaves the
 * server only once the API has accepted the account's key and hash for a request started during
 * the call that gives it (by this call or a concurrent one: the same key and hash). A call that
 * read anything fresh has shown that already, at no cost; a call answered wholly from cached
 * data (final windows, snapshots, cursors), which would otherwise reach no API at all, asks
 * get-balance before its answer goes (no side effects, no credit). A refusal is the API's own
 * 401 with its guidance, and the cached answer is dropped; an API that cannot answer fails the
 * call as any upstream failure does, since nothing then vouches for the key.
 *
 * Not the key check's remembered verdict: that may be 5 minutes old, and a key revoked since
 * would go on reading cached data (up to 30 minutes of it, across restarts with Redis).
 */
export class CredentialProof {
  /** Requests the account has started, numbered in order. */
  private started = 0;
  /** The highest number of a request the API answered with success. */
  private proven = 0;
  /** The account's API, every request of which this proof sees: give the account's tools this one. */
  readonly api: IletimerkeziApi;

  constructor(
    api: IletimerkeziApi,
    /** Told of every refusal, so the key check at the door can stop the next request. */
    private readonly onRefusal: (refusal: UpstreamError) => Promise<void> = async () => {},
  ) {
    this.api = {
      concurrency: api.concurrency,
      readOrdersPage: <S extends OrderSink>(window: DayWindow, page: number, open: () => S, signal?: AbortSignal) =>
        this.witness(() => api.readOrdersPage(window, page, open, signal)),
      fetchInbox: (signal) => this.witness(() => api.fetchInbox(signal)),
      readReportPage: (orderId, page, signal) => this.witness(() => api.readReportPage(orderId, page, signal)),
      readBlacklistPage: (page, signal) => this.witness(() => api.readBlacklistPage(page, signal)),
      fetchBalance: (signal) => this.witness(() => api.fetchBalance(signal)),
    };
  }

  /** The call, whose answer goes out only with a proof from its own time (an error goes out as it is). */
  guard(call: ToolCall): ToolCall {
    return async (args, request) => {
      // Any request numbered above this one started after the call did.
      const since = this.started;
      const answer = await call(args, request);
      if (this.proven <= since) await this.api.fetchBalance(request.signal);
      return answer;
    };
  }

  private async witness<T>(request: () => Promise<T>): Promise<T> {
    this.started += 1;
    const number = this.started;
    try {
      const result = await request();
      this.proven = Math.max(this.proven, number);
      return result;
    } catch (error) {
      if (isAuthFailure(error)) await this.onRefusal(error);
      throw error;
    }
  }
}
