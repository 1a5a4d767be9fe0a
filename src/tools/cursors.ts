import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { UserInputError } from '../errors.js';
import { ExpiringStore } from '../reporting/expiring-store.js';
import { type Listing, type PageBudget, type SortKey, pageAfter } from '../reporting/listing.js';

/**
 * Cursors of the listing tools: a signed, opaque continuation of one tool's query, and the
 * snapshots that let a cursor continue without refetching the range.
 */

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
  const { resumed, limit, keyOf } = request;
  let snapshotId = resumed.snapshot;
  let source: Snapshot<T, M> | undefined = request.snapshots.get(snapshotId);
  let fresh: Listing<T, M> | undefined;
  if (!source) {
    fresh = await request.compute(resumed.after, limit + 1);
    source = fresh;
  }
  const page = pageAfter(source.items, keyOf, resumed.after, limit, request.budget);
  if (!page.nextAfter) return { items: page.items, meta: source.meta };
  if (fresh) snapshotId = fresh.complete ? request.snapshots.put(fresh) : undefined;
  const nextCursor = request.codec.encode({
    tool: request.tool,
    query: resumed.args,
    resolved: resumed.resolved,
    after: page.nextAfter,
    ...(snapshotId ? { snapshot: snapshotId } : {}),
  });
  return { items: page.items, meta: source.meta, nextCursor };
}
