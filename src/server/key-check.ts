import type { IletimerkeziApi } from '../api/client.js';
import { isAuthFailure } from '../errors.js';
import type { Logger } from '../log.js';
import { MemoryStore } from '../state/memory-store.js';
import type { AccountStore, StoreBounds } from '../state/store.js';

/**
 * Whether the API accepts the key and hash a caller sent, asked with get-balance (no side
 * effects, no credit) when the caller connects, so that a wrong key is a 401 on initialize rather
 * than a green connection whose every tool call fails. The API's word is remembered per account.
 */

/** How long an acceptance stands before the next request asks again. */
export const ACCEPTED_FOR_MS = 5 * 60_000;
/** Shorter for a refusal: a user who turns on API access in the panel is let in on the next try. */
export const REFUSED_FOR_MS = 30_000;

/** How long a check may hold the request it guards; past it the request goes on unchecked. */
const CHECK_DEADLINE_MS = 5_000;

/** An entry holds the API's reason for a refusal (at most a few hundred characters). */
export const KEY_CHECK_BOUNDS: StoreBounds = { ttlMs: ACCEPTED_FOR_MS, maxBytes: 2 * 1024 * 1024, maxEntryBytes: 4 * 1024 };

export function keyCheckMemoryStore(now?: () => number): AccountStore {
  return new MemoryStore(KEY_CHECK_BOUNDS, now);
}

const ENTRY = 'key-check';

interface Verdict {
  /** When the API answered, in the check's clock (ms). */
  checkedAt: number;
  /** The API's reason when it refused the key and hash; null when it accepted them. */
  refusal: string | null;
}

export class KeyCheck {
  private readonly running = new Map<string, Promise<string | undefined>>();

  constructor(
    private readonly store: AccountStore,
    private readonly now: () => number,
    private readonly logger: Logger,
  ) {}

  /**
   * The API's reason for refusing the account's key and hash; undefined when it accepted them,
   * or could not say (an outage, a timeout): an API that is down must not lock callers out, and
   * their tool calls then report the outage themselves. Concurrent requests share one check.
   */
  refusal(accountId: string, api: IletimerkeziApi): Promise<string | undefined> {
    const running = this.running.get(accountId);
    if (running) return running;
    const check = this.decide(accountId, api).finally(() => this.running.delete(accountId));
    this.running.set(accountId, check);
    return check;
  }

  private async decide(accountId: string, api: IletimerkeziApi): Promise<string | undefined> {
    // Scoped by the account's HMAC identity, as every other per-account entry: no credential in a key.
    const store = this.store.forAccount(accountId);
    const known = await store.get<Verdict>(ENTRY);
    if (known && this.stands(known)) return known.refusal ?? undefined;
    let refusal: string | null = null;
    try {
      await api.fetchBalance(AbortSignal.timeout(CHECK_DEADLINE_MS));
    } catch (error) {
      if (!isAuthFailure(error)) {
        this.logger.debug(`key check of account ${accountId.slice(0, 8)} undecided (${error instanceof Error ? error.name : 'unknown'}); the request goes on`);
        return undefined;
      }
      refusal = error.message;
    }
    await this.remember(accountId, refusal);
    return refusal ?? undefined;
  }

  /**
   * Keeps the API's word on the account's key and hash (null: accepted). A refusal the API gave
   * one of the account's tool calls is kept too, so the next request stops at the door.
   */
  async remember(accountId: string, refusal: string | null): Promise<void> {
    await this.store.forAccount(accountId).set(ENTRY, { checkedAt: this.now(), refusal } satisfies Verdict);
  }

  private stands(verdict: Verdict): boolean {
    const age = this.now() - verdict.checkedAt;
    return age >= 0 && age < (verdict.refusal === null ? ACCEPTED_FOR_MS : REFUSED_FOR_MS);
  }
}
