import { describe, expect, it } from 'vitest';
import type { SortKey } from '../src/reporting/listing.js';
import { CursorCodec, SnapshotStore, resumeQuery, servePage } from '../src/tools/cursors.js';
import type { SharedStore } from '../src/state/store.js';
import { MemoryStore } from '../src/state/memory-store.js';

interface Item {
  at: string;
  id: string;
}

const keyOf = (item: Item): SortKey => ({ at: item.at, id: item.id });
/** Inbox ids are the API's strings: nothing bounds their length. */
const items: Item[] = Array.from({ length: 9 }, (_, index) => ({ at: `2026-04-0${9 - index} 10:00:00`, id: `${'x'.repeat(6_000)}-${index}` }));
const LIMITS = { maxBytes: 10_000_000, maxSnapshotBytes: 10_000_000, maxSnapshots: 100, ttlMs: 60_000, now: () => 0 };

async function walk(codec: CursorCodec, snapshots: SnapshotStore<Item, null>, complete: boolean) {
  const seen: string[] = [];
  const cursors: string[] = [];
  let cursor: string | undefined;
  do {
    const resumed = resumeQuery(codec, 'list', cursor, {}, () => null);
    const page = await servePage({
      tool: 'list',
      resumed,
      limit: 2,
      keyOf,
      codec,
      snapshots,
      compute: (after) => Promise.resolve({ items: items.filter((item) => !after || item.at < after.at), meta: null, complete }),
    });
    seen.push(...page.items.map((item) => item.id));
    cursor = page.nextCursor;
    if (cursor) cursors.push(cursor);
  } while (cursor);
  return { seen, cursors };
}

describe('cursors', () => {
  it('stay short whatever the ids, and continue exactly, with or without a snapshot', async () => {
    const codec = new CursorCodec();
    for (const complete of [true, false]) {
      const { seen, cursors } = await walk(codec, new SnapshotStore(LIMITS), complete);
      expect(seen).toEqual(items.map((item) => item.id));
      expect(cursors).toHaveLength(4);
      for (const cursor of cursors) expect(cursor.length).toBeLessThanOrEqual(512);
    }
  });

  it('are never issued longer than the tools accept, even when the store refuses to keep a position', async () => {
    const refusing: SharedStore = { get: () => Promise.resolve(undefined), set: () => Promise.resolve(false) };
    const codec = new CursorCodec();
    await expect(walk(codec, new SnapshotStore({ ...LIMITS, store: refusing }), true)).rejects.toThrow(/could not be kept/);
  });

  it('store nothing when no cursor is issued', async () => {
    const store = new MemoryStore({ ttlMs: 60_000, maxBytes: 10_000_000, maxEntryBytes: 10_000_000 });
    let writes = 0;
    const counting: SharedStore = { get: (key) => store.get(key), set: (key, value) => ((writes += 1), store.set(key, value)) };
    const codec = new CursorCodec();
    const resumed = resumeQuery(codec, 'list', undefined, {}, () => null);
    const page = await servePage({
      tool: 'list', resumed, limit: 50, keyOf, codec,
      snapshots: new SnapshotStore<Item, null>({ ...LIMITS, store: counting }),
      compute: () => Promise.resolve({ items, meta: null, complete: true }),
    });
    expect(page.nextCursor).toBeUndefined();
    expect(writes).toBe(0);
  });

  it('belong to the account they were signed for', () => {
    const secret = Buffer.alloc(32, 1);
    const mine = new CursorCodec(secret, 'account-a');
    const cursor = mine.encode({ tool: 'list', query: {}, resolved: null, after: { at: 'a', id: '1' } });
    expect(new CursorCodec(secret, 'account-a').decode('list', cursor).after).toEqual({ at: 'a', id: '1' });
    expect(() => new CursorCodec(secret, 'account-b').decode('list', cursor)).toThrow(/belongs to another account/);
  });
});
