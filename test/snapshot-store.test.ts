import { describe, expect, it } from 'vitest';
import { SnapshotStore } from '../src/tools/cursors.js';

describe('SnapshotStore', () => {
  it('holds at most maxSnapshots and maxBytes, drops the oldest first, and forgets expired ones', async () => {
    let now = 0;
    // Each snapshot's size is its JSON length: {"items":[1,2],"meta":"a"} is 27 bytes, one item fewer 25.
    const size = (items: number[], meta: string) => JSON.stringify({ items, meta }).length;
    const maxBytes = size([1, 2], 'a') + size([3], 'b');
    const store = new SnapshotStore<number, string>({ maxSnapshots: 2, maxBytes, maxSnapshotBytes: maxBytes, ttlMs: 100, now: () => now });
    const a = await store.put({ items: [1, 2], meta: 'a' });
    const b = await store.put({ items: [3], meta: 'b' });
    expect((await store.get(a))?.meta).toBe('a');
    const c = await store.put({ items: [4], meta: 'c' });
    expect([await store.get(a), (await store.get(b))?.meta, (await store.get(c))?.meta]).toEqual([undefined, 'b', 'c']);
    const d = await store.put({ items: [5, 6], meta: 'd' });
    expect([await store.get(b), (await store.get(c))?.meta, (await store.get(d))?.items]).toEqual([undefined, 'c', [5, 6]]);
    const e = await store.put({ items: [7, 8], meta: 'e' });
    expect([await store.get(c), await store.get(d), (await store.get(e))?.meta]).toEqual([undefined, undefined, 'e']);
    expect(await store.put({ items: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], meta: 'too large' })).toBeUndefined();
    expect((await store.get(e))?.meta).toBe('e');
    now = 100;
    expect(await store.get(e)).toBeUndefined();
    expect(await store.get(undefined)).toBeUndefined();
  });
});
