/**
 * Lists are served newest first and paged by keyset: a page remembers the key of the last item
 * shown, so following pages yields every item exactly once even when a page is recomputed.
 */
export interface SortKey {
  at: string;
  id: string;
}

const DIGITS = /^\d+$/;

/**
 * A total order on any id strings, so keyset paging never skips or repeats: ids of digits
 * come first, in numeric order (leading zeros aside, then as written), then every other id in
 * code-unit order.
 */
export function compareIds(a: string, b: string): number {
  const aNumeric = DIGITS.test(a);
  const bNumeric = DIGITS.test(b);
  if (aNumeric !== bNumeric) return aNumeric ? -1 : 1;
  if (aNumeric) {
    const aValue = a.replace(/^0+/, '');
    const bValue = b.replace(/^0+/, '');
    if (aValue.length !== bValue.length) return aValue.length - bValue.length;
    if (aValue !== bValue) return aValue < bValue ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Negative when `a` is shown before `b`: newer first, and the larger id first on a tie. */
export function compareNewestFirst(a: SortKey, b: SortKey): number {
  if (a.at !== b.at) return a.at < b.at ? 1 : -1;
  return -compareIds(a.id, b.id);
}

/**
 * The key of an item at `position` of a list a tool ranks by something other than time (most
 * failures first, say): item 0 is shown first, then 1, and so on, so such a list pages by
 * position with the same cursors as the time-ordered ones.
 */
export function positionKey(position: number): SortKey {
  return { at: '', id: String(Number.MAX_SAFE_INTEGER - position) };
}

function isShownAfter(key: SortKey, after: SortKey | undefined): boolean {
  return after === undefined || compareNewestFirst(key, after) > 0;
}

/** A list read one item at a time: an array, or a ranking kept in a compact form. */
export interface Sequence<T> {
  readonly length: number;
  at(index: number): T | undefined;
}

export interface Page<T> {
  items: T[];
  /** The key of the last item shown when more items follow it. */
  nextAfter: SortKey | undefined;
}

/** The first `limit` items after `after` from a newest-first list. */
export function pageAfter<T>(sorted: Sequence<T>, keyOf: (item: T) => SortKey, after: SortKey | undefined, limit: number): Page<T> {
  let start = 0;
  let end = sorted.length;
  while (start < end) {
    const middle = (start + end) >>> 1;
    if (isShownAfter(keyOf(sorted.at(middle) as T), after)) end = middle;
    else start = middle + 1;
  }
  const items: T[] = [];
  for (let index = start; index < Math.min(start + limit, sorted.length); index += 1) items.push(sorted.at(index) as T);
  const last = items.at(-1);
  return { items, nextAfter: start + items.length < sorted.length && last !== undefined ? keyOf(last) : undefined };
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

/** A listing's matching items after a key, newest first, and what the tool says about them. */
export interface Listing<T, M> {
  items: T[];
  meta: M;
  /** True when `items` holds every item after the key, so it can serve later pages too. */
  complete: boolean;
}
