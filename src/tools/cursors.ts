import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { ConfigurationError, UserInputError } from '../errors.js';
import { MemoryStore } from '../state/memory-store.js';
import type { SharedStore, StoreBounds } from '../state/store.js';
import { type Page, type Sequence, type SortKey, pageAfter } from '../reporting/listing.js';

/**
 * Cursors of the listing tools: a short, signed reference to one tool's query kept server-side,
 * and the snapshots that let a cursor continue without refetching the range.
 */

const sortKeySchema = z.object({ at: z.string(), id: z.string() });

/**
 * What a cursor stands for, kept server-side for the cursor's life: the tool, its query, what the
 * query resolved to when first run, the position of the next page, and the listing's snapshot.
 */
const cursorStateSchema = z.object({
  tool: z.string(),
  query: z.record(z.string(), z.unknown()),
  resolved: z.unknown(),
  after: sortKeySchema,
  snapshot: z.string().optional(),
});

export type CursorState = z.infer<typeof cursorStateSchema>;

const START_OVER = 'Pass nextCursor exactly as a previous result returned it, or omit cursor to start from the newest item.';

/** The longest cursor the tools accept (`cursorField`); every cursor issued is `<id>.<signature>`, 45 characters. */
export const MAX_CURSOR_CHARS = 80;

/** 128 random bits, written as 22 base64url characters. */
const newId = () => randomBytes(16).toString('base64url');

/**
 * The cursors of one account. A cursor is a short reference to a state kept in the account's
 * store, signed with a key every replica shares (or one that lives as long as the process) for
 * the account and the tool: a forged, altered or truncated cursor fails its signature and is
 * refused, and so is one of another account or another tool.
 */
export class Cursors {
  constructor(
    /** The account's store, shared with its snapshots (one scope of the server's store). */
    private readonly store: SharedStore,
    /** How long a cursor's state lives, for the message about an expired one. */
    private readonly ttlMs: number,
    private readonly secret: Buffer = randomBytes(32),
    /** The account the cursors belong to; a cursor signed for one scope fails in any other. */
    private readonly scope = '',
  ) {}

  /** Keeps the state and returns the cursor that names it, or undefined when the store refused it. */
  async issue(state: CursorState): Promise<string | undefined> {
    const id = newId();
    return (await this.store.set(`cursor:${id}`, state)) ? `${id}.${this.sign(state.tool, id)}` : undefined;
  }

  /** The state a cursor of `tool` names, once its signature proves this server issued it to this account for this tool. */
  async resume(tool: string, cursor: string): Promise<CursorState> {
    const [id = '', signature = '', ...rest] = cursor.split('.');
    if (rest.length > 0 || !id || !signature) {
      throw new UserInputError('cursor', `it is malformed or truncated. ${START_OVER}`);
    }
    if (!this.signs(tool, id, signature)) {
      const state = await this.state(id);
      if (state && state.tool !== tool && this.signs(state.tool, id, signature)) {
        throw new UserInputError('cursor', `it belongs to ${state.tool}, not ${tool}. ${START_OVER}`);
      }
      throw new UserInputError(
        'cursor',
        'it was not issued by this server session for this account (it was altered, truncated, belongs to another ' +
          `account, or the server restarted). ${START_OVER}`,
      );
    }
    const state = await this.state(id);
    if (state?.tool !== tool) {
      throw new UserInputError(
        'cursor',
        `it has expired: cursors last ${Math.round(this.ttlMs / 60_000)} minutes, fewer when the server needs the room. ` +
          `Call ${tool} again without cursor, with the arguments of the first call, to start over.`,
      );
    }
    return state;
  }

  private async state(id: string): Promise<CursorState | undefined> {
    const parsed = cursorStateSchema.safeParse(await this.store.get(`cursor:${id}`));
    return parsed.success ? parsed.data : undefined;
  }

  private signs(tool: string, id: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(tool, id));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  private sign(tool: string, id: string): string {
    return createHmac('sha256', this.secret).update(this.scope).update('\n').update(tool).update('\n').update(id).digest('base64url').slice(0, 22);
  }
}

export interface SnapshotLimits {
  /** Bytes (as JSON length) held across all snapshots of the private memory store. */
  maxBytes: number;
  /** One snapshot at most, as JSON length; a larger listing is recomputed page by page instead. */
  maxSnapshotBytes: number;
  maxSnapshots: number;
  ttlMs: number;
  now: () => number;
  /**
   * Where snapshots live: the server gives each account its scope of one store that every
   * account shares (memory or Redis). Without it, a SnapshotStore keeps a private memory store.
   */
  store?: SharedStore;
}

export const DEFAULT_SNAPSHOT_LIMITS: SnapshotLimits = {
  maxBytes: 48 * 1024 * 1024,
  maxSnapshotBytes: 16 * 1024 * 1024,
  maxSnapshots: 1024,
  ttlMs: 10 * 60_000,
  now: () => performance.now(),
};

/** The bounds of a snapshot store, the same in memory and in Redis. */
export function snapshotBounds(limits: SnapshotLimits = DEFAULT_SNAPSHOT_LIMITS): StoreBounds {
  return { ttlMs: limits.ttlMs, maxBytes: limits.maxBytes, maxEntryBytes: limits.maxSnapshotBytes, maxEntries: limits.maxSnapshots };
}

/** The memory store the snapshot limits describe; the server shares one among all accounts. */
export function snapshotMemoryStore(limits: SnapshotLimits = DEFAULT_SNAPSHOT_LIMITS): SharedStore {
  return new MemoryStore(snapshotBounds(limits), limits.now);
}

export interface Snapshot<S, M> {
  items: S;
  meta: M;
}

/**
 * How a snapshot keeps a listing's items: as they are by default (a JSON array), or in a compact
 * form of the tool's own (a ranking of a million numbers in a few megabytes, say). The snapshot's
 * bounds count the kept form, in memory as in Redis.
 */
export interface SnapshotCodec<S> {
  encode(items: S): unknown;
  /** The items again, or undefined for a kept value the codec cannot read: a miss, so the listing is recomputed. */
  decode(kept: unknown): S | undefined;
}

const AS_THEY_ARE: SnapshotCodec<unknown> = { encode: (items) => items, decode: (kept) => kept };

/**
 * Keeps a listing's computed items for the life of its cursors, so following a cursor does not
 * refetch the range. Bounded in bytes, count and age; the oldest goes first.
 */
export class SnapshotStore<T, M, S extends Sequence<T> = T[]> {
  private readonly store: SharedStore;

  constructor(
    limits: SnapshotLimits = DEFAULT_SNAPSHOT_LIMITS,
    private readonly codec = AS_THEY_ARE as SnapshotCodec<S>,
  ) {
    this.store = limits.store ?? snapshotMemoryStore(limits);
  }

  /** Keeps the snapshot and returns its id, or undefined when it is too large to keep. */
  async put(snapshot: Snapshot<S, M>): Promise<string | undefined> {
    const id = randomUUID();
    return (await this.store.set(`snapshot:${id}`, { items: this.codec.encode(snapshot.items), meta: snapshot.meta })) ? id : undefined;
  }

  async get(id: string | undefined): Promise<Snapshot<S, M> | undefined> {
    if (id === undefined) return undefined;
    const kept = await this.store.get<Snapshot<unknown, M>>(`snapshot:${id}`);
    if (kept === undefined) return undefined;
    const items = this.codec.decode(kept.items);
    return items === undefined ? undefined : { items, meta: kept.meta };
  }
}

export interface ResumedQuery<A, R> {
  /** The query's arguments, cursor and limit aside. */
  args: A;
  /** What the arguments resolved to when the query was first run (its date range, say). */
  resolved: R;
  after: SortKey | undefined;
  snapshot: string | undefined;
}

/** A value as an error names it: an argument that was not given reads as such, not as null. */
const shown = (value: unknown) => (value === undefined ? 'not given' : JSON.stringify(value));

/**
 * The query a listing call serves. Without a cursor, it is the call's own arguments, resolved
 * now. With one, it is the cursor's query as first resolved, so a relative period does not
 * shift under a walk that crosses midnight. Arguments passed beside a cursor must repeat it.
 */
export async function resumeQuery<A extends Record<string, unknown>, R>(
  cursors: Cursors,
  tool: string,
  cursor: string | undefined,
  args: A,
  resolve: (args: A) => R,
): Promise<ResumedQuery<A, R>> {
  const given = Object.fromEntries(Object.entries(args).filter(([, value]) => value !== undefined)) as A;
  if (cursor === undefined) return { args: given, resolved: resolve(given), after: undefined, snapshot: undefined };
  const state = await cursors.resume(tool, cursor);
  for (const [field, value] of Object.entries(given)) {
    if (JSON.stringify(state.query[field]) !== JSON.stringify(value)) {
      throw new UserInputError(
        'cursor',
        `it was issued for a different query (${field} was ${shown(state.query[field])}, now ${shown(value)}). ` +
          `To continue, pass cursor alone (limit may change the page size) or with ${field} as it was; to ask the new query, omit cursor.`,
      );
    }
  }
  // The state's signature proves this server kept it from these very types.
  return { args: state.query as A, resolved: state.resolved as R, after: state.after, snapshot: state.snapshot };
}

/** One page of a listing as its tool answers with it. */
export interface ServedPage<T, M> {
  items: T[];
  meta: M;
  nextCursor?: string;
}

export interface PageRequest<T, M, S extends Sequence<T>> {
  tool: string;
  resumed: ResumedQuery<Record<string, unknown>, unknown>;
  limit: number;
  keyOf: (item: T) => SortKey;
  cursors: Cursors;
  snapshots: SnapshotStore<T, M, S>;
  /**
   * Computes the items after `after`, newest first; it may keep as few as `keep` of them, and
   * says with `complete` whether it kept them all.
   */
  compute: (after: SortKey | undefined, keep: number) => Promise<Snapshot<S, M> & { complete: boolean }>;
  /**
   * Whether the tool's whole answer with this page fits its share of the budget, measured as
   * the client gets it (fitsBudget); a page whose answer would not ends early, with a cursor.
   */
  fits: (page: ServedPage<T, M>) => boolean;
}

/** Stands in for the cursor while a page is measured: no cursor issued is longer. */
const CURSOR_STAND_IN = '0'.repeat(MAX_CURSOR_CHARS);

/**
 * How many of a page's items its answer can hold: all when they fit, else the most that do,
 * found by halving, with a cursor for the rest; never none, so a listing always moves forward.
 */
function fittingCount<T, M>(page: Page<T>, meta: M, fits: (page: ServedPage<T, M>) => boolean): number {
  const whole = page.items.length;
  const fitsWith = (count: number) =>
    fits({ items: page.items.slice(0, count), meta, ...(count < whole || page.nextAfter ? { nextCursor: CURSOR_STAND_IN } : {}) });
  if (whole === 0 || fitsWith(whole)) return whole;
  let low = 1;
  let high = whole;
  while (high - low > 1) {
    const middle = (low + high) >>> 1;
    if (fitsWith(middle)) low = middle;
    else high = middle;
  }
  return low;
}

/**
 * One page of a listing, from its snapshot while the snapshot lives, else recomputed. A fresh
 * listing is kept as a snapshot only when a cursor is issued to continue it.
 */
export async function servePage<T, M, S extends Sequence<T>>(request: PageRequest<T, M, S>): Promise<ServedPage<T, M>> {
  const { resumed, limit, keyOf, snapshots } = request;
  const { after } = resumed;
  let snapshotId = resumed.snapshot;
  let source: Snapshot<S, M> | undefined = await snapshots.get(snapshotId);
  let fresh: (Snapshot<S, M> & { complete: boolean }) | undefined;
  if (!source) {
    fresh = await request.compute(after, limit + 1);
    source = fresh;
  }
  const full = pageAfter(source.items, keyOf, after, limit);
  const count = fittingCount(full, source.meta, request.fits);
  const items = full.items.slice(0, count);
  const last = items.at(-1);
  const nextAfter = count < full.items.length && last !== undefined ? keyOf(last) : full.nextAfter;
  if (!nextAfter) return { items, meta: source.meta };
  if (fresh) snapshotId = fresh.complete ? await snapshots.put(fresh) : undefined;
  const nextCursor = await request.cursors.issue({
    tool: request.tool,
    query: resumed.args,
    resolved: resumed.resolved,
    after: nextAfter,
    ...(snapshotId ? { snapshot: snapshotId } : {}),
  });
  if (nextCursor === undefined) {
    throw new ConfigurationError(
      'More items follow, but the cursor for them could not be kept (the store of cursors is unavailable). ' +
        'Try again in a moment, or narrow the query so that fewer items match.',
    );
  }
  return { items, meta: source.meta, nextCursor };
}
