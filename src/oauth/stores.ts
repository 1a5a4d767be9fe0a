import type { StoreBounds, TakingAccountStore, TakingStore } from '../state/store.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const CODE_TTL_MS = MINUTE;
export const ACCESS_TTL_MS = HOUR;
export const REFRESH_TTL_MS = 30 * DAY;
export const FAILURE_WINDOW_MS = 10 * MINUTE;
export const REGISTRATION_WINDOW_MS = MINUTE;
export const MAX_CLIENT_DOCUMENT_AGE_MS = DAY;
export const MAX_CLIENTS = 10_000;

/**
 * The kinds of OAuth state and their bounds. Each kind's TTL is the life of what it holds; a
 * client registration lives 30 days from its last use, and past 10,000 the least recently used
 * go first. Every key is a digest (OAuthKeys.digest) and every credential is sealed.
 */
export const OAUTH_KINDS = {
  clients: { ttlMs: 30 * DAY, maxBytes: 8 * 1024 * 1024, maxEntryBytes: 4096, maxEntries: MAX_CLIENTS },
  documents: { ttlMs: MAX_CLIENT_DOCUMENT_AGE_MS, maxBytes: 4 * 1024 * 1024, maxEntryBytes: 6 * 1024, maxEntries: 2_000 },
  codes: { ttlMs: CODE_TTL_MS, maxBytes: 4 * 1024 * 1024, maxEntryBytes: 4096, maxEntries: 10_000 },
  grants: { ttlMs: REFRESH_TTL_MS, maxBytes: 64 * 1024 * 1024, maxEntryBytes: 4096, maxEntries: 100_000 },
  refreshTokens: { ttlMs: REFRESH_TTL_MS, maxBytes: 32 * 1024 * 1024, maxEntryBytes: 512, maxEntries: 200_000 },
  accessTokens: { ttlMs: ACCESS_TTL_MS, maxBytes: 32 * 1024 * 1024, maxEntryBytes: 1024, maxEntries: 100_000 },
  failures: { ttlMs: FAILURE_WINDOW_MS, maxBytes: 2 * 1024 * 1024, maxEntryBytes: 256, maxEntries: 20_000 },
  registrations: { ttlMs: REGISTRATION_WINDOW_MS, maxBytes: 2 * 1024 * 1024, maxEntryBytes: 256, maxEntries: 20_000 },
} satisfies Record<string, StoreBounds>;

export type OAuthKind = keyof typeof OAUTH_KINDS;

/** Where each kind lives: memory for one process, Redis for replicas. */
export type OAuthStores = Record<OAuthKind, TakingAccountStore>;

export function openOAuthStores(open: (kind: string, bounds: StoreBounds) => TakingAccountStore): OAuthStores {
  const entries = Object.entries(OAUTH_KINDS).map(([kind, bounds]) => [kind, open(`oauth-${kind}`, bounds)]);
  return Object.fromEntries(entries) as OAuthStores;
}

/**
 * One kind as a flat table keyed by digests. The stores share a kind out among scopes (each may
 * hold a quarter); the first hex digit of the digest spreads entries over sixteen scopes, so the
 * table as a whole can fill the kind's bounds, and its least recently written entries go first.
 */
export function table(store: TakingAccountStore): TakingStore {
  const scoped = (digest: string) => store.forAccount(`o${digest.slice(0, 1)}`);
  return {
    get: (digest) => scoped(digest).get(digest),
    set: (digest, value) => scoped(digest).set(digest, value),
    take: (digest) => scoped(digest).take(digest),
    increment: (digest) => scoped(digest).increment(digest),
  };
}
