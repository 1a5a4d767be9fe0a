import { describe, expect, it } from 'vitest';
import type { SortKey } from '../src/reporting/listing.js';
import { Cursors, MAX_CURSOR_CHARS, SnapshotStore, resumeQuery, servePage } from '../src/tools/cursors.js';
import type { SharedStore } from '../src/state/store.js';
import { MemoryStore } from '../src/state/memory-store.js';

interface Item {
  at: string;
  id: string;
}

const keyOf = (item: Item): SortKey => ({ at: item.at, id: item.id });
/** Inbox ids are the API's strings: nothing bounds their length. */
const items: Item[] = Array.from({ length: 9 }, (_, index) => ({ at: `2026-04-0${9 - index} 10:00:00`, id: `${'x'.repeat(6_000)}-${index}` }));
const TTL_MS = 10 * 60_000;
const LIMITS = { maxBytes: 10_000_000, maxSnapshotBytes: 10_000_000, maxSnapshots: 100, ttlMs: TTL_MS, now: () => 0 };

function memoryStore(now: () => number = () => 0): SharedStore {
  return new MemoryStore({ ttlMs: TTL_MS, maxBytes: 10_000_000, maxEntryBytes: 10_000_000 }, now);
}

async function walk(store: SharedStore, complete: boolean, query: Record<string, unknown> = {}) {
  const cursors = new Cursors(store, TTL_MS);
  const snapshots = new SnapshotStore<Item, null>({ ...LIMITS, store });
  const seen: string[] = [];
  const issued: string[] = [];
  let cursor: string | undefined;
  do {
    const resumed = await resumeQuery(cursors, 'list', cursor, cursor ? {} : query, () => null);
    const page = await servePage({
      tool: 'list',
      resumed,
      limit: 2,
      keyOf,
      cursors,
      snapshots,
      compute: (after) => Promise.resolve({ items: items.filter((item) => !after || item.at < after.at), meta: null, complete }),
      fits: () => true,
    });
    seen.push(...page.items.map((item) => item.id));
    cursor = page.nextCursor;
    if (cursor) issued.push(cursor);
  } while (cursor);
  return { seen, issued };
}

describe('cursors', () => {
  it('are short references whatever the ids and the query, and continue exactly, with or without a snapshot', async () => {
    for (const complete of [true, false]) {
      const { seen, issued } = await walk(memoryStore(), complete, { contains: 'ç'.repeat(160), sender: 'S'.repeat(64) });
      expect(seen).toEqual(items.map((item) => item.id));
      expect(issued).toHaveLength(4);
      for (const cursor of issued) expect(cursor).toMatch(/^[\w-]{22}\.[\w-]{22}$/);
      expect(MAX_CURSOR_CHARS).toBe(80);
    }
  });

  it('say so when the store cannot keep them, rather than issue a cursor that cannot continue', async () => {
    const refusing: SharedStore = { get: () => Promise.resolve(undefined), set: () => Promise.resolve(false) };
    await expect(walk(refusing, true)).rejects.toThrow(/could not be kept/);
  });

  it('store nothing when no cursor is issued', async () => {
    const store = memoryStore();
    let writes = 0;
    const counting: SharedStore = { get: (key) => store.get(key), set: (key, value) => ((writes += 1), store.set(key, value)) };
    const cursors = new Cursors(counting, TTL_MS);
    const resumed = await resumeQuery(cursors, 'list', undefined, {}, () => null);
    const page = await servePage({
      tool: 'list', resumed, limit: 50, keyOf, cursors,
      snapshots: new SnapshotStore<Item, null>({ ...LIMITS, store: counting }),
      compute: () => Promise.resolve({ items, meta: null, complete: true }),
      fits: () => true,
    });
    expect(page.nextCursor).toBeUndefined();
    expect(writes).toBe(0);
  });

  const STATE = { tool: 'list', query: { sender: 'ACME' }, resolved: { start: '2026-04-01', end: '2026-04-22' }, after: { at: 'a', id: '1' } };

  it('belong to the account and the tool they were signed for, even in a store they share', async () => {
    const secret = Buffer.alloc(32, 1);
    const store = memoryStore();
    const cursor = (await new Cursors(store, TTL_MS, secret, 'account-a').issue(STATE)) as string;
    expect(await new Cursors(store, TTL_MS, secret, 'account-a').resume('list', cursor)).toEqual(STATE);
    await expect(new Cursors(store, TTL_MS, secret, 'account-b').resume('list', cursor)).rejects.toThrow(/belongs to another account/);
    await expect(new Cursors(store, TTL_MS, secret, 'account-a').resume('other', cursor)).rejects.toThrow('Invalid cursor: it belongs to list, not other.');
    await expect(new Cursors(store, TTL_MS, Buffer.alloc(32, 2), 'account-a').resume('list', cursor)).rejects.toThrow(/not issued by this server session/);
  });

  it('refuse an altered reference, even to a state that exists', async () => {
    const cursors = new Cursors(memoryStore(), TTL_MS);
    const [first = '', signature = ''] = ((await cursors.issue(STATE)) as string).split('.');
    const [second = ''] = ((await cursors.issue({ ...STATE, after: { at: 'b', id: '2' } })) as string).split('.');
    await expect(cursors.resume('list', `${second}.${signature}`)).rejects.toThrow(/not issued by this server session/);
    await expect(cursors.resume('list', `${first}.${signature}`)).resolves.toEqual(STATE);
  });

  it('evicted to make room, say so as expired ones do', async () => {
    const cursors = new Cursors(new MemoryStore({ ttlMs: TTL_MS, maxBytes: 10_000_000, maxEntryBytes: 10_000_000, maxEntries: 1 }, () => 0), TTL_MS);
    const oldest = (await cursors.issue(STATE)) as string;
    const newest = (await cursors.issue({ ...STATE, after: { at: 'b', id: '2' } })) as string;
    await expect(cursors.resume('list', newest)).resolves.toMatchObject({ after: { at: 'b', id: '2' } });
    await expect(cursors.resume('list', oldest)).rejects.toThrow('Invalid cursor: it has expired: cursors last 10 minutes, fewer when the server needs the room.');
  });

  it('expire with their state, and say how long they last and what to do', async () => {
    let now = 0;
    const cursors = new Cursors(memoryStore(() => now), TTL_MS);
    const cursor = (await cursors.issue(STATE)) as string;
    now = TTL_MS - 1;
    await expect(cursors.resume('list', cursor)).resolves.toEqual(STATE);
    now = TTL_MS;
    await expect(cursors.resume('list', cursor)).rejects.toThrow(
      'Invalid cursor: it has expired: cursors last 10 minutes, fewer when the server needs the room. Call list again without cursor, ' +
        'with the arguments of the first call, to start over.',
    );
  });

  it('refuse arguments beside them that differ from their query, naming the field and the fix; limit is free', async () => {
    const cursors = new Cursors(memoryStore(), TTL_MS);
    const cursor = (await cursors.issue(STATE)) as string;
    const resolve = () => ({ start: 'never', end: 'used' });
    await expect(resumeQuery(cursors, 'list', cursor, { sender: 'ACME', status: undefined }, resolve)).resolves.toEqual({
      args: STATE.query, resolved: STATE.resolved, after: STATE.after, snapshot: undefined,
    });
    await expect(resumeQuery(cursors, 'list', cursor, { sender: 'OTHER' }, resolve)).rejects.toThrow(
      'Invalid cursor: it was issued for a different query (sender was "ACME", now "OTHER"). To continue, pass cursor alone ' +
        '(limit may change the page size) or with sender as it was; to ask the new query, omit cursor.',
    );
    await expect(resumeQuery(cursors, 'list', cursor, { period: 'today' }, resolve)).rejects.toThrow('(period was not given, now "today")');
  });
});
