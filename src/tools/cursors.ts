import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { ConfigurationError, UserInputError } from '../errors.js';
import { MemoryStore } from '../state/memory-store.js';
import type { SharedStore, StoreBounds } from '../state/store.js';
import { type Listing, type PageBudget, type SortKey, pageAfter } from '../reporting/listing.js';

/**
 * Cursors of the listing tools: a signed, opaque continuation of one tool's query, and the
 * snapshots that let a cursor continue without refetching the range.
 */

const sortKeySchema = z.object({ at: z.string(), id: z.string() });

// A cursor carries its position inline, or, when the position's id is long, the reference of a
// copy kept server-side, so a cursor stays short whatever ids the API serves.
const cursorSchema = z
  .object({
    tool: z.string(),
    query: z.record(z.string(), z.unknown()),
    resolved: z.unknown(),
    after: sortKeySchema.optional(),
    afterRef: z.string().optional(),
    snapshot: z.string().optional(),
  })
  .refine((payload) => (payload.after === undefined) !== (payload.afterRef === undefined));

export type CursorPayload = z.infer<typeof cursorSchema>;

const START_OVER = 'Pass nextCursor exactly as a previous result returned it, or omit cursor to start from the newest item.';

/** A cursor at most this long carries its position inline; a longer one refers to a kept copy. */
const SHORT_CURSOR_CHARS = 512;
/** The longest cursor the tools accept (`cursorField`): none longer is ever issued. */
export const MAX_CURSOR_CHARS = 4096;

/**
 * Cursors are signed with a key every replica shares (or one that lives as long as the process)
 * and with the account they were issued to: a forged, altered or truncated cursor fails its
 * signature and is refused, and so is one of another account or another tool.
 */
export class CursorCodec {
  constructor(
    private readonly secret: Buffer = randomBytes(32),
    /** The account the cursors belong to; a cursor signed for one scope fails in any other. */
    private readonly scope = '',
  ) {}

  encode(payload: CursorPayload): string {
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  decode(tool: string, cursor: string): CursorPayload {
    const [body = '', signature = '', ...rest] = cursor.split('.');
    if (rest.length > 0 || !body || !signature) {
      throw new UserInputError('cursor', `it is malformed or truncated. ${START_OVER}`);
    }
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      throw new UserInputError(
        'cursor',
        'it was not issued by this server session for this account (it was altered, truncated, belongs to another ' +
          `account, or the server restarted). ${START_OVER}`,
      );
    }
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
    if (!parsed.success) throw new UserInputError('cursor', `it is malformed. ${START_OVER}`);
    if (parsed.data.tool !== tool) {
      throw new UserInputError('cursor', `it belongs to ${parsed.data.tool}, not ${tool}. ${START_OVER}`);
    }
    return parsed.data;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(this.scope).update('\n').update(body).digest('base64url').slice(0, 22);
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

export interface Snapshot<T, M> {
  items: T[];
  meta: M;
}

/**
 * Keeps a listing's computed items for the life of its cursors, so following a cursor does not
 * refetch the range, and the positions too long to carry in a cursor. Bounded in bytes, count
 * and age; the oldest goes first.
 */
export class SnapshotStore<T, M> {
  private readonly store: SharedStore;
  /** How long a snapshot, and so a cursor that names a kept position, lives. */
  readonly ttlMs: number;

  constructor(limits: SnapshotLimits = DEFAULT_SNAPSHOT_LIMITS) {
    this.store = limits.store ?? snapshotMemoryStore(limits);
    this.ttlMs = limits.ttlMs;
  }

  /** Keeps the snapshot and returns its id, or undefined when it is too large to keep. */
  async put(snapshot: Snapshot<T, M>): Promise<string | undefined> {
    const id = randomUUID();
    return (await this.store.set(`snapshot:${id}`, snapshot)) ? id : undefined;
  }

  async get(id: string | undefined): Promise<Snapshot<T, M> | undefined> {
    return id === undefined ? undefined : this.store.get(`snapshot:${id}`);
  }

  /** Keeps a position and returns its reference, or undefined when the store refused it. */
  async keepPosition(after: SortKey): Promise<string | undefined> {
    const id = randomUUID();
    return (await this.store.set(`position:${id}`, after)) ? id : undefined;
  }

  async position(ref: string): Promise<SortKey | undefined> {
    return this.store.get(`position:${ref}`);
  }
}

export interface ResumedQuery<A, R> {
  /** The query's arguments, cursor and limit aside. */
  args: A;
  /** What the arguments resolved to when the query was first run (its date range, say). */
  resolved: R;
  after: SortKey | undefined;
  /** A position kept server-side, in place of `after`. */
  afterRef?: string | undefined;
  snapshot: string | undefined;
}

/**
 * The query a listing call serves. Without a cursor, it is the call's own arguments, resolved
 * now. With one, it is the cursor's query as first resolved, so a relative period does not
 * shift under a walk that crosses midnight. Arguments passed beside a cursor must repeat it.
 */
export function resumeQuery<A extends Record<string, unknown>, R>(
  codec: CursorCodec,
  tool: string,
  cursor: string | undefined,
  args: A,
  resolve: (args: A) => R,
): ResumedQuery<A, R> {
  const given = Object.fromEntries(Object.entries(args).filter(([, value]) => value !== undefined)) as A;
  if (cursor === undefined) return { args: given, resolved: resolve(given), after: undefined, snapshot: undefined };
  const payload = codec.decode(tool, cursor);
  for (const [field, value] of Object.entries(given)) {
    if (JSON.stringify(payload.query[field]) !== JSON.stringify(value)) {
      throw new UserInputError(
        'cursor',
        `it was issued for a different query (${field} was ${JSON.stringify(payload.query[field] ?? null)}, now ` +
          `${JSON.stringify(value)}). Omit cursor to start the new query, or repeat the original arguments.`,
      );
    }
  }
  // The payload's signature proves this server wrote it from these very types.
  return {
    args: payload.query as A,
    resolved: payload.resolved as R,
    after: payload.after,
    afterRef: payload.afterRef,
    snapshot: payload.snapshot,
  };
}

export interface PageRequest<T, M> {
  tool: string;
  resumed: ResumedQuery<Record<string, unknown>, unknown>;
  limit: number;
  keyOf: (item: T) => SortKey;
  codec: CursorCodec;
  snapshots: SnapshotStore<T, M>;
  /** Computes the items after `after`, newest first; it may keep as few as `keep` of them. */
  compute: (after: SortKey | undefined, keep: number) => Promise<Listing<T, M>>;
  /** What one page may weigh in the answer; a page that would pass it ends early, with a cursor. */
  budget?: PageBudget<T>;
}

/**
 * One page of a listing, from its snapshot while the snapshot lives, else recomputed. A fresh
 * listing is kept as a snapshot only when a cursor is issued to continue it.
 */
export async function servePage<T, M>(request: PageRequest<T, M>): Promise<{ items: T[]; meta: M; nextCursor?: string }> {
  const { resumed, limit, keyOf, snapshots } = request;
  const after = await positionOf(resumed, snapshots);
  let snapshotId = resumed.snapshot;
  let source: Snapshot<T, M> | undefined = await snapshots.get(snapshotId);
  let fresh: Listing<T, M> | undefined;
  if (!source) {
    fresh = await request.compute(after, limit + 1);
    source = fresh;
  }
  const page = pageAfter(source.items, keyOf, after, limit, request.budget);
  if (!page.nextAfter) return { items: page.items, meta: source.meta };
  if (fresh) snapshotId = fresh.complete ? await snapshots.put(fresh) : undefined;
  const payload = { tool: request.tool, query: resumed.args, resolved: resumed.resolved, ...(snapshotId ? { snapshot: snapshotId } : {}) };
  const nextCursor = await shortCursor(request.codec, payload, page.nextAfter, snapshots);
  return { items: page.items, meta: source.meta, nextCursor };
}

async function positionOf<T, M>(resumed: ResumedQuery<unknown, unknown>, snapshots: SnapshotStore<T, M>): Promise<SortKey | undefined> {
  if (resumed.afterRef === undefined) return resumed.after;
  const kept = await snapshots.position(resumed.afterRef);
  if (!kept) throw new UserInputError('cursor', `it has expired (cursors last ${Math.round(snapshots.ttlMs / 60_000)} minutes). ${START_OVER}`);
  return kept;
}

/** The cursor for the next page: short, and never longer than the tools accept. */
async function shortCursor<T, M>(
  codec: CursorCodec,
  payload: Omit<CursorPayload, 'after' | 'afterRef'>,
  after: SortKey,
  snapshots: SnapshotStore<T, M>,
): Promise<string> {
  const inline = codec.encode({ ...payload, after });
  if (inline.length <= SHORT_CURSOR_CHARS) return inline;
  const ref = await snapshots.keepPosition(after);
  if (ref !== undefined) return codec.encode({ ...payload, afterRef: ref });
  if (inline.length <= MAX_CURSOR_CHARS) return inline;
  throw new ConfigurationError(
    'More items follow, but the position of the next page could not be kept (the shared store is unavailable) and ' +
      'is too long to carry in a cursor. Try again in a moment, or narrow the query so that fewer items match.',
  );
}
