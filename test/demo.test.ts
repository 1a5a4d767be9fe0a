import { execFile } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { IletimerkeziClient, type Order } from '../src/api/client.js';
import { generateDemoAccount } from '../src/demo/account.js';
import { DEMO_CREDENTIALS, startDemoApi } from '../src/demo/demo-api.js';
import { TZDate } from '@date-fns/tz';
import { TIMEZONE, inclusiveDays, shiftDays, toTimestamp, today } from '../src/reporting/calendar.js';
import { NAMED_PERIODS, resolveRange } from '../src/reporting/date-range.js';
import { isOptOut } from '../src/reporting/text.js';
import { scanOrders } from '../src/reporting/order-scan.js';
import { committedInto } from './support/sinks.js';
import type { SimulatedApi } from '../src/simulator/api-server.js';
import { DEMO_OPT_OUT_TEXTS, ordersBetween, totals } from './support/ground-truth.js';
import { TOOLS } from '../src/tools/index.js';

/** The demo's printed calls: each question, then the tool and its JSON arguments on the next line. */
function demoCalls(stdout: string): Array<{ question: string; tool: string; arguments: Record<string, unknown> }> {
  return [...stdout.matchAll(/^❯ (.+)\n {2}(\w+)\((.*)\)$/gm)].map(([, question = '', tool = '', args = '']) => ({
    question,
    tool,
    arguments: JSON.parse(args) as Record<string, unknown>,
  }));
}

describe('the demo account', () => {
  const now = new Date();
  const clock = () => now;
  const account = generateDemoAccount({ now });
  let api: SimulatedApi | undefined;
  afterEach(async () => api?.close());

  /** An Istanbul time of day on the current day, built with the time-zone library. */
  const todayAt = (hours: number, minutes: number): Date => {
    const [year, month, day] = today(clock).split('-').map(Number) as [number, number, number];
    return new TZDate(year, month - 1, day, hours, minutes, 0, TIMEZONE);
  };

  it('is the same all day: a later moment adds only what happened since', () => {
    const morning = generateDemoAccount({ now: todayAt(10, 0) });
    const evening = generateDemoAccount({ now: todayAt(23, 59) });
    const cut = toTimestamp(todayAt(10, 0));
    expect(evening.orders.filter((order) => order.submitAt <= cut)).toEqual(morning.orders);
    expect(evening.inbox.filter((message) => message.date <= cut)).toEqual(morning.inbox);
    expect(evening.orders.length).toBeGreaterThan(morning.orders.length);
    expect(evening.inbox.length).toBeGreaterThan(morning.inbox.length);
  });

  it('holds about 200 days of orders from several senders, with failures, waiting and a scheduled order', () => {
    const full = generateDemoAccount({ now: todayAt(23, 59) });
    const days = full.orders.map((order) => order.submitAt.slice(0, 10)).sort();
    const current = today(clock);
    expect(inclusiveDays(days[0] ?? current, current)).toBeGreaterThanOrEqual(199);
    expect(new Set(full.orders.map((order) => order.sender)).size).toBeGreaterThanOrEqual(4);
    const lastMonth = resolveRange({ period: 'last_month' }, { clock, maxRangeDays: 366 });
    const failedLastMonth = ordersBetween(full.orders, lastMonth?.start ?? '', lastMonth?.end ?? '').filter((o) => o.status === 115);
    expect(failedLastMonth.length).toBeGreaterThan(0);
    for (const order of full.orders) {
      expect(order.delivered + order.undelivered + order.waiting).toBe(order.total);
      if (order.waiting > 0) expect(order.submitAt.slice(0, 10) >= shiftDays(current, -1)).toBe(true);
    }
    expect(full.orders.some((order) => order.status === 113)).toBe(true);
    expect(full.orders.filter((order) => order.sendAt > order.submitAt)).toHaveLength(1);
    expect(full.inbox.filter((message) => DEMO_OPT_OUT_TEXTS.includes(message.text))).toHaveLength(8);
    expect(full.inbox.filter((message) => isOptOut(message.text))).toHaveLength(8);
    expect(full.inbox.some((message) => /IGNORE ALL PREVIOUS INSTRUCTIONS/.test(message.text))).toBe(true);
  });

  it('serves, through the real client and its faults, exactly its data', async () => {
    api = await startDemoApi(now);
    const client = new IletimerkeziClient({ baseUrl: api.baseUrl, credentials: DEMO_CREDENTIALS, timeoutMs: 5_000, concurrency: 6 });
    const range = { start: shiftDays(today(clock), -199), end: today(clock) };
    const read: Order[] = [];
    await scanOrders(client, range, committedInto(read));
    const seen = read.map((order) => order.id);
    const inbox = await client.fetchInbox((message) => message);
    await client.close();
    expect(seen.sort()).toEqual(ordersBetween(account.orders, range.start, range.end).map((order) => order.id).sort());
    expect(totals(account.orders).orders).toBe(seen.length);
    expect(inbox.messages).toEqual(account.inbox);
    expect(api.requests.some((request) => request.fault !== undefined)).toBe(true);
  });

  it('npm run demo answers every question and exits 0', async () => {
    const result = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(process.execPath, ['dist/demo/run-demo.js'], { timeout: 30_000 }, (error, stdout) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout }),
      );
    });
    expect(result.code).toBe(0);
    const calls = demoCalls(result.stdout);
    expect(calls.map((call) => call.question)).toEqual(
      expect.arrayContaining([
        'How many SMS failed last month?',
        'Who opted out this month?',
        // The support desk's three questions.
        'What happened to 0532 555 66 77 in the last 30 days?',
        'Which of these numbers are blocked: 0532 555 66 77, +90 505 200 79 19, 05078889900, 905325556677, 7889?',
        'Which campaigns of 100 messages or more had the worst delivery last month?',
      ]),
    );
    expect(calls.find((call) => call.question.startsWith('Which campaigns'))?.arguments).toMatchObject({ sort: 'lowest_rate', minMessages: 100 });
    // Every tool the server registers, derived from the registry, so a new tool joins the demo or fails here.
    expect([...new Set(calls.map((call) => call.tool))].sort()).toEqual(TOOLS.map((tool) => tool.name).sort());
    // Each label names what its call asks, and nothing else: its period in words and no other
    // period, its order by id.
    const inWords = (period: string) => period.replaceAll('_', ' ');
    for (const call of calls) {
      const { period, orderId } = call.arguments as { period?: string; orderId?: number };
      const label = call.question.toLowerCase();
      if (period !== undefined) expect(label, call.tool).toContain(inWords(period));
      const others = NAMED_PERIODS.filter((named) => named !== period && label.includes(inWords(named)));
      expect(others, call.question).toEqual([]);
      if (orderId !== undefined) expect(call.question, call.tool).toContain(`#${orderId}`);
    }
    expect(result.stdout).toContain('DEMO ACCOUNT: simulated data');
    expect(result.stdout).toContain('Undelivered (failed):');
    expect(result.stdout).toMatch(/Order #\d+ \(failed, 115\)/);
    expect(result.stdout).toContain('Failed numbers for');
    expect(result.stdout).toContain('NOT ON THE BLACKLIST: 1 number: +905078889900');
    expect(result.stdout).toContain('RECEIVED MESSAGES AFTER OPTING OUT: 1 number');
    expect(result.stdout).toContain('+905325556677');
    expect(result.stdout).toContain('Balance: 250,000 SMS credits');
    expect(result.stdout).toMatch(/ shown below, lowest delivery rate first\.\n/);
    expect(result.stdout).toMatch(/\+905325556677: sent once in the orders submitted [\d-]+\.\.[\d-]+ \(Europe\/Istanbul\): delivered once/);
    expect(result.stdout).toMatch(/On the blacklist now; it replied RET on [\d-]+ [\d:]+ \(inbox message id "\d+"\)\./);
    expect(result.stdout).toContain('BLOCKED: 2 numbers are on the blacklist: +905325556677, +905052007919.');
    expect(result.stdout).toContain('NOT CHECKED, not phone numbers: numbers[4] "7889" (a short code).');
    expect(result.stdout).toContain('All demo questions answered.');
    expect(result.stdout).not.toContain('ERROR');
  });
});
