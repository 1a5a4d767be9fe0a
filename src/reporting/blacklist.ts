import { type IletimerkeziApi, servedKey } from '../api/client.js';
import { normalizePhoneNumber } from '../api/phone-number.js';
import { UpstreamError } from '../errors.js';
import { MemoryStore } from '../state/memory-store.js';
import type { SharedStore, StoreBounds } from '../state/store.js';
import { type Clock, systemClock } from './calendar.js';
import type { ProgressReport } from './call-progress.js';

/**
 * The account's whole blacklist, read page by page, and shared for a few minutes between the
 * calls that need it (check_blacklist, trace_number, audit_opt_outs): a walk of a large
 * blacklist is many requests one after another, and a support desk asks about one number after
 * another.
 */

/** How long a walk is reused, by the account's calls in memory or in Redis. */
export const BLACKLIST_SHARED_FOR_MS = 5 * 60_000;

/** A backstop against a blacklist that pages forever; at 1000 a page this is ten million numbers. */
const MAX_BLACKLIST_PAGES = 10_000;

/** The blacklist as one walk read it. */
export interface Blacklist {
  /** Every entry normalized: E.164 for a phone number, else the value as served. */
  numbers: Set<string>;
  /** When the walk began, in ms since the epoch by the server's clock. */
  readAt: number;
  /** True when an earlier call's walk was reused: the blacklist may have changed since readAt. */
  reused: boolean;
}

/**
 * The whole blacklist, normalized: paged until a page has no numbers, `count` never trusted as a
 * total, each page asked for once, so a page read counts k/(k+1) of the way, as the scan's
 * windows do.
 *
 * A blacklist serves each entry once, so a page with no entry it had not served before is the API
 * repeating itself, and the walk stops there. That is judged on the entries as served, type and
 * value: the same person blocked twice, as `5321234567` and `+905321234567`, or as the JSON
 * number 5321234567 and the string "5321234567", is two entries, however alike they are once
 * normalized.
 */
export async function readWholeBlacklist(api: IletimerkeziApi, signal?: AbortSignal, onProgress?: ProgressReport): Promise<Set<string>> {
  const numbers = new Set<string>();
  const served = new Set<string>();
  for (let page = 1; ; page += 1) {
    const entries = await api.readBlacklistPage(page, signal);
    if (entries.length === 0) return numbers;
    const before = served.size;
    for (const entry of entries) {
      served.add(servedKey(entry));
      numbers.add(normalizePhoneNumber(entry).number);
    }
    onProgress?.({ progress: page, total: page + 1, message: `${numbers.size} blacklisted numbers read` });
    if (served.size === before || page >= MAX_BLACKLIST_PAGES) {
      throw new UpstreamError(
        'repeating-pages',
        `The iletiMerkezi API served blacklist page ${page} with no number it had not served before; stopped rather than loop forever. Try again later.`,
      );
    }
  }
}

export interface BlacklistShareLimits {
  /** Bytes (as JSON length) held across all walks of the private memory store. */
  maxBytes: number;
  /** One walk at most; a larger blacklist is walked anew by every call. */
  maxEntryBytes: number;
  now: () => number;
  /**
   * Where walks live: the server gives each account its scope of one store that every account
   * shares (memory or Redis). Without it, the share keeps a private memory store.
   */
  store?: SharedStore;
}

/** A walk of about 520,000 numbers (16 bytes each as JSON) is kept; a larger blacklist is walked by each call. */
export const DEFAULT_BLACKLIST_SHARE_LIMITS: BlacklistShareLimits = {
  maxBytes: 16 * 1024 * 1024,
  maxEntryBytes: 8 * 1024 * 1024,
  now: () => performance.now(),
};

/** The bounds of a walk store, the same in memory and in Redis. */
export function blacklistBounds(limits: BlacklistShareLimits = DEFAULT_BLACKLIST_SHARE_LIMITS): StoreBounds {
  return { ttlMs: BLACKLIST_SHARED_FOR_MS, maxBytes: limits.maxBytes, maxEntryBytes: limits.maxEntryBytes };
}

/** The memory store the limits describe; the server shares one among all accounts. */
export function blacklistMemoryStore(limits: BlacklistShareLimits = DEFAULT_BLACKLIST_SHARE_LIMITS): MemoryStore {
  return new MemoryStore(blacklistBounds(limits), limits.now);
}

/** A walk as the store keeps it. */
interface KeptWalk {
  readAt: number;
  numbers: string[];
}

const ENTRY = 'blacklist';

/**
 * One account's blacklist walks, shared between its calls for BLACKLIST_SHARED_FOR_MS. The age is
 * judged by the server's clock, whatever the store's own expiry, so a walk read back from Redis is
 * no older than one kept in memory.
 */
export class SharedBlacklist {
  private readonly store: SharedStore;

  constructor(
    limits: BlacklistShareLimits = DEFAULT_BLACKLIST_SHARE_LIMITS,
    private readonly clock: Clock = systemClock,
  ) {
    this.store = limits.store ?? blacklistMemoryStore(limits);
  }

  /** The account's blacklist: a walk of the last 5 minutes if one is kept, else a new walk, then kept. */
  async read(api: IletimerkeziApi, signal?: AbortSignal, onProgress?: ProgressReport): Promise<Blacklist> {
    const now = this.clock().getTime();
    const kept = await this.store.get<KeptWalk>(ENTRY);
    if (kept && now - kept.readAt >= 0 && now - kept.readAt < BLACKLIST_SHARED_FOR_MS) {
      return { numbers: new Set(kept.numbers), readAt: kept.readAt, reused: true };
    }
    const numbers = await readWholeBlacklist(api, signal, onProgress);
    // Awaited, so another replica's next call finds it; a walk too large to keep is simply not shared.
    await this.store.set(ENTRY, { readAt: now, numbers: [...numbers] } satisfies KeptWalk);
    return { numbers, readAt: now, reused: false };
  }
}
