import { expect } from 'vitest';
import type { AccountStore, StoreBounds } from '../../src/state/store.js';

/**
 * The shares of a store that every account shares, checked the same way on the memory store and
 * on Redis: each account within a quarter of the store, its own oldest going first past that,
 * and, when all together fill it, the account holding the most of its share giving way.
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

export async function checkByteShares(store: AccountStore): Promise<void> {
  const writes: Array<[string, string, number]> = [
    ['a', 'a1', 60], ['a', 'a2', 30], ['a', 'a3', 40], // a passes its 100 bytes: its own a1 goes.
    ['b', 'b1', 50], ['c', 'c1', 90], ['d', 'd1', 80], ['e', 'e1', 60], ['f', 'f1', 45], // 395 bytes in all.
    // 495 > 400: g holds nothing, so c (90 of its 100) gives way, then d (80); a, b, e and f hold less.
    ['g', 'g1', 100],
    ['b', 'b2', 50], // 375: fits.
  ];
  const written: Record<string, string[]> = {};
  for (const [account, key, size] of writes) {
    expect(await store.forAccount(scope(account)).set(key, sized(size))).toBe(true);
    (written[account] ??= []).push(key);
  }
  expect(await holdings(store, written)).toEqual({ a: ['a2', 'a3'], b: ['b1', 'b2'], c: [], d: [], e: ['e1'], f: ['f1'], g: ['g1'] });
  // An entry larger than a share is never kept, and costs no one anything.
  expect(await store.forAccount(scope('h')).set('h1', sized(101))).toBe(false);
  expect(await holdings(store, { b: ['b1'] })).toEqual({ b: ['b1'] });
}

/** 16 entries in all: each account's share is 4 entries. */
export const ENTRY_BOUNDS: StoreBounds = { ttlMs: 60_000, maxBytes: 1_000_000, maxEntryBytes: 1_000, maxEntries: 16 };

export async function checkEntryShares(store: AccountStore): Promise<void> {
  const counts: Array<[string, number]> = [['a', 5], ['b', 3], ['c', 2], ['d', 1], ['e', 2], ['f', 3], ['g', 2]];
  const written: Record<string, string[]> = {};
  for (const [account, count] of counts) {
    for (let n = 1; n <= count; n += 1) {
      expect(await store.forAccount(scope(account)).set(`${account}${n}`, sized(20))).toBe(true);
      (written[account] ??= []).push(`${account}${n}`);
    }
  }
  // a's fifth entry pushed out its first; g's second, the 17th entry, pushed out the oldest of a, the one holding its whole share.
  expect(await holdings(store, written)).toEqual({
    a: ['a3', 'a4', 'a5'],
    b: ['b1', 'b2', 'b3'],
    c: ['c1', 'c2'],
    d: ['d1'],
    e: ['e1', 'e2'],
    f: ['f1', 'f2', 'f3'],
    g: ['g1', 'g2'],
  });
}
