import { expect } from 'vitest';
import type { AccountStore, StoreBounds } from '../../src/state/store.js';

/**
 * The shares of a store that every account shares, checked the same way on the memory store and
 * on Redis: each account within a quarter of the store, its own oldest going first past that;
 * when all together fill it, a write evicts the writer's own oldest entries only, and is refused
 * when even all of them gone would not make room, so no account's writes evict another's entries.
 */

/** A value whose JSON length is exactly `size`: `{"p":""}` is 8 characters. */
export const sized = (size: number) => ({ p: 'x'.repeat(size - 8) });

const scope = (name: string) => name.repeat(64);

/** What each account still holds of the keys it wrote. */
async function holdings(store: AccountStore, written: Record<string, string[]>): Promise<Record<string, string[]>> {
  const held: Record<string, string[]> = {};
  for (const [account, keys] of Object.entries(written)) {
    const view = store.forAccount(scope(account));
    held[account] = [];
    for (const key of keys) if ((await view.get(key)) !== undefined) held[account].push(key);
  }
  return held;
}

/** 400 bytes in all, entries of at most 100: each account's share is 100 bytes. */
export const BYTE_BOUNDS: StoreBounds = { ttlMs: 60_000, maxBytes: 400, maxEntryBytes: 100 };

/** Writes each entry in turn, checking whether the store kept it, and returns the keys each account wrote. */
async function writeAll(store: AccountStore, writes: ReadonlyArray<[string, string, number, boolean]>, written: Record<string, string[]> = {}) {
  for (const [account, key, size, kept] of writes) {
    expect(await store.forAccount(scope(account)).set(key, sized(size)), `${key} kept`).toBe(kept);
    if (!(written[account] ??= []).includes(key)) written[account].push(key);
  }
  return written;
}

export async function checkByteShares(store: AccountStore): Promise<void> {
  const written = await writeAll(store, [
    ['a', 'a1', 60, true], ['a', 'a2', 30, true], ['a', 'a3', 40, true], // a passes its 100 bytes: its own a1 goes.
    ['b', 'b1', 50, true], ['c', 'c1', 90, true], ['d', 'd1', 80, true], ['e', 'e1', 60, true], ['f', 'f1', 45, true], // 395 bytes in all.
    // 495 > 400, and g holds nothing of its own to make room with: refused, though c holds 90 of its 100 bytes.
    ['g', 'g1', 100, false],
    // 425 > 400: e's own e1 goes (365), though e is within its share and others hold more.
    ['e', 'e2', 30, true],
    ['b', 'b2', 35, true], // 400: fits exactly.
    ['a', 'a4', 10, true], // 410 > 400: a's own oldest, a2, goes (380).
    // f's own 45 bytes gone, 335 + 100 still pass 400: refused, and f1 written over is forgotten.
    ['f', 'f1', 100, false],
  ]);
  const after = { a: ['a3', 'a4'], b: ['b1', 'b2'], c: ['c1'], d: ['d1'], e: ['e2'], f: [], g: [] };
  expect(await holdings(store, written)).toEqual(after);
  // However much others write, c and d keep theirs: a newcomer is refused, a holder evicts only its own.
  const flood = Array.from({ length: 20 }, (_, n): [string, string, number, boolean] => (n % 2 === 0 ? ['g', `g${n}`, 100, false] : ['e', `e${n}`, 50, true]));
  await writeAll(store, flood, written);
  expect(await holdings(store, written)).toEqual({ ...after, e: ['e19'], g: [] });
  // An entry larger than a share is never kept, and costs no one anything.
  expect(await store.forAccount(scope('h')).set('h1', sized(101))).toBe(false);
  expect(await holdings(store, { b: ['b1'] })).toEqual({ b: ['b1'] });
}

/** 16 entries in all: each account's share is 4 entries. */
export const ENTRY_BOUNDS: StoreBounds = { ttlMs: 60_000, maxBytes: 1_000_000, maxEntryBytes: 1_000, maxEntries: 16 };

export async function checkEntryShares(store: AccountStore): Promise<void> {
  const counts: Array<[string, number]> = [['a', 5], ['b', 3], ['c', 2], ['d', 1], ['e', 2], ['f', 3], ['g', 2]];
  // a's fifth entry pushes out its first (its share); g's second, the 17th entry, pushes out g's own first, not a's.
  const writes = counts.flatMap(([account, count]) => Array.from({ length: count }, (_, n): [string, string, number, boolean] => [account, `${account}${n + 1}`, 20, true]));
  // 16 entries, none of them h's: h is refused.
  const written = await writeAll(store, [...writes, ['h', 'h1', 20, false]]);
  expect(await holdings(store, written)).toEqual({
    a: ['a2', 'a3', 'a4', 'a5'],
    b: ['b1', 'b2', 'b3'],
    c: ['c1', 'c2'],
    d: ['d1'],
    e: ['e1', 'e2'],
    f: ['f1', 'f2', 'f3'],
    g: ['g2'],
    h: [],
  });
}
