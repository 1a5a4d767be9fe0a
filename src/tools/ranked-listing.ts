import { positionKey } from '../reporting/listing.js';
import { type Cursors, type PageRequest, type ResumedQuery, type SnapshotStore, servePage } from './cursors.js';

/** An item of a list the tool ranks itself, with its place in that ranking. */
export type Ranked<T> = T & { position: number };

export function ranked<T extends object>(items: readonly T[]): Ranked<T>[] {
  return items.map((item, position) => ({ ...item, position }));
}

interface RankedContext<T, M> {
  cursors: Cursors;
  state: { snapshots: SnapshotStore<Ranked<T>, M> };
}

/**
 * One page of a list ranked by something other than time (undelivered first, most failures
 * first, problems first): paged by position with the tool's cursors, from its snapshot while
 * that lives, and cut to the answer budget by `fits`.
 */
export function serveRankedPage<T, M>(
  tool: string,
  context: RankedContext<T, M>,
  query: { resumed: ResumedQuery<Record<string, unknown>, unknown>; limit: number },
  compute: () => Promise<{ items: Ranked<T>[]; meta: M }>,
  fits: PageRequest<Ranked<T>, M>['fits'],
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
