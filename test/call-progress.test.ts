import { describe, expect, it } from 'vitest';
import { CallProgress, PROGRESS_INTERVAL_MS, PROGRESS_TOTAL, type ProgressUpdate, progressPhases } from '../src/reporting/call-progress.js';
import { PagedProgress } from '../src/reporting/scan-progress.js';

/** A CallProgress on a clock the test moves by hand, and what it sent, stamped with that clock. */
function throttled() {
  let now = 0;
  const sent: Array<ProgressUpdate & { at: number }> = [];
  const progress = new CallProgress((update) => sent.push({ ...update, at: now }), () => now);
  return {
    progress,
    sent,
    at(ms: number) {
      now = ms;
      return progress;
    },
  };
}

describe('CallProgress', () => {
  it('shows the start and the first update at once, then at most one per interval, then the end', () => {
    const call = throttled();
    call.at(0).start();
    call.at(1).report({ progress: 1, total: 10, message: 'a' });
    call.at(50).report({ progress: 2, total: 10, message: 'held back' });
    call.at(100).report({ progress: 3, total: 10, message: 'held back' });
    call.at(101).report({ progress: 4, total: 10, message: 'b' });
    call.at(200).report({ progress: 5, total: 10, message: 'held back' });
    call.at(201).report({ progress: 6, total: 10, message: 'c' });
    call.at(202).report({ progress: 7, total: 10, message: 'last word' });
    call.at(203).finish();
    expect(call.sent).toEqual([
      { progress: 0, total: PROGRESS_TOTAL, message: 'started', at: 0 },
      { progress: 10, total: PROGRESS_TOTAL, message: 'a', at: 1 },
      { progress: 40, total: PROGRESS_TOTAL, message: 'b', at: 101 },
      { progress: 60, total: PROGRESS_TOTAL, message: 'c', at: 201 },
      { progress: 100, total: PROGRESS_TOTAL, message: 'last word', at: 203 },
    ]);
    expect(PROGRESS_INTERVAL_MS).toBe(100);
  });

  it('never shows a step back, a fraction back, or the whole before the call has answered', () => {
    const call = throttled();
    call.at(0).start();
    // The old failed-numbers figures: the scan's 4 of 4 windows, then 1 of 4 + 64 steps.
    call.at(1000).report({ progress: 3, total: 4, message: 'scan' });
    call.at(2000).report({ progress: 4, total: 4, message: 'scan done' });
    call.at(3000).report({ progress: 5, total: 68, message: 'recipients' });
    call.at(4000).report({ progress: 60, total: 68, message: 'recipients' });
    call.at(5000).report({ progress: Number.NaN, total: 4, message: 'nonsense' });
    expect(call.sent.map((update) => update.progress)).toEqual([0, 75, 88.23]);
    call.at(6000).finish();
    expect(call.sent.map((update) => update.progress)).toEqual([0, 75, 88.23, 100]);
  });

  it('shows a short call its start and its end, and nothing after the end or a failure', () => {
    const short = throttled();
    short.at(0).start();
    short.at(3).finish();
    short.at(500).report({ progress: 1, total: 2, message: 'late' });
    expect(short.sent).toEqual([
      { progress: 0, total: PROGRESS_TOTAL, message: 'started', at: 0 },
      { progress: 100, total: PROGRESS_TOTAL, message: 'done', at: 3 },
    ]);

    const failed = throttled();
    failed.at(0).start();
    failed.at(1).stop();
    failed.at(500).report({ progress: 1, total: 2, message: 'winding down' });
    failed.at(501).finish();
    expect(failed.sent.map((update) => update.progress)).toEqual([0]);
  });
});

describe('progressPhases', () => {
  it('gives each phase its fixed share, in order, whatever totals the phases count in', () => {
    const seen: ProgressUpdate[] = [];
    const phases = progressPhases((update) => seen.push(update), { inbox: 1, blacklist: 1, sendsScan: 4, recipients: 4 });
    phases.inbox?.({ progress: 1, total: 1, message: 'inbox' });
    phases.sendsScan?.({ progress: 3, total: 12, message: 'scan' });
    phases.sendsScan?.({ progress: 12, total: 12, message: 'scan' });
    phases.recipients?.({ progress: 0, total: 0, message: 'nothing to read' });
    expect(seen).toEqual([
      { progress: 1, total: 10, message: 'inbox' },
      { progress: 3, total: 10, message: 'scan' },
      { progress: 6, total: 10, message: 'scan' },
      { progress: 10, total: 10, message: 'nothing to read' },
    ]);
  });

  it('keeps a phase inside its share when it over-reports', () => {
    const seen: number[] = [];
    const phases = progressPhases((update) => seen.push(update.progress / update.total), { scan: 1, recipients: 1 });
    phases.scan?.({ progress: 7, total: 4, message: 'more than all' });
    phases.recipients?.({ progress: -1, total: 5, message: 'less than none' });
    expect(seen).toEqual([0.5, 0.5]);
  });

  it('reports nothing when the call asked for no progress', () => {
    const phases = progressPhases(undefined, { scan: 1, recipients: 1 });
    expect(phases).toEqual({ scan: undefined, recipients: undefined });
  });
});

describe('PagedProgress', () => {
  it('moves forward with every page of parts of unknown length, and is whole exactly when every part is', () => {
    const seen: ProgressUpdate[] = [];
    const parts = new PagedProgress(3, (update) => seen.push(update), (done, all) => `${done} of ${all}`);
    parts.pageRead(0);
    parts.pageRead(0);
    parts.pageRead(2);
    parts.partFinished(0);
    parts.partFinished(0);
    parts.pageRead(1);
    parts.partFinished(2);
    parts.partFinished(1);
    expect(seen.map((update) => update.progress)).toEqual([
      expect.closeTo(1 / 2),
      expect.closeTo(2 / 3),
      expect.closeTo(2 / 3 + 1 / 2),
      expect.closeTo(1 + 1 / 2),
      expect.closeTo(1 + 1 / 2 + 1 / 2),
      expect.closeTo(2 + 1 / 2),
      3,
    ]);
    expect(seen.every((update) => update.total === 3)).toBe(true);
    expect(seen.at(-1)?.message).toBe('3 of 3');
  });
});
