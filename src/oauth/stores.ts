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
 * go first. Every key is a digest (OAuthKeys.digest) and every credential is sealed. Each kind is
 * one table with one owner (`shares: 1`), so its bounds evict its least recently written entry,
 * across the whole kind, in memory and in Redis alike.
 */
export const OAUTH_KINDS = {
  clients: { ttlMs: 30 * DAY, maxBytes: 8 * 1024 * 1024, maxEntryBytes: 4096, maxEntries: MAX_CLIENTS, shares: 1 },
  documents: { ttlMs: MAX_CLIENT_DOCUMENT_AGE_MS, maxBytes: 4 * 1024 * 1024, maxEntryBytes: 6 * 1024, maxEntries: 2_000, shares: 1 },
  codes: { ttlMs: CODE_TTL_MS, maxBytes: 4 * 1024 * 1024, maxEntryBytes: 4096, maxEntries: 10_000, shares: 1 },
  grants: { ttlMs: REFRESH_TTL_MS, maxBytes: 64 * 1024 * 1024, maxEntryBytes: 4096, maxEntries: 100_000, shares: 1 },
  refreshTokens: { ttlMs: REFRESH_TTL_MS, maxBytes: 32 * 1024 * 1024, maxEntryBytes: 512, maxEntries: 200_000, shares: 1 },
  accessTokens: { ttlMs: ACCESS_TTL_MS, maxBytes: 32 * 1024 * 1024, maxEntryBytes: 1024, maxEntries: 100_000, shares: 1 },
  failures: { ttlMs: FAILURE_WINDOW_MS, maxBytes: 2 * 1024 * 1024, maxEntryBytes: 256, maxEntries: 20_000, shares: 1 },
  registrations: { ttlMs: REGISTRATION_WINDOW_MS, maxBytes: 2 * 1024 * 1024, maxEntryBytes: 256, maxEntries: 20_000, shares: 1 },
} satisfies Record<string, StoreBounds>;

export type OAuthKind = keyof typeof OAUTH_KINDS;

/** Where each kind lives: memory for one process, Redis for replicas. */
export type OAuthStores = Record<OAuthKind, TakingAccountStore>;

export interface OAuthStoreOptions {
  /** How many client registrations stay live; MAX_CLIENTS unless a test says fewer. */
  maxClients?: number;
}

export function openOAuthStores(open: (kind: string, bounds: StoreBounds) => TakingAccountStore, options: OAuthStoreOptions = {}): OAuthStores {
  const kinds: Record<OAuthKind, StoreBounds> = { ...OAUTH_KINDS, clients: { ...OAUTH_KINDS.clients, maxEntries: options.maxClients ?? MAX_CLIENTS } };
  const entries = Object.entries(kinds).map(([kind, bounds]) => [kind, open(`oauth-${kind}`, bounds)]);
  return Object.fromEntries(entries) as OAuthStores;
}

/**
 * One kind as a flat table keyed by digests, all under one owner: the kind's bounds (`shares: 1`)
 * let it fill the kind, and its least recently written entries go first.
 */
export function table(store: TakingAccountStore): TakingStore {
  return store.forAccount('oauth');
}
