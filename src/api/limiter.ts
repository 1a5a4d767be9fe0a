import { CancelledError } from '../errors.js';

/** The process-wide cap on upstream requests, whatever the number of accounts. */
export const DEFAULT_PROCESS_CAP = 64;

/**
 * A first-come, first-served cap on upstream requests in flight. A freed slot goes straight to
 * the oldest waiter, so no slot idles while work is queued, and page chains of different windows
 * interleave fairly instead of blocking one another.
 *
 * Each limiter (one per account's client) also draws on a parent: the process cap. A request
 * queues for its own account's slot first, so at most `limit` requests of one account wait on
 * the parent at a time; a tenant's 366-day scan therefore holds a bounded share of the process
 * and another tenant's one-day question queues behind at most that share.
 */
export class ConcurrencyLimiter {
  private active = 0;
  private readonly waiters: Array<{ grant: () => void; signal: AbortSignal | undefined; onAbort: () => void }> = [];

  constructor(
    private readonly limit: number,
    private readonly parent: ConcurrencyLimiter | null = processLimiter,
  ) {}

  async run<T>(signal: AbortSignal | undefined, task: () => Promise<T>): Promise<T> {
    await this.acquire(signal);
    try {
      return this.parent ? await this.parent.run(signal, task) : await task();
    } finally {
      this.release();
    }
  }

  private acquire(signal: AbortSignal | undefined): Promise<void> {
    if (signal?.aborted) return Promise.reject(new CancelledError());
    if (this.active < this.limit) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        signal,
        grant: () => {
          signal?.removeEventListener('abort', waiter.onAbort);
          resolve();
        },
        onAbort: () => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          reject(new CancelledError());
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  private release(): void {
    const next = this.waiters.shift();
    if (next) {
      next.grant();
    } else {
      this.active -= 1;
    }
  }
}

// The root has no parent; it is declared after the class and read only when a limiter is built.
const processLimiter: ConcurrencyLimiter = new ConcurrencyLimiter(DEFAULT_PROCESS_CAP, null);
