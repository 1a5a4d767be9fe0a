import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { blacklistBounds } from '../src/reporting/blacklist.js';
import type { BlacklistEntry, SimulatedAccount, SimulatedApi } from '../src/simulator/api-server.js';
import { RESULT_BUDGET_BYTES } from '../src/tools/fields.js';
import { expectedNumber } from './support/ground-truth.js';
import { type Connected, FIXED_NOW, FIXTURE_ACCOUNT, TEST_CREDENTIALS, connect, textOf } from './support/harness.js';
import { accountHeaders, httpClient } from './support/hosted.js';
import { type RedisReplicas, startRedisReplicas } from './support/redis-replicas.js';

/**
 * check_blacklist through the real MCP client against the fake API: a list of 1,000 entries as
 * people paste them, checked against the fixture's blacklist by plain loops; the blacklist walk
 * and its sharing for 5 minutes, in memory and through a real redis-server.
 */

const MINUTE = 60_000;

/** A clock the test moves by hand, starting at the fixtures' moment. */
function handClock() {
  let now = FIXED_NOW.getTime();
  return { clock: () => new Date(now), advance: (ms: number) => (now += ms) };
}

let session: Connected | undefined;
afterEach(async () => {
  await session?.close();
  session = undefined;
});

interface Answer {
  isError: boolean;
  text: string;
  data: Record<string, unknown>;
}

async function call(tool: string, args: Record<string, unknown>, options: Parameters<typeof connect>[0] = {}): Promise<Answer> {
  session ??= await connect(options);
  const result = await session.mcp.callTool({ name: tool, arguments: args });
  return { isError: result.isError === true, text: textOf(result), data: (result.structuredContent ?? {}) as Record<string, unknown> };
}

const blacklistPages = (api: SimulatedApi | undefined, from = 0) =>
  (api?.requests ?? []).slice(from).filter((request) => request.endpoint === 'get-blacklist').map((request) => request.page);

/** The ways people write one Turkish mobile number, from its 10 national digits. */
const FORMS: ReadonlyArray<(national: string) => string> = [
  (n) => `+90${n}`,
  (n) => `90${n}`,
  (n) => `0${n}`,
  (n) => n,
  (n) => `0${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6, 8)} ${n.slice(8)}`,
  (n) => `(0${n.slice(0, 3)}) ${n.slice(3, 6)}-${n.slice(6, 8)}-${n.slice(8)}`,
  (n) => `+90 ${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6, 8)} ${n.slice(8)}`,
  (n) => `0${n.slice(0, 3)}.${n.slice(3, 6)}.${n.slice(6, 8)}.${n.slice(8)}`,
  (n) => `  0${n} `,
];

type Kind = 'short_code' | 'malformed' | 'not_a_number';

/** Entries that are not phone numbers, each with what it is, by construction. */
const NOT_NUMBERS: Array<[string, Kind]> = [
  ['7889', 'short_code'],
  ['4455', 'short_code'],
  ['123456', 'short_code'],
  ['53211', 'short_code'],
  ['0532 555', 'malformed'],
  ['+90 532', 'malformed'],
  ['053255566778', 'malformed'],
  ['0532', 'malformed'],
  ['Ali Veli', 'not_a_number'],
  ['ACME BİLGİ', 'not_a_number'],
  ['tel: 0532 555 66 77', 'not_a_number'],
  ['', 'not_a_number'],
];

interface Entry {
  value: string;
  /** E.164 for a phone number; undefined for the others. */
  number?: string;
  kind?: Kind;
}

/**
 * 1,000 entries as a list pasted from a spreadsheet would hold them: 40 numbers of the
 * blacklist and 700 others, each in one of the forms above; 200 of those again in another form;
 * the entries that are not phone numbers, twice each, the second time with spaces around; and
 * the rest new numbers again, to make up the thousand.
 */
function mixedEntries(blacklist: readonly BlacklistEntry[]): Entry[] {
  const blocked = [...new Set(blacklist.map((entry) => expectedNumber(entry.number).number))].slice(0, 40);
  const clear = Array.from({ length: 700 }, (_, index) => `+90546${String(1_000_000 + index * 37).slice(-7)}`);
  const numbers = [...blocked, ...clear];
  const entries: Entry[] = numbers.map((number, index) => ({ value: (FORMS[index % FORMS.length] as (n: string) => string)(number.slice(3)), number }));
  for (let index = 0; index < 200; index += 1) {
    const number = numbers[(index * 7) % numbers.length] as string;
    entries.push({ value: (FORMS[(index + 3) % FORMS.length] as (n: string) => string)(number.slice(3)), number });
  }
  for (const [value, kind] of NOT_NUMBERS) entries.push({ value, kind }, { value: ` ${value} `, kind });
  for (let index = 0; entries.length < 1_000; index += 1) {
    const number = `+90547${String(2_000_000 + index * 11).slice(-7)}`;
    entries.push({ value: (FORMS[index % FORMS.length] as (n: string) => string)(number.slice(3)), number });
  }
  // Spread the kinds through the list, the same way every run.
  return entries.map((entry, index) => ({ entry, key: (index * 7_919) % 1_009 })).sort((a, b) => a.key - b.key).map(({ entry }) => entry);
}

describe('check_blacklist', () => {
  it('checks 1,000 mixed entries exactly: blocked ones distinct in E.164, clear ones counted, duplicates folded, the rest reported back', async () => {
    const entries = mixedEntries(FIXTURE_ACCOUNT.blacklist ?? []);
    expect(entries).toHaveLength(1_000);
    const onBlacklist = new Set((FIXTURE_ACCOUNT.blacklist ?? []).map((entry) => expectedNumber(entry.number).number));
    const distinct = [...new Set(entries.flatMap((entry) => (entry.number ? [entry.number] : [])))];
    const others = new Map<string, { index: number; value: string; kind: Kind }>();
    entries.forEach((entry, index) => {
      if (entry.kind && !others.has(entry.value.trim())) others.set(entry.value.trim(), { index, value: entry.value, kind: entry.kind });
    });
    const blocked = distinct.filter((number) => onBlacklist.has(number));
    expect(blocked).toHaveLength(40);

    const answer = await call('check_blacklist', { numbers: entries.map((entry) => entry.value) });
    expect(answer.isError, answer.text).toBe(false);
    expect(answer.data).toEqual({
      entries: 1_000,
      phoneNumbers: distinct.length,
      folded: 1_000 - distinct.length - others.size,
      blocked,
      clear: distinct.length - 40,
      notPhoneNumbers: { count: NOT_NUMBERS.length, entries: [...others.values()] },
      blacklistSize: onBlacklist.size,
      blacklistRead: { at: '2026-04-22T12:30:00+03:00', reused: false },
    });
    const lines = answer.text.split('\n');
    expect(lines[0]).toBe(
      `Checked 1,000 entries: ${distinct.length} distinct phone numbers (${1_000 - distinct.length - others.size} entries folded: the same number again, ` +
        `in any form, or the same value again), and ${NOT_NUMBERS.length} entries that are not a phone number.`,
    );
    expect(lines[1]).toBe(`BLOCKED: 40 numbers are on the blacklist: ${blocked.join(', ')}.`);
    expect(lines[2]).toBe(`Clear: ${distinct.length - 40} numbers are not on the blacklist.`);
    expect(lines[3]).toBe(`Blacklist: ${onBlacklist.size} numbers, read 2026-04-22 12:30 (Istanbul time).`);
    for (const { index, value } of others.values()) expect(lines[4]).toContain(`numbers[${index}] ${JSON.stringify(value)}`);
  });

  it('walks the blacklist until an empty page whatever count says, asking each page once', async () => {
    const blacklist = Array.from({ length: 2_500 }, (_, index) => ({ number: `+90505${String(index).padStart(7, '0')}`, at: '2026-04-01 10:00:00' }));
    const account: SimulatedAccount = { ...FIXTURE_ACCOUNT, blacklist };
    // count says 1: pages of 1000, 1000 and 500, then the empty one.
    const small = await call('check_blacklist', { numbers: ['0505 000 24 99', '05050002500'] }, { fake: { account, blacklistCount: '1' } });
    expect(small.data).toMatchObject({ blocked: ['+905050002499'], clear: 1, blacklistSize: 2_500 });
    expect(blacklistPages(session?.api)).toEqual([1, 2, 3, 4]);
  });

  it('walks past a count that says more than the blacklist holds, to its first empty page', async () => {
    const blacklist = Array.from({ length: 3 }, (_, index) => ({ number: `+90505${String(index).padStart(7, '0')}`, at: '2026-04-01 10:00:00' }));
    // count says a million: one page, then the empty one.
    const few: SimulatedAccount = { ...FIXTURE_ACCOUNT, blacklist };
    const large = await call('check_blacklist', { numbers: ['+905050000002'] }, { fake: { account: few, blacklistCount: '1000000' } });
    expect(large.data).toMatchObject({ blocked: ['+905050000002'], blacklistSize: 3 });
    expect(blacklistPages(session?.api)).toEqual([1, 2]);
  });

  it('stops a slow walk at the call deadline with advice that fits a list check, and asks for no page after', async () => {
    const blacklist = Array.from({ length: 5_000 }, (_, index) => ({ number: `+90505${String(index).padStart(7, '0')}`, at: '2026-04-01 10:00:00' }));
    const slow = await call('check_blacklist', { numbers: ['05050004999'] }, { fake: { account: { ...FIXTURE_ACCOUNT, blacklist }, latencyMs: 150 }, callTimeoutMs: 400 });
    expect(slow.isError).toBe(true);
    expect(slow.text).toMatch(/^The call was stopped at its 400 ms deadline \(ILETIMERKEZI_CALL_TIMEOUT_MS\), (before any page was read|after [^\n]+)\. /);
    expect(slow.text.endsWith('. Try again later: the blacklist is read whole for a check, and a whole reading is reused for 5 minutes.')).toBe(true);
    // A page in flight at the deadline may still land; after that, nothing more is asked.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const asked = blacklistPages(session?.api).length;
    expect(asked).toBeLessThan(6);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(blacklistPages(session?.api)).toHaveLength(asked);
  });

  it('reads no blacklist when no entry is a phone number, and says what each was', async () => {
    const answer = await call('check_blacklist', { numbers: ['7889', 'ACME', '0532 555'] });
    expect(session?.api.requests).toEqual([]);
    expect(answer.data).toMatchObject({ entries: 3, phoneNumbers: 0, folded: 0, blocked: [], clear: 0, blacklistSize: null, blacklistRead: null });
    expect(answer.text).toBe(
      'Checked 3 entries: 0 distinct phone numbers, and 3 entries that are not a phone number.\n' +
        'NOT CHECKED, not phone numbers: numbers[0] "7889" (a short code), numbers[1] "ACME" (not a number), numbers[2] "0532 555" (not a valid phone number). ' +
        'A phone number has 10 digits after the 0 or +90, as in 0532 555 66 77.',
    );
  });

  it('reports back 1,000 hostile entries within the answer budget, naming the first 50 in the text', async () => {
    // Quotes and backslashes take two bytes each in the data, and four in the text, where they are quoted twice.
    const hostile = Array.from({ length: 1_000 }, (_, index) => `${'"\\'.repeat(29)}${String(index).padStart(4, '0')}`);
    expect(hostile.every((value) => value.length <= 64)).toBe(true);
    session = await connect();
    const result = await session.mcp.callTool({ name: 'check_blacklist', arguments: { numbers: hostile } });
    expect(result.isError).toBeFalsy();
    expect(Buffer.byteLength(JSON.stringify(result))).toBeLessThanOrEqual(RESULT_BUDGET_BYTES);
    const data = result.structuredContent as { notPhoneNumbers: { count: number; entries: Array<{ index: number; value: string }> } };
    expect(data.notPhoneNumbers.count).toBe(1_000);
    expect(data.notPhoneNumbers.entries.map((entry) => entry.value)).toEqual(hostile);
    expect(textOf(result)).toContain(`numbers[49] ${JSON.stringify(hostile[49])} (not a number) …and 950 more (see notPhoneNumbers).`);
    expect(session.api.requests).toEqual([]);
  });

  it('refuses a list it cannot check, naming the field and the limit', async () => {
    const cases: Array<[unknown, string]> = [
      [[], 'numbers must hold at least one number'],
      [Array.from({ length: 1_001 }, () => '05321234567'), 'numbers may hold at most 1,000 entries'],
      [['0'.repeat(65)], 'each entry of numbers must be at most 64 characters'],
      ['05321234567', 'numbers must be an array of strings'],
      [[5321234567], 'each entry of numbers must be a string'],
    ];
    for (const [numbers, message] of cases) {
      const answer = await call('check_blacklist', { numbers });
      expect(answer.isError, message).toBe(true);
      expect(answer.text).toContain(message);
    }
    expect(session?.api.requests).toEqual([]);
  });
});

describe('the blacklist walk, shared for 5 minutes', () => {
  it('is reused by every tool that reads the blacklist within 5 minutes, and read again after', async () => {
    const { clock, advance } = handClock();
    const first = await call('check_blacklist', { numbers: ['0532 555 66 77'] }, { clock });
    expect(first.data.blacklistRead).toEqual({ at: '2026-04-22T12:30:00+03:00', reused: false });
    expect(blacklistPages(session?.api)).toEqual([1, 2]);

    let before = session?.api.requests.length ?? 0;
    advance(5 * MINUTE - 1);
    const again = await call('check_blacklist', { numbers: ['05078889900'] });
    expect(again.data).toMatchObject({ blocked: [], clear: 1, blacklistRead: { at: '2026-04-22T12:30:00+03:00', reused: true } });
    expect(again.text).toContain('read 2026-04-22 12:30 (Istanbul time) by an earlier call and reused: readings are shared for 5 minutes');
    const trace = await call('trace_number', { number: '0532 555 66 77', period: 'today' });
    expect(trace.data).toMatchObject({ blacklisted: true, blacklistRead: { reused: true } });
    expect(trace.text).toContain('The blacklist was read at 2026-04-22 12:30 by an earlier call and reused');
    const audit = await call('audit_opt_outs', { period: 'last_7_days', checkSends: false });
    expect(audit.data).toMatchObject({ notBlacklisted: 1, blacklistRead: { at: '2026-04-22T12:30:00+03:00', reused: true } });
    expect(blacklistPages(session?.api, before)).toEqual([]);

    before = session?.api.requests.length ?? 0;
    advance(1);
    const later = await call('check_blacklist', { numbers: ['0532 555 66 77'] });
    expect(later.data).toMatchObject({ blocked: ['+905325556677'], blacklistRead: { at: '2026-04-22T12:35:00+03:00', reused: false } });
    expect(blacklistPages(session?.api, before)).toEqual([1, 2]);
  });
});

/** Two replicas behind one real redis-server: a walk one made, the other reuses. */
describe('the blacklist walk shared through Redis', () => {
  const { clock, advance } = handClock();
  let shared: RedisReplicas | undefined;

  beforeAll(async () => {
    shared = await startRedisReplicas(clock, (connection) => ({ blacklists: connection.store('blacklists', blacklistBounds()) }));
  });

  afterAll(async () => {
    await shared?.close();
    expect(shared?.lines).toEqual([]);
  });

  it('answers on replica B with no get-blacklist request from the walk replica A made, under a key that holds no credential, until 5 minutes pass', async () => {
    const { redis, replicas: [a, b] } = shared as RedisReplicas;
    const numbers = ['0532 555 66 77', '+90 505 200 79 19', '05078889900'];
    const onA = await httpClient(a.url, accountHeaders(TEST_CREDENTIALS));
    const first = await onA.callTool({ name: 'check_blacklist', arguments: { numbers } });
    expect(first.structuredContent).toMatchObject({ blocked: ['+905325556677', '+905052007919'], clear: 1, blacklistRead: { reused: false } });
    expect(blacklistPages(a.fakes[0])).toEqual([1, 2]);

    const onB = await httpClient(b.url, accountHeaders(TEST_CREDENTIALS));
    const before = b.fakes[0]?.requests.length ?? 0;
    const second = await onB.callTool({ name: 'check_blacklist', arguments: { numbers } });
    expect(second.structuredContent).toMatchObject({
      blocked: ['+905325556677', '+905052007919'],
      clear: 1,
      blacklistRead: { at: '2026-04-22T12:30:00+03:00', reused: true },
    });
    // Only the proof that the key still stands: the blacklist came from A's walk.
    expect((b.fakes[0]?.requests ?? []).slice(before).map((request) => request.endpoint)).toEqual(['get-balance']);

    const client = new Redis(redis.url);
    try {
      const keys = (await client.keys('*{blacklists}*')).filter((key) => !key.includes('~'));
      expect(keys).toHaveLength(1);
      expect(keys[0]).toMatch(/^iletimerkezi-mcp:\{blacklists\}:[0-9a-f]{64}:blacklist$/);
      const ttl = await client.pttl(keys[0] as string);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(5 * MINUTE);
      const value = (await client.get(keys[0] as string)) ?? '';
      expect(value).toContain('+905325556677');
      for (const secret of [TEST_CREDENTIALS.key, TEST_CREDENTIALS.hash]) expect(value).not.toContain(secret);
    } finally {
      client.disconnect();
    }

    // The server's clock judges the walk's age, in Redis as in memory: past 5 minutes B walks itself.
    advance(5 * MINUTE);
    const third = await onB.callTool({ name: 'check_blacklist', arguments: { numbers } });
    expect(third.structuredContent).toMatchObject({ blacklistRead: { at: '2026-04-22T12:35:00+03:00', reused: false } });
    expect(blacklistPages(b.fakes[0], before)).toEqual([1, 2]);
    await Promise.all([onA.close(), onB.close()]);
  });
});
