import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROGRESS_INTERVAL_MS } from '../src/reporting/call-progress.js';
import { TOOLS } from '../src/tools/index.js';
import { type Connected, FIXTURE_ACCOUNT, connect } from './support/harness.js';

/**
 * Every tool's progress as a client sees it, through the SDK's real Client against a slow fake:
 * one way from its start to its end, against a total that never changes, and spaced out.
 */

/** Slow enough that the calls that scan take a second or more, so the spacing is put to the test. */
const LATENCY_MS = 40;

/** The order with the most recipients, so list_recipients reads several pages. */
const BIGGEST_ORDER = FIXTURE_ACCOUNT.orders.reduce((biggest, order) => (order.total > biggest.total ? order : biggest));

const CALLS: Record<string, Record<string, unknown>> = {
  summarize_delivery: { start: '2026-01-01', end: '2026-04-22' },
  list_orders: { start: '2026-01-01', end: '2026-04-22' },
  list_failed_numbers: { start: '2026-03-01', end: '2026-03-10' },
  audit_opt_outs: { period: 'last_7_days' },
  read_balance: {},
  list_recipients: { orderId: BIGGEST_ORDER.id },
  read_inbox: {},
  trace_number: { number: '0532 111 00 01', period: 'last_7_days' },
  check_blacklist: { numbers: ['0532 555 66 77', '05078889900'] },
};

interface Seen {
  progress: number;
  total: number | undefined;
  message: string | undefined;
}

/**
 * The server's progress clock, as the test reads it too. The server reads it to decide on a
 * notification and hands the notification to the transport at once, so the reading last made
 * when a notification goes out is the moment the server sent it.
 */
let lastReading = 0;
const progressClock = () => (lastReading = performance.now());

let session: Connected;
let sentAt: number[] = [];
beforeAll(async () => {
  session = await connect({
    fake: { latencyMs: LATENCY_MS },
    progressClock,
    onServerMessage: (message) => {
      if ('method' in message && message.method === 'notifications/progress') sentAt.push(lastReading);
    },
  });
});
afterAll(async () => {
  await session.close();
});

async function watch(tool: string): Promise<{ seen: Seen[]; sentAt: number[]; tookMs: number }> {
  const seen: Seen[] = [];
  sentAt = [];
  const started = performance.now();
  const result = await session.mcp.callTool({ name: tool, arguments: CALLS[tool] }, {
    onprogress: ({ progress, total, message }) => seen.push({ progress, total, message }),
  });
  expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
  return { seen, sentAt, tookMs: performance.now() - started };
}

const watched = new Map<string, Seen[]>();

describe('progress notifications', () => {
  it('are checked for every tool', () => {
    expect(Object.keys(CALLS).sort()).toEqual(TOOLS.map((tool) => tool.name).sort());
  });

  for (const tool of Object.keys(CALLS)) {
    it(`${tool}: move one way from its start to its end, against a fixed total, at most one per interval`, async () => {
      const { seen, sentAt: sent, tookMs } = await watch(tool);
      watched.set(tool, seen);
      // Every notification sent reached the client, and nothing else did.
      expect(seen).toHaveLength(sent.length);
      const [first] = seen;
      const total = first?.total ?? 0;
      expect(total).toBeGreaterThan(0);
      // The start, whatever the call does next.
      expect(first?.progress).toBe(0);
      for (const [index, update] of seen.entries()) {
        expect(update.total).toBe(total);
        const before = seen[index - 1];
        if (!before) continue;
        expect(update.progress).toBeGreaterThan(before.progress);
        expect(update.progress / total).toBeGreaterThan(before.progress / total);
        // After the first two, at most one per interval, and then the last.
        if (index >= 2 && index < seen.length - 1) expect((sent[index] ?? 0) - (sent[index - 1] ?? 0)).toBeGreaterThanOrEqual(PROGRESS_INTERVAL_MS);
      }
      // The end, and only the end, is the whole.
      expect(seen.at(-1)?.progress).toBe(total);
      expect(seen.slice(0, -1).every((update) => update.progress < total)).toBe(true);
      expect(seen.length).toBeLessThanOrEqual(3 + Math.floor(tookMs / PROGRESS_INTERVAL_MS));
    });
  }

  it('were put to the test: the scans took over a second, and sent more than a start and an end', () => {
    for (const tool of ['summarize_delivery', 'list_failed_numbers', 'audit_opt_outs']) expect(watched.get(tool)?.length, tool).toBeGreaterThan(4);
  });

  it('give list_failed_numbers its scan as the first half and its recipients as the second', () => {
    const seen = watched.get('list_failed_numbers') ?? [];
    const scan = seen.filter((update) => update.message?.includes('ten-day windows'));
    const recipients = seen.slice(0, -1).filter((update) => update.message?.includes('recipients of'));
    expect(scan.length).toBeGreaterThan(0);
    expect(recipients.length).toBeGreaterThan(0);
    expect(scan.every((update) => update.progress <= 50)).toBe(true);
    expect(recipients.every((update) => update.progress >= 50 && update.progress < 100)).toBe(true);
  });

  it('give audit_opt_outs its inbox, blacklist, later-sends scan and get-report reads in turn', () => {
    const seen = watched.get('audit_opt_outs') ?? [];
    const scan = seen.filter((update) => update.message?.includes('ten-day windows'));
    const recipients = seen.slice(0, -1).filter((update) => update.message?.includes('recipients of'));
    expect(scan.length).toBeGreaterThan(0);
    expect(recipients.length).toBeGreaterThan(0);
    // Inbox and blacklist take the first fifth; the scan the next two fifths; the reads the rest.
    expect(scan.every((update) => update.progress >= 20 && update.progress <= 60)).toBe(true);
    expect(recipients.every((update) => update.progress >= 60 && update.progress < 100)).toBe(true);
  });
});
