import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../src/state/memory-store.js';
import { DEFAULT_SNAPSHOT_LIMITS, SnapshotStore } from '../src/tools/cursors.js';

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

  it('keeps what its codec writes, counts that against its bounds, and reads a value the codec refuses as a miss', async () => {
    // Runs of equal numbers as [value, count, value, count…]: a thousand 7s keep as [7,1000].
    const codec = {
      encode(items: number[]): number[] {
        const runs: number[] = [];
        for (const item of items) {
          if (runs.at(-2) === item) runs[runs.length - 1] = (runs.at(-1) ?? 0) + 1;
          else runs.push(item, 1);
        }
        return runs;
      },
      decode(kept: unknown): number[] | undefined {
        if (!Array.isArray(kept) || kept.length % 2 !== 0) return undefined;
        const runs = kept as number[];
        return runs.flatMap((value, index) => (index % 2 === 0 ? Array<number>(runs[index + 1] ?? 0).fill(value) : []));
      },
    };
    const maxBytes = JSON.stringify({ items: [7, 1000], meta: 'a' }).length;
    const memory = new MemoryStore({ ttlMs: 100, maxBytes, maxEntryBytes: maxBytes, maxEntries: 2 });
    const store = new SnapshotStore<number, string>({ ...DEFAULT_SNAPSHOT_LIMITS, store: memory }, codec);
    const thousand = Array<number>(1000).fill(7);
    const id = await store.put({ items: thousand, meta: 'a' });
    expect(await store.get(id)).toEqual({ items: thousand, meta: 'a' });
    expect(await memory.get(`snapshot:${id}`)).toEqual({ items: [7, 1000], meta: 'a' });
    expect(await store.put({ items: [1, 2], meta: 'a' })).toBeUndefined();
    await memory.set(`snapshot:${id}`, { items: [7], meta: 'a' });
    expect(await store.get(id)).toBeUndefined();
  });
});
