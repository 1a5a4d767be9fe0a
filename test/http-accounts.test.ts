import { describe, expect, it } from 'vitest';
import { ConcurrencyLimiter } from '../src/api/limiter.js';
import { AccountRegistry } from '../src/server/accounts.js';
import { MemoryStore } from '../src/state/memory-store.js';
import { TOOLS } from '../src/tools/index.js';
import { silentLogger } from '../src/log.js';
import { BYTE_BOUNDS, ENTRY_BOUNDS, checkByteShares, checkEntryShares } from './support/store-shares.js';

function registry(secret?: string, maxAccounts = 2): AccountRegistry {
  const store = () => new MemoryStore({ ttlMs: 60_000, maxBytes: 1_000_000, maxEntryBytes: 1_000_000 });
  return new AccountRegistry({
    apiUrl: 'http://127.0.0.1:9/v1',
    maxRangeDays: 366,
    client: { timeoutMs: 1_000, concurrency: 2 },
    tools: TOOLS,
    stores: { snapshots: store(), windows: store(), recipients: store(), blacklists: store(), keyChecks: store() },
    secret,
    logger: silentLogger,
    maxAccounts,
  });
}

const account = (n: number) => ({ key: `key-${n}`, hash: `hash-${n}` });

describe('accounts', () => {
  it('are identified by an HMAC that replicas sharing the secret agree on, and that holds no credential', () => {
    const secret = 's'.repeat(32);
    const id = registry(secret).identify(account(1));
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(registry(secret).identify(account(1))).toBe(id);
    expect(registry(secret).identify(account(2))).not.toBe(id);
    expect(registry('t'.repeat(32)).identify(account(1))).not.toBe(id);
    expect(registry().identify(account(1))).not.toBe(registry().identify(account(1)));
    // Key and hash are kept apart: moving a character from one to the other is another account.
    expect(registry(secret).identify({ key: 'ab', hash: 'c' })).not.toBe(registry(secret).identify({ key: 'a', hash: 'bc' }));
  });

  it('are opened once, and the least recently used idle one is closed past the bound, never a busy or pinned one', async () => {
    const accounts = registry(undefined, 2);
    const pinned = accounts.pin(account(0));
    const first = accounts.resolve(account(1));
    expect(accounts.resolve(account(1))).toBe(first);
    first.callsInFlight = 1;
    const second = accounts.resolve(account(2));
    // Full: account 1 is busy and account 0 pinned, so the newest idle one, account 2, makes room.
    accounts.resolve(account(3));
    expect(accounts.resolve(account(1))).toBe(first);
    expect(accounts.resolve(account(0))).toBe(pinned);
    expect(accounts.resolve(account(2))).not.toBe(second);
    // Least recently used first: account 1, idle again, goes before account 2.
    first.callsInFlight = 0;
    accounts.resolve(account(4));
    const again = accounts.resolve(account(2));
    expect(accounts.resolve(account(1))).not.toBe(first);
    expect(again).not.toBe(second);
    await accounts.close();
  });

  it('share one memory store, each within its share in bytes, a write evicting only the writer\'s own entries when all together fill it', async () => {
    await checkByteShares(new MemoryStore(BYTE_BOUNDS));
  });

  it('share one memory store, each within its share in entries too', async () => {
    await checkEntryShares(new MemoryStore(ENTRY_BOUNDS));
  });

  it('keep a private memory store whole, with no share, when used without an account', async () => {
    const store = new MemoryStore(BYTE_BOUNDS);
    for (const key of ['one', 'two', 'three', 'four']) expect(await store.set(key, { p: 'x'.repeat(92) })).toBe(true);
    expect(await Promise.all(['one', 'two', 'three', 'four'].map((key) => store.get(key)))).toEqual(Array(4).fill({ p: 'x'.repeat(92) }));
    expect(await store.set('five', { p: 'x'.repeat(92) })).toBe(true);
    expect(await store.get('one')).toBeUndefined();
  });
});

describe('the upstream limits', () => {
  const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

  it('cap each account and the process, and a second account is served before the first account\'s queue', async () => {
    const process = new ConcurrencyLimiter(4, null);
    const [big, small] = [new ConcurrencyLimiter(3, process), new ConcurrencyLimiter(3, process)];
    let running = 0;
    let peak = 0;
    const order: string[] = [];
    const task = (name: string) => async () => {
      running += 1;
      peak = Math.max(peak, running);
      await tick();
      running -= 1;
      order.push(name);
    };
    const scan = Array.from({ length: 30 }, () => big.run(undefined, task('big')));
    await tick();
    const question = small.run(undefined, task('small'));
    await Promise.all([...scan, question]);
    expect(peak).toBeLessThanOrEqual(4);
    // The big account holds at most 3 of the 4 slots, so the small one never waits for its queue.
    expect(order.indexOf('small')).toBeLessThan(6);
  });
});
