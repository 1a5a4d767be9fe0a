import { describe, expect, it } from 'vitest';
import { SnapshotStore } from '../src/tools/cursors.js';

describe('SnapshotStore', () => {
  it('holds at most maxSnapshots and maxItems, drops the oldest first, and forgets expired ones', () => {
    let now = 0;
    const store = new SnapshotStore<number, string>({ maxSnapshots: 2, maxItems: 5, ttlMs: 100, now: () => now });
    const a = store.put({ items: [1, 2], meta: 'a' });
    const b = store.put({ items: [3], meta: 'b' });
    expect(store.get(a)?.meta).toBe('a');
    const c = store.put({ items: [4], meta: 'c' });
    expect([store.get(a), store.get(b)?.meta, store.get(c)?.meta]).toEqual([undefined, 'b', 'c']);
    const d = store.put({ items: [5, 6, 7, 8], meta: 'd' });
    expect([store.get(b), store.get(c)?.meta, store.get(d)?.items]).toEqual([undefined, 'c', [5, 6, 7, 8]]);
    const e = store.put({ items: [9], meta: 'e' });
    expect([store.get(c), store.get(d)?.meta, store.get(e)?.meta]).toEqual([undefined, 'd', 'e']);
    expect(store.put({ items: [1, 2, 3, 4, 5, 6], meta: 'too large' })).toBeUndefined();
    expect(store.get(d)?.meta).toBe('d');
    now = 100;
    expect(store.get(d)).toBeUndefined();
    expect(store.get(undefined)).toBeUndefined();
  });
});
