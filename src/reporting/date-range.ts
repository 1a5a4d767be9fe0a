import { UserInputError } from '../errors.js';
import {
  type Clock,
  type Day,
  firstOfMonth,
  firstOfYear,
  inclusiveDays,
  isCalendarDay,
  lastOfMonth,
  mondayOf,
  shiftDays,
  shiftMonths,
  today,
} from './calendar.js';

export const NAMED_PERIODS = [
  'today',
  'yesterday',
  'last_7_days',
  'last_30_days',
  'this_week',
  'last_week',
  'this_month',
  'last_month',
  'this_year',
] as const;

/** A month named as a period: YYYY-MM. */
export const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

export interface RangeInput {
  period?: string | undefined;
  start?: string | undefined;
  end?: string | undefined;
}

/** An inclusive range of Istanbul calendar days. */
export interface DayRange {
  start: Day;
  end: Day;
}

export interface RangeRules {
  clock: Clock;
  maxRangeDays: number;
}

function periodRange(period: string, now: Day): DayRange {
  switch (period) {
    case 'today':
      return { start: now, end: now };
    case 'yesterday':
      return { start: shiftDays(now, -1), end: shiftDays(now, -1) };
    case 'last_7_days':
      return { start: shiftDays(now, -6), end: now };
    case 'last_30_days':
      return { start: shiftDays(now, -29), end: now };
    case 'this_week':
      return { start: mondayOf(now), end: now };
    case 'last_week': {
      const monday = shiftDays(mondayOf(now), -7);
      return { start: monday, end: shiftDays(monday, 6) };
    }
    case 'this_month':
      return { start: firstOfMonth(now), end: now };
    case 'last_month': {
      const first = shiftMonths(firstOfMonth(now), -1);
      return { start: first, end: lastOfMonth(first) };
    }
    case 'this_year':
      return { start: firstOfYear(now), end: now };
  }
  if (!MONTH_PATTERN.test(period)) {
    throw new UserInputError(
      'period',
      `unknown period ${JSON.stringify(period)}. Use one of ${NAMED_PERIODS.join(', ')}, or a month as YYYY-MM.`,
    );
  }
  const first = `${period}-01`;
  // A month follows the rule its first day follows as start (years 2000 to 2999), so 1999-12
  // is refused here instead of reaching the API.
  if (!isCalendarDay(first)) {
    throw new UserInputError('period', `${JSON.stringify(period)} is not a month of the years 2000 to 2999.`);
  }
  if (first > now) {
    throw new UserInputError('period', `${period} has not started yet; today is ${now} in Istanbul.`);
  }
  return { start: first, end: lastOfMonth(first) };
}

function checkDay(field: 'start' | 'end', value: string): Day {
  if (!isCalendarDay(value)) {
    throw new UserInputError(field, `${JSON.stringify(value)} is not a real calendar day of the years 2000 to 2999 written YYYY-MM-DD.`);
  }
  return value;
}

/**
 * Turns `period` or `start`/`end` into a concrete range of Istanbul days, clipped to today,
 * or refuses it with the field to fix. Returns undefined when no range was asked for.
 */
export function resolveRange(input: RangeInput, rules: RangeRules): DayRange | undefined {
  const now = today(rules.clock);
  if (input.period !== undefined && (input.start !== undefined || input.end !== undefined)) {
    throw new UserInputError('period', 'pass either period or start/end, not both.');
  }
  let range: DayRange;
  if (input.period !== undefined) {
    range = periodRange(input.period, now);
  } else if (input.start !== undefined) {
    range = { start: checkDay('start', input.start), end: input.end === undefined ? now : checkDay('end', input.end) };
  } else if (input.end !== undefined) {
    throw new UserInputError('start', 'end was given without start; pass start as well, or use period.');
  } else {
    return undefined;
  }
  if (range.start > now) {
    throw new UserInputError(input.period === undefined ? 'start' : 'period', `the range starts after today (${now} in Istanbul).`);
  }
  if (range.start > range.end) {
    throw new UserInputError('start', `start ${range.start} is after end ${range.end}.`);
  }
  const clipped = { start: range.start, end: range.end > now ? now : range.end };
  const days = inclusiveDays(clipped.start, clipped.end);
  if (days > rules.maxRangeDays) {
    throw new UserInputError(
      input.period === undefined ? 'start' : 'period',
      `the range ${clipped.start}..${clipped.end} spans ${days} days, more than the ${rules.maxRangeDays} allowed ` +
        `(ILETIMERKEZI_MAX_RANGE_DAYS); split it into shorter ranges.`,
    );
  }
  return clipped;
}

/** Like resolveRange, for tools that cannot run without a range. */
export function requireRange(input: RangeInput, rules: RangeRules): DayRange {
  const range = resolveRange(input, rules);
  if (!range) {
    throw new UserInputError(
      'period',
      'a date range is required: pass period (e.g. "last_month", "last_7_days" or "2026-04") or start (YYYY-MM-DD, with an optional end).',
    );
  }
  return range;
}

/** The API's 10-day limit, read the safe way: at most 10 calendar days, both ends inclusive. */
export const MAX_WINDOW_DAYS = 10;

/** Consecutive windows of at most 10 days that tile the range exactly, oldest first. */
export function splitIntoWindows(range: DayRange, windowDays = MAX_WINDOW_DAYS): DayRange[] {
  const windows: DayRange[] = [];
  for (let start = range.start; start <= range.end; start = shiftDays(start, windowDays)) {
    const last = shiftDays(start, windowDays - 1);
    windows.push({ start, end: last < range.end ? last : range.end });
  }
  return windows;
}
