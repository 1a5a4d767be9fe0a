import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Order, WireInboxMessage } from '../src/api/schemas.js';
import {
  ENDPOINT_NAMES,
  type ReportsWindow,
  type ScriptedResponse,
  type SimulatedApi,
} from '../src/simulator/api-server.js';
import { BODY_KINDS, answerWith, firstTimes, rateLimited, redirectTo, successEnvelopeOn } from './support/answers.js';
import { ordersBetween } from './support/ground-truth.js';
import { FIXTURE_ACCOUNT, TEST_CREDENTIALS, fakePerTest } from './support/harness.js';
import { post, reportsPage } from './support/raw-api.js';

/**
 * The fake API on its own, called over HTTP with no client in between: it must decide what the
 * real API accepts by its own rules, and serve every mode and hand-written body exactly.
 */

const ROOT = resolve(import.meta.dirname, '..');
const start = fakePerTest();

function order(id: number, submitAt: string, overrides: Partial<Order> = {}): Order {
  return { id, status: 114, total: 3, delivered: 2, undelivered: 1, waiting: 0, submitAt, sendAt: submitAt, sender: 'ACME', ...overrides };
}

/** Every page of a window until the empty one, as the ids each page carried. */
async function allPages(fake: SimulatedApi, window: ReportsWindow): Promise<Array<Array<number | string>>> {
  const pages: Array<Array<number | string>> = [];
  for (let page = 1; page < 50; page += 1) {
    const { ids } = await reportsPage(fake, window.start, window.end, page);
    pages.push(ids ?? []);
    if (!ids?.length) return pages;
  }
  throw new Error('the fake never served an empty page');
}

describe('an oracle independent of the code it checks', () => {
  const importsOf = (file: string) =>
    [...readFileSync(file, 'utf8').matchAll(/(?:^|\n)\s*(import|export)\s+(type\s+)?[^'"]*?from\s+'([^']+)'|import\('([^']+)'\)/g)].map(
      (match) => ({ typeOnly: Boolean(match[2]), target: (match[3] ?? match[4]) as string }),
    );
  const simulatorDir = join(ROOT, 'src/simulator');
  const files = readdirSync(simulatorDir).filter((name) => name.endsWith('.ts'));

  it('imports only Node, its own modules, and types from the API schemas and the config', () => {
    expect(files.length).toBeGreaterThan(1);
    const outside: string[] = [];
    for (const name of files) {
      for (const { typeOnly, target } of importsOf(join(simulatorDir, name))) {
        if (target.startsWith('node:')) continue;
        expect(target.startsWith('.'), `${name} imports the package ${target}`).toBe(true);
        const path = relative(ROOT, resolve(dirname(join(simulatorDir, name)), target)).replace(/\.js$/, '.ts');
        if (path.startsWith('src/simulator/')) continue;
        if (typeOnly && (path === 'src/api/schemas.ts' || path === 'src/config.ts')) continue;
        outside.push(`${name} -> ${path}${typeOnly ? ' (type)' : ''}`);
      }
    }
    expect(outside).toEqual([]);
  });

  // Ground truth by hand: which filters the documented 10-day, Y-m-d rule lets through.
  const FILTERS: Array<[start: unknown, end: unknown, status: number, why: string]> = [
    ['2026-04-01', '2026-04-10', 200, '10 days, both ends counted'],
    ['2026-04-01', '2026-04-11', 458, '11 days'],
    ['2026-04-22', '2026-04-22', 200, 'one day'],
    ['2026-04-10', '2026-04-01', 458, 'reversed'],
    ['2026-02-20', '2026-03-01', 200, '10 days across a common February'],
    ['2028-02-20', '2028-03-01', 458, '11 days across a leap February'],
    ['2028-02-21', '2028-03-01', 200, '10 days across a leap February'],
    ['2026-12-27', '2027-01-05', 200, '10 days across a year end'],
    ['2026-12-27', '2027-01-06', 458, '11 days across a year end'],
    ['1999-12-31', '2000-01-01', 200, 'real days; the API sets no year range'],
    ['2000-02-29', '2000-02-29', 200, 'a 400-year leap day'],
    ['2100-02-29', '2100-02-29', 458, 'no leap day in 2100'],
    ['2026-02-29', '2026-03-01', 458, 'no such day'],
    ['2026-04-31', '2026-05-01', 458, 'no such day'],
    ['2026-13-01', '2026-13-02', 458, 'no month 13'],
    ['2026-04-00', '2026-04-01', 458, 'no day 0'],
    ['2026-4-1', '2026-4-2', 458, 'not zero-padded'],
    ['22/04/2026', '22/04/2026', 458, 'another format'],
    ['2026/04/22', '2026/04/22', 458, 'another separator'],
    ['2026-04-22 00:00:00', '2026-04-22', 458, 'a timestamp'],
    [20260422, 20260422, 458, 'a number'],
    [null, undefined, 458, 'missing'],
  ];
  it.each(FILTERS)('filter %j..%j answers %i (%s)', async (first, last, status) => {
    const fake = await start();
    const answer = await reportsPage(fake, first, last);
    expect([answer.status, answer.code]).toEqual([status, status]);
  });

  it.each([
    [0, 464],
    [-1, 464],
    [1.5, 464],
    ['2', 464],
    [1, 200],
  ])('page %j answers %i', async (page, status) => {
    const fake = await start();
    expect((await reportsPage(fake, '2026-04-01', '2026-04-10', page)).code).toBe(status);
  });

  it('walks a window in pages of pageSize, in submitAt-then-id order, ending with an empty page', async () => {
    const fake = await start({ pageSize: 7 });
    const window = { start: '2026-04-01', end: '2026-04-10' };
    const expected = ordersBetween(FIXTURE_ACCOUNT.orders, window.start, window.end)
      .sort((a, b) => (a.submitAt === b.submitAt ? a.id - b.id : a.submitAt < b.submitAt ? -1 : 1))
      .map((item) => item.id);
    expect(expected.length).toBeGreaterThan(20);
    const pages = await allPages(fake, window);
    expect(pages.flat()).toEqual(expected);
    expect(pages.slice(0, -2).every((page) => page.length === 7)).toBe(true);
    expect(pages.at(-1)).toEqual([]);
    expect(pages).toHaveLength(Math.ceil(expected.length / 7) + 1);
  });
});

describe('the endpoint table', () => {
  it('serves exactly the named endpoints, by POST only', async () => {
    const fake = await start();
    expect([...ENDPOINT_NAMES].sort()).toEqual(['get-balance', 'get-blacklist', 'get-inbox', 'get-report', 'get-reports']);
    expect((await post(fake, 'get-reportz')).status).toBe(404);
    expect((await post(fake, 'get-reportsx')).status).toBe(404);
    const put = await fetch(`${fake.baseUrl}/get-inbox/json`, { method: 'PUT', body: JSON.stringify({ request: { authentication: TEST_CREDENTIALS } }) });
    expect(put.status).toBe(404);
    await put.text();
    expect(fake.requests).toEqual([]);
  });

  it('logs endpoint, window and page for get-reports and the endpoint alone for get-inbox', async () => {
    const fake = await start();
    await reportsPage(fake, '2026-04-01', '2026-04-10', 2);
    await reportsPage(fake, '2026-04-11', '2026-04-20');
    await post(fake, 'get-inbox');
    expect(fake.requests.map(({ at: _at, ...request }) => request)).toEqual([
      { endpoint: 'get-reports', start: '2026-04-01', end: '2026-04-10', page: 2 },
      { endpoint: 'get-reports', start: '2026-04-11', end: '2026-04-20', page: 1 },
      { endpoint: 'get-inbox' },
    ]);
  });

  it('refuses wrong credentials on every endpoint before any script or fault', async () => {
    const fake = await start({
      script: () => ({ status: 200, body: 'scripted' }),
      faults: { rate: 1, kinds: ['http-503'], seed: 1, maxPerRequest: Infinity },
    });
    for (const endpoint of ENDPOINT_NAMES) {
      const answer = await post(fake, endpoint, { filter: { start: '2026-04-01', end: '2026-04-01' } }, { key: 'x', hash: 'y' });
      const body = JSON.parse(answer.text) as { response: { status: { code: number } } };
      expect([answer.status, body.response.status.code]).toEqual([401, 401]);
    }
  });

  it('applies faults and scripts to every endpoint', async () => {
    const faulty = await start({ faults: { rate: 1, kinds: ['http-503'], seed: 1, maxPerRequest: 1 } });
    for (const endpoint of ENDPOINT_NAMES) {
      const fields = { filter: { start: '2026-04-01', end: '2026-04-01' }, order: { id: FIXTURE_ACCOUNT.orders[0]?.id } };
      expect((await post(faulty, endpoint, fields)).status).toBe(503);
      // maxPerRequest 1: the same request goes through the second time.
      expect((await post(faulty, endpoint, fields)).status).toBe(200);
    }
    expect(faulty.requests.map((request) => request.fault)).toEqual(ENDPOINT_NAMES.flatMap(() => ['http-503', undefined]));
    await faulty.close();

    const scripted = await start({ script: (request) => ({ status: 418, body: `hand-written ${request.endpoint}` }) });
    for (const endpoint of ENDPOINT_NAMES) {
      const answer = await post(scripted, endpoint);
      expect([answer.status, answer.text]).toEqual([418, `hand-written ${endpoint}`]);
    }
  });
});

describe('data modes', () => {
  // Orders on both sides of the edges of two adjacent windows, 04-01..04-10 and 04-11..04-20.
  const EDGES: Order[] = [
    order(1, '2026-03-31 23:59:59'),
    order(2, '2026-04-01 00:00:00'),
    order(3, '2026-04-10 12:00:00'),
    order(4, '2026-04-11 08:00:00'),
    order(5, '2026-04-12 08:00:00'),
    order(6, '2026-04-20 08:00:00'),
    order(7, '2026-04-21 08:00:00'),
    order(8, '2026-04-22 08:00:00'),
  ];
  const account = { orders: EDGES, inbox: [] };

  it('without a mode, a window holds only its own days', async () => {
    const fake = await start({ account, pageSize: 2 });
    expect(await allPages(fake, { start: '2026-04-01', end: '2026-04-10' })).toEqual([[2, 3], []]);
    expect(await allPages(fake, { start: '2026-04-11', end: '2026-04-20' })).toEqual([[4, 5], [6], []]);
  });

  it('crossWindowDuplicates: each window also serves the day before start and the day after end', async () => {
    const fake = await start({ account, pageSize: 2, crossWindowDuplicates: true });
    expect(await allPages(fake, { start: '2026-04-01', end: '2026-04-10' })).toEqual([[1, 2], [3, 4], []]);
    expect(await allPages(fake, { start: '2026-04-11', end: '2026-04-20' })).toEqual([[3, 4], [5, 6], [7], []]);
    // Across a month end too: 2026-02-28 is the day before 2026-03-01.
    const spanning = await start({ account: { orders: [order(9, '2026-02-28 10:00:00')], inbox: [] }, crossWindowDuplicates: true });
    expect((await reportsPage(spanning, '2026-03-01', '2026-03-10')).ids).toEqual([9]);
  });

  it('ignoreDateFilter: every valid window serves the whole account, paged; an invalid one is still refused', async () => {
    const fake = await start({ account, pageSize: 3, ignoreDateFilter: true });
    const whole = [[1, 2, 3], [4, 5, 6], [7, 8], []];
    expect(await allPages(fake, { start: '2026-04-01', end: '2026-04-10' })).toEqual(whole);
    expect(await allPages(fake, { start: '2030-01-01', end: '2030-01-01' })).toEqual(whole);
    expect((await reportsPage(fake, '2026-04-01', '2026-04-11')).code).toBe(458);
  });

  it('extraOrders: an August order in a September window, merged in order, asked for once per window', async () => {
    const august = order(100, '2026-08-31 23:00:00');
    const september = { orders: [order(101, '2026-09-01 09:00:00'), order(102, '2026-09-05 09:00:00'), order(103, '2026-09-12 09:00:00')], inbox: [] };
    const asked: ReportsWindow[] = [];
    const fake = await start({
      account: september,
      pageSize: 2,
      extraOrders: (window) => {
        asked.push(window);
        return window.start === '2026-09-01' ? [august] : [];
      },
    });
    expect(await allPages(fake, { start: '2026-09-01', end: '2026-09-10' })).toEqual([[100, 101], [102], []]);
    expect(await allPages(fake, { start: '2026-09-11', end: '2026-09-20' })).toEqual([[103], []]);
    expect(asked).toEqual([
      { start: '2026-09-01', end: '2026-09-10' },
      { start: '2026-09-11', end: '2026-09-20' },
    ]);
  });

  it('serves impossible timestamps exactly as written; an impossible day falls between real windows', async () => {
    const impossible = [
      order(201, '2026-09-31 10:00:00'),
      order(202, '2026-01-01 99:99:99'),
      order(203, '0000-00-00 00:00:00'),
      order(204, '2026-09-15 10:00:00', { sendAt: '0000-00-00 00:00:00' }),
    ];
    const fake = await start({ account: { orders: impossible, inbox: [] }, ignoreDateFilter: true });
    const answer = await post(fake, 'get-reports', { filter: { start: '2026-09-01', end: '2026-09-10' } });
    const body = JSON.parse(answer.text) as { response: { orders: unknown[] } };
    expect(body.response.orders).toEqual([impossible[2], impossible[1], impossible[3], impossible[0]]);

    // Compared as text, 2026-09-31 sorts after 09-30 and before 10-01: only a window spanning both holds it.
    const filtered = await start({ account: { orders: impossible, inbox: [] } });
    expect((await reportsPage(filtered, '2026-09-21', '2026-09-30')).ids).toEqual([]);
    expect((await reportsPage(filtered, '2026-10-01', '2026-10-10')).ids).toEqual([]);
    expect((await reportsPage(filtered, '2026-09-25', '2026-10-04')).ids).toEqual([201]);
    expect((await reportsPage(filtered, '2026-01-01', '2026-01-01')).ids).toEqual([202]);
  });

  it('serves huge texts and mixed ids in the inbox exactly as given', async () => {
    const huge = `${'Çok uzun bir mesaj 🙏 '.repeat(50_000)}RET`;
    const inbox: WireInboxMessage[] = [
      { id: 7, date: '2026-04-22 10:00:00', sender: '+905321234567', number: '+908501234567', text: 'numeric id' },
      { id: '7', date: '2026-04-22 10:00:01', sender: '+905321234567', number: '+908501234567', text: 'the same id as a string' },
      { id: 'abc-9', date: '2026-04-22 10:00:02', sender: '7889', number: '+908501234567', text: null },
      { id: '0008', date: '2026-04-22 10:00:03', sender: 'ACME', number: '+908501234567', text: huge },
    ];
    const fake = await start({ account: { orders: [], inbox } });
    const answer = await post(fake, 'get-inbox');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toEqual({ response: { status: { code: 200, message: 'İşlem başarılı' }, orders: { totalRows: '4', order: inbox } } });
    expect(answer.text).toContain('"id":7,');
    expect(answer.text).toContain('"id":"7",');
    expect(Buffer.byteLength(answer.text)).toBeGreaterThan(1_000_000);
  });
});

describe('hand-written bodies through the script hook', () => {
  type Case = [label: string, answer: ScriptedResponse, contentType: string, extra: Record<string, string>];
  const CASES: Case[] = [
    ...BODY_KINDS.map((kind): Case => [`429 ${kind}`, rateLimited(kind, 2), kind === 'html' ? 'text/html' : kind === 'text' ? 'text/plain' : 'application/json', { 'retry-after': '2' }]),
    ...[500, 502, 503].map((status): Case => [`${status} with a success envelope`, successEnvelopeOn(status), 'application/json', {}]),
    ...[301, 302, 307, 308].map((status): Case => [`${status} redirect`, redirectTo(status, 'https://elsewhere.example/v1/get-reports/json'), 'text/html', { location: 'https://elsewhere.example/v1/get-reports/json' }]),
    ...[401, 403].flatMap((status) =>
      (['html', 'envelope', 'text'] as const).map((kind): Case => [`${status} ${kind}`, answerWith(status, kind), kind === 'html' ? 'text/html' : kind === 'text' ? 'text/plain' : 'application/json', {}]),
    ),
  ];

  it.each(CASES)('%s is served byte for byte on every endpoint', async (_label, scripted, contentType, extra) => {
    const fake = await start({ script: () => scripted });
    const text = typeof scripted.body === 'string' ? scripted.body : JSON.stringify(scripted.body);
    for (const endpoint of ENDPOINT_NAMES) {
      const answer = await post(fake, endpoint, { filter: { start: '2026-04-01', end: '2026-04-10' } });
      expect(answer.status).toBe(scripted.status);
      expect(answer.text).toBe(text);
      expect(answer.headers.get('content-type')).toContain(contentType);
      expect(answer.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
      for (const [name, value] of Object.entries(extra)) expect(answer.headers.get(name)).toBe(value);
    }
  });

  it('the bodies are what their names say', () => {
    expect(rateLimited('envelope').body).toEqual({ response: { status: { code: 429, message: 'Hata 429' } } });
    expect(rateLimited('json').body).toEqual({ error: 'rate' });
    expect(successEnvelopeOn(503).body).toEqual({ response: { status: { code: 200, message: 'İşlem başarılı' }, count: 0, orders: [] } });
  });

  it('a script header replaces the default of the same name whatever its case', async () => {
    const fake = await start({ script: () => ({ status: 200, body: 'plain', headers: { 'Content-Type': 'text/plain' } }) });
    const answer = await post(fake, 'get-inbox');
    expect(answer.headers.get('content-type')).toBe('text/plain');
  });

  it('firstTimes answers each distinct request by hand its first times, then lets the fake answer', async () => {
    const fake = await start({ pageSize: 30, script: firstTimes(2, rateLimited('html'), (request) => request.endpoint === 'get-reports') });
    const statuses = [];
    for (const page of [1, 1, 2, 1, 2, 2]) statuses.push((await post(fake, 'get-reports', { filter: { start: '2026-04-01', end: '2026-04-10', page } })).status);
    statuses.push((await post(fake, 'get-inbox')).status);
    expect(statuses).toEqual([429, 429, 429, 200, 429, 200, 200]);
  });
});

describe('the fault modes of the page walks and of unreadable orders', () => {
  const account = {
    orders: [order(11, '2026-04-01 10:00:00'), order(12, '2026-04-01 11:00:00'), order(13, '2026-04-01 12:00:00')],
    inbox: [],
    recipients: () => [{ number: '5321234567', status: 111 }, { number: '5331234567', status: 112 }],
    blacklist: [{ number: '+905321234567', at: '2026-04-01 10:00:00' }, { number: '5331234567', at: '2026-04-01 11:00:00' }, { number: '7889', at: '2026-04-01 12:00:00' }],
  };
  const body = (text: string) => JSON.parse(text) as { response: { status: { code: number }; order?: { message: unknown[] }; blacklist?: { number: string[] } } };

  it('ignoresPage serves page 1 for any page of the endpoints named, and only those', async () => {
    const fake = await start({ account, rowPageSize: 1, ignoresPage: ['get-report'] });
    const report = async (page: number) => body((await post(fake, 'get-report', { order: { id: 11, page } })).text).response.order?.message;
    expect(await report(2)).toEqual(await report(1));
    expect(await report(9)).toEqual([{ number: '5321234567', status: 111 }]);
    const blacklist = async (page: number) => body((await post(fake, 'get-blacklist', { blacklist: { page } })).text).response.blacklist?.number;
    expect([await blacklist(1), await blacklist(2), await blacklist(4)]).toEqual([['+905321234567'], ['5331234567'], []]);
  });

  it('respelledBlacklist serves every Turkish mobile number again in its other spelling, after the rest', async () => {
    const fake = await start({ account, respelledBlacklist: true });
    expect(body((await post(fake, 'get-blacklist')).text).response.blacklist?.number).toEqual(['+905321234567', '5331234567', '7889', '5321234567', '+905331234567']);
  });

  it('withheldOrders refuses those orders with their code, and faults.orders fails only those orders', async () => {
    const fake = await start({ account, withheldOrders: { 11: 455, 12: 456 }, faults: { rate: 1, kinds: ['http-503'], seed: 1, maxPerRequest: Infinity, orders: [13] } });
    const codes = [];
    for (const id of [11, 12, 13]) codes.push(body((await post(fake, 'get-report', { order: { id } })).text).response.status.code);
    expect(codes).toEqual([455, 456, 503]);
    expect((await post(fake, 'get-blacklist')).status).toBe(200);
    expect(fake.requests.map((request) => request.fault ?? null)).toEqual([null, null, 'http-503', null]);
  });
});
