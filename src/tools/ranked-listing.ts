import { type Sequence, positionKey } from '../reporting/listing.js';
import { type Cursors, type ResumedQuery, type ServedPage, type SnapshotStore, servePage } from './cursors.js';

/** An item of a list the tool ranks itself, with its place in that ranking. */
export type Ranked<T> = T & { position: number };

export function ranked<T extends object>(items: readonly T[]): Ranked<T>[] {
  return items.map((item, position) => ({ ...item, position }));
}

/**
 * A ranking kept in a form of its own (columns rather than objects), read item by item with
 * each item's place: only the items of a page are ever built.
 */
export class Positioned<T extends object, R extends Sequence<T>> implements Sequence<Ranked<T>> {
  constructor(readonly ranking: R) {}

  get length(): number {
    return this.ranking.length;
  }

  at(position: number): Ranked<T> | undefined {
    const item = this.ranking.at(position);
    return item === undefined ? undefined : { ...item, position };
  }
}

interface RankedContext<T, M, S extends Sequence<Ranked<T>>> {
  cursors: Cursors;
  state: { snapshots: SnapshotStore<Ranked<T>, M, S> };
}

/**
 * One page of a list ranked by something other than time (undelivered first, most failures
 * first, problems first): paged by position with the tool's cursors, from its snapshot while
 * that lives, and cut to the answer budget by `fits`.
 */
export function serveRankedPage<T, M, S extends Sequence<Ranked<T>>>(
  tool: string,
  context: RankedContext<T, M, S>,
  query: { resumed: ResumedQuery<Record<string, unknown>, unknown>; limit: number },
  compute: () => Promise<{ items: S; meta: M }>,
  fits: (page: ServedPage<Ranked<T>, M>) => boolean,
) {
  return servePage({
    tool,
    resumed: query.resumed,
    limit: query.limit,
    keyOf: (item: Ranked<T>) => positionKey(item.position),
    cursors: context.cursors,
    snapshots: context.state.snapshots,
    compute: async () => ({ ...(await compute()), complete: true }),
    fits,
  });
}
