import { CancelledError } from '../errors.js';

export type Feedback = 'pushback' | 'success' | 'neutral';

/** The process-wide cap on upstream requests, whatever the number of accounts. */
const DEFAULT_PROCESS_CAP = 64;

/**
 * Successes per slot before the cap grows by one: slow enough that an API which refuses past a
 * fixed number in flight refuses under a tenth of the requests once the cap has settled.
 */
const STREAK_PER_SLOT = 4;

/**
 * A first-come, first-served cap on upstream requests in flight. A freed slot goes straight to
 * the oldest waiter, so no slot idles while work is queued, and page chains of different windows
 * interleave fairly instead of blocking one another.
 *
 * Each limiter (one per account's client) also draws on a parent: the process cap. A request
 * queues for its own account's slot first, so at most `limit` requests of one account wait on
 * the parent at a time; a tenant's 366-day scan therefore holds a bounded share of the process
 * and another tenant's one-day question queues behind at most that share.
 *
 * The cap adapts. The API documents no rate limit for reads, so a 429 or a 503 is the API asking
 * for less: the cap halves (multiplicative decrease), then climbs back one slot per streak of
 * successes (additive increase), never above the configured maximum. Requests already in flight
 * when the cap fell may be pushed back too; they do not halve it again.
 */
export class ConcurrencyLimiter {
  private active = 0;
  private limit: number;
  private successes = 0;
  /** Counts the decreases, so that only a request started since the last one can cause another. */
  private epoch = 0;
  private readonly waiters: Array<{ grant: () => void; signal: AbortSignal | undefined; onAbort: () => void }> = [];

  constructor(
    private readonly maximum: number,
    private readonly parent: ConcurrencyLimiter | null = processLimiter,
    private readonly onChange: (limit: number, cause: 'pushed back' | 'recovered') => void = () => {},
  ) {
    this.limit = maximum;
  }

  /** Runs `task` in a slot; `feedback` says whether its result was the API pushing back. */
  async run<T>(signal: AbortSignal | undefined, task: () => Promise<T>, feedback?: (result: T) => Feedback): Promise<T> {
    await this.acquire(signal);
    const epoch = this.epoch;
    try {
      const result = this.parent ? await this.parent.run(signal, task) : await task();
      if (feedback) this.learn(feedback(result), epoch);
      return result;
    } finally {
      this.release();
    }
  }

  private learn(feedback: Feedback, epoch: number): void {
    if (feedback === 'pushback') {
      this.successes = 0;
      if (epoch !== this.epoch || this.limit === 1) return;
      this.epoch += 1;
      this.limit = Math.max(1, Math.floor(this.limit / 2));
      this.onChange(this.limit, 'pushed back');
    } else if (feedback === 'success' && this.limit < this.maximum) {
      this.successes += 1;
      if (this.successes < this.limit * STREAK_PER_SLOT) return;
      this.successes = 0;
      this.limit += 1;
      this.onChange(this.limit, 'recovered');
      // The new slot goes to the oldest waiter at once, unless requests from before a halving still hold it.
      const next = this.active < this.limit ? this.waiters.shift() : undefined;
      if (next) {
        this.active += 1;
        next.grant();
      }
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
    // Past a lowered cap, a freed slot closes instead of passing on.
    const next = this.active <= this.limit ? this.waiters.shift() : undefined;
    if (next) {
      next.grant();
    } else {
      this.active -= 1;
    }
  }
}

// The root has no parent; it is declared after the class and read only when a limiter is built.
const processLimiter: ConcurrencyLimiter = new ConcurrencyLimiter(DEFAULT_PROCESS_CAP, null);
