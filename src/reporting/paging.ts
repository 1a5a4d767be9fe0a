import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { UserInputError } from '../errors.js';
import { ExpiringStore } from './expiring-store.js';

/**
 * Lists are served newest first and paged by keyset: a cursor remembers the last item shown,
 * so following cursors yields every item exactly once even when a page is recomputed.
 */
export interface SortKey {
  at: string;
  id: string;
}

function compareIds(a: string, b: string): number {
  const numeric = /^\d+$/.test(a) && /^\d+$/.test(b);
  if (numeric && a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Negative when `a` is shown before `b`: newer first, and the larger id first on a tie. */
export function compareNewestFirst(a: SortKey, b: SortKey): number {
  if (a.at !== b.at) return a.at < b.at ? 1 : -1;
  return -compareIds(a.id, b.id);
}

export function isShownAfter(key: SortKey, after: SortKey | undefined): boolean {
  return after === undefined || compareNewestFirst(key, after) > 0;
}

export interface Page<T> {
  items: T[];
  /** The key of the last item shown when more items follow it. */
  nextAfter: SortKey | undefined;
}

/** The first `limit` items after `after` from a newest-first list. */
export function pageAfter<T>(sorted: T[], keyOf: (item: T) => SortKey, after: SortKey | undefined, limit: number): Page<T> {
  let start = 0;
  let end = sorted.length;
  while (start < end) {
    const middle = (start + end) >>> 1;
    if (isShownAfter(keyOf(sorted[middle] as T), after)) end = middle;
    else start = middle + 1;
  }
  const items = sorted.slice(start, start + limit);
  const last = items.at(-1);
  return { items, nextAfter: start + limit < sorted.length && last !== undefined ? keyOf(last) : undefined };
}

/**
 * Collects the items shown after `after`, newest first, holding at most `cap` of them: past the
 * cap it keeps only the first `keep`, which is still enough for one page but no longer a full list.
 */
export class NewestFirstCollector<T> {
  private items: T[] = [];
  private pruned = false;

  constructor(
    private readonly keyOf: (item: T) => SortKey,
    private readonly after: SortKey | undefined,
    private readonly keep: number,
    private readonly cap: number,
  ) {}

  add(item: T): void {
    if (!isShownAfter(this.keyOf(item), this.after)) return;
    this.items.push(item);
    if (this.items.length > this.cap) {
      this.sort();
      this.items.length = this.keep;
      this.pruned = true;
    }
  }

  /** The sorted items, and whether they are every item after the cursor. */
  finish(): { items: T[]; complete: boolean } {
    this.sort();
    return { items: this.items, complete: !this.pruned };
  }

  private sort(): void {
    this.items.sort((a, b) => compareNewestFirst(this.keyOf(a), this.keyOf(b)));
  }
}

const cursorSchema = z.object({
  tool: z.string(),
  query: z.record(z.string(), z.unknown()),
  resolved: z.unknown(),
  after: z.object({ at: z.string(), id: z.string() }),
  snapshot: z.string().optional(),
});

export type CursorPayload = z.infer<typeof cursorSchema>;

const START_OVER = 'Pass nextCursor exactly as a previous result returned it, or omit cursor to start from the newest item.';

/**
 * Cursors are signed with a key that lives as long as the process: a forged, altered or
 * truncated cursor fails its signature and is refused, and so is one from another tool.
 */
export class CursorCodec {
  constructor(private readonly secret: Buffer = randomBytes(32)) {}

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
        `it was not issued by this server session (it was altered, truncated, or the server restarted). ${START_OVER}`,
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
    return createHmac('sha256', this.secret).update(body).digest('base64url').slice(0, 22);
  }
}

export interface SnapshotLimits {
  maxSnapshots: number;
  /** Items held across all snapshots. */
  maxItems: number;
  ttlMs: number;
  now: () => number;
}

export const DEFAULT_SNAPSHOT_LIMITS: SnapshotLimits = {
  maxSnapshots: 16,
  maxItems: 200_000,
  ttlMs: 10 * 60_000,
  now: () => performance.now(),
};

export interface Snapshot<T, M> {
  items: T[];
  meta: M;
}

/**
 * Keeps a listing's computed items for the life of its cursors, so following a cursor does not
 * refetch the range. Bounded by count, total items and age; the oldest goes first.
 */
export class SnapshotStore<T, M> {
  private readonly store: ExpiringStore<Snapshot<T, M>>;

  constructor(limits: SnapshotLimits = DEFAULT_SNAPSHOT_LIMITS) {
    this.store = new ExpiringStore(
      { maxEntries: limits.maxSnapshots, maxWeight: limits.maxItems, ttlMs: limits.ttlMs, now: limits.now },
      (snapshot) => snapshot.items.length,
    );
  }

  /** Keeps the snapshot and returns its id, or undefined when it is too large to keep. */
  put(snapshot: Snapshot<T, M>): string | undefined {
    const id = randomUUID();
    return this.store.set(id, snapshot) ? id : undefined;
  }

  get(id: string | undefined): Snapshot<T, M> | undefined {
    return id === undefined ? undefined : this.store.get(id);
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
  return { args: payload.query as A, resolved: payload.resolved as R, after: payload.after, snapshot: payload.snapshot };
}

export interface Listing<T, M> extends Snapshot<T, M> {
  /** True when `items` holds every item after the cursor, so it can serve later pages too. */
  complete: boolean;
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
}

/** One page of a listing, from its snapshot while the snapshot lives, else recomputed. */
export async function servePage<T, M>(request: PageRequest<T, M>): Promise<{ items: T[]; meta: M; nextCursor?: string }> {
  const { resumed, limit, keyOf } = request;
  let snapshotId = resumed.snapshot;
  let source = request.snapshots.get(snapshotId);
  if (!source) {
    const listing = await request.compute(resumed.after, limit + 1);
    snapshotId = listing.complete ? request.snapshots.put(listing) : undefined;
    source = listing;
  }
  const page = pageAfter(source.items, keyOf, resumed.after, limit);
  if (!page.nextAfter) return { items: page.items, meta: source.meta };
  const nextCursor = request.codec.encode({
    tool: request.tool,
    query: resumed.args,
    resolved: resumed.resolved,
    after: page.nextAfter,
    ...(snapshotId ? { snapshot: snapshotId } : {}),
  });
  return { items: page.items, meta: source.meta, nextCursor };
}
