import { describe, expect, it } from 'vitest';
import { UserInputError } from '../src/errors.js';
import { inclusiveDays, isCalendarDay, today } from '../src/reporting/calendar.js';
import { type DayRange, requireRange, resolveRange, splitIntoWindows } from '../src/reporting/date-range.js';

const at = (iso: string) => () => new Date(iso);
/** 2026-04-22 12:30 in Istanbul, a Wednesday. */
const rules = { clock: at('2026-04-22T09:30:00Z'), maxRangeDays: 366 };

function expectRefused(run: () => unknown, field: string, fragment: string): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(UserInputError);
  expect((caught as UserInputError).field).toBe(field);
  expect((caught as UserInputError).message).toContain(fragment);
}

describe('splitIntoWindows', () => {
  it('splits a month the way the API docs do: 1..10, 11..20, 21..30', () => {
    expect(splitIntoWindows({ start: '2026-04-01', end: '2026-04-30' })).toEqual([
      { start: '2026-04-01', end: '2026-04-10' },
      { start: '2026-04-11', end: '2026-04-20' },
      { start: '2026-04-21', end: '2026-04-30' },
    ]);
  });

  it('crosses month ends and ends exactly at end', () => {
    expect(splitIntoWindows({ start: '2026-01-25', end: '2026-02-13' })).toEqual([
      { start: '2026-01-25', end: '2026-02-03' },
      { start: '2026-02-04', end: '2026-02-13' },
    ]);
    expect(splitIntoWindows({ start: '2026-12-28', end: '2027-01-08' })).toEqual([
      { start: '2026-12-28', end: '2027-01-06' },
      { start: '2027-01-07', end: '2027-01-08' },
    ]);
  });

  it('counts the leap day in 2028 and skips it in 2026', () => {
    expect(splitIntoWindows({ start: '2028-02-25', end: '2028-03-06' })).toEqual([
      { start: '2028-02-25', end: '2028-03-05' },
      { start: '2028-03-06', end: '2028-03-06' },
    ]);
    expect(splitIntoWindows({ start: '2026-02-25', end: '2026-03-06' })).toEqual([{ start: '2026-02-25', end: '2026-03-06' }]);
  });

  it('gives one window for one day', () => {
    expect(splitIntoWindows({ start: '2026-04-22', end: '2026-04-22' })).toEqual([{ start: '2026-04-22', end: '2026-04-22' }]);
  });

  it('tiles a 366-day range in 37 windows with no gap or overlap', () => {
    const range: DayRange = { start: '2027-04-23', end: '2028-04-22' };
    expect(inclusiveDays(range.start, range.end)).toBe(366);
    const windows = splitIntoWindows(range);
    expect(windows).toHaveLength(37);
    expect(windows[0]).toEqual({ start: '2027-04-23', end: '2027-05-02' });
    expect(windows.at(-1)).toEqual({ start: '2028-04-17', end: '2028-04-22' });
    expect(windows.reduce((days, window) => days + inclusiveDays(window.start, window.end), 0)).toBe(366);
  });
});

describe('periods under a fixed clock', () => {
  const cases: Array<[string, DayRange]> = [
    ['today', { start: '2026-04-22', end: '2026-04-22' }],
    ['yesterday', { start: '2026-04-21', end: '2026-04-21' }],
    ['last_7_days', { start: '2026-04-16', end: '2026-04-22' }],
    ['last_30_days', { start: '2026-03-24', end: '2026-04-22' }],
    ['this_week', { start: '2026-04-20', end: '2026-04-22' }],
    ['last_week', { start: '2026-04-13', end: '2026-04-19' }],
    ['this_month', { start: '2026-04-01', end: '2026-04-22' }],
    ['last_month', { start: '2026-03-01', end: '2026-03-31' }],
    ['this_year', { start: '2026-01-01', end: '2026-04-22' }],
    ['2026-02', { start: '2026-02-01', end: '2026-02-28' }],
    ['2024-02', { start: '2024-02-01', end: '2024-02-29' }],
    ['2026-04', { start: '2026-04-01', end: '2026-04-22' }],
  ];
  it.each(cases)('%s', (period, expected) => {
    expect(resolveRange({ period }, rules)).toEqual(expected);
  });

  it('uses the Istanbul day just after midnight, while UTC is still on the day before', () => {
    const justAfterMidnight = { clock: at('2026-03-31T21:05:00Z'), maxRangeDays: 366 };
    expect(today(justAfterMidnight.clock)).toBe('2026-04-01');
    expect(resolveRange({ period: 'today' }, justAfterMidnight)).toEqual({ start: '2026-04-01', end: '2026-04-01' });
    expect(resolveRange({ period: 'last_month' }, justAfterMidnight)).toEqual({ start: '2026-03-01', end: '2026-03-31' });
    expect(resolveRange({ period: 'this_week' }, justAfterMidnight)).toEqual({ start: '2026-03-30', end: '2026-04-01' });
  });

  it('finds last_month across a year boundary', () => {
    expect(resolveRange({ period: 'last_month' }, { clock: at('2027-01-15T10:00:00Z'), maxRangeDays: 366 })).toEqual({
      start: '2026-12-01',
      end: '2026-12-31',
    });
  });

  it('treats Sunday as the end of a Monday-first week', () => {
    const sunday = { clock: at('2026-04-26T10:00:00Z'), maxRangeDays: 366 };
    expect(resolveRange({ period: 'this_week' }, sunday)).toEqual({ start: '2026-04-20', end: '2026-04-26' });
    expect(resolveRange({ period: 'last_week' }, sunday)).toEqual({ start: '2026-04-13', end: '2026-04-19' });
  });
});

describe('start and end', () => {
  it('defaults end to today and clips it to today', () => {
    expect(resolveRange({ start: '2026-04-01' }, rules)).toEqual({ start: '2026-04-01', end: '2026-04-22' });
    expect(resolveRange({ start: '2026-04-01', end: '2026-05-30' }, rules)).toEqual({ start: '2026-04-01', end: '2026-04-22' });
  });

  it('accepts exactly the maximum and refuses one day more', () => {
    expect(resolveRange({ start: '2025-04-22', end: '2026-04-22' }, rules)).toEqual({ start: '2025-04-22', end: '2026-04-22' });
    expectRefused(() => resolveRange({ start: '2025-04-21', end: '2026-04-22' }, rules), 'start', 'spans 367 days, more than the 366');
  });

  it('refuses reversed, future, mixed and impossible ranges with the field to fix', () => {
    expectRefused(() => resolveRange({ start: '2026-04-10', end: '2026-04-01' }, rules), 'start', 'after end');
    expectRefused(() => resolveRange({ start: '2026-05-01' }, rules), 'start', 'after today');
    expectRefused(() => resolveRange({ period: 'today', start: '2026-04-01' }, rules), 'period', 'not both');
    expectRefused(() => resolveRange({ start: '2026-02-30' }, rules), 'start', 'not a real calendar day');
    expectRefused(() => resolveRange({ end: '2026-04-01' }, rules), 'start', 'without start');
    expectRefused(() => resolveRange({ period: 'fortnight' }, rules), 'period', 'unknown period');
    expectRefused(() => resolveRange({ period: '2026-05' }, rules), 'period', 'has not started');
    expectRefused(() => requireRange({}, rules), 'period', 'a date range is required');
  });

  it('returns no range when none was asked for', () => {
    expect(resolveRange({}, rules)).toBeUndefined();
  });

  it('knows real calendar days', () => {
    expect(['2026-02-28', '2028-02-29', '2026-12-31'].map(isCalendarDay)).toEqual([true, true, true]);
    expect(['2026-02-29', '2026-02-30', '2026-13-01', '22/04/2026', '2026-4-1', ''].map(isCalendarDay)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
