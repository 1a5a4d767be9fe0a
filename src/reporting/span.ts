import { type Day, inclusiveDays, timestampToIso, toTimestamp, today } from './calendar.js';
import type { DayRange } from './date-range.js';

/**
 * What a figure over a range rests on, so that no verdict or total reads as if it covered more
 * than it did: the days of the range that had data, and, for a range that reaches today, the
 * moment it was read, since such a range covers its last day only up to then.
 */

/** The days of a range that had data: known once the data is read, the same whenever it is shown. */
export interface Coverage {
  /** Days in the range, both ends counted (today too, when the range reaches it). */
  days: number;
  daysWithData: number;
  firstDayWithData: Day | null;
  lastDayWithData: Day | null;
  /** Every day with data, in order, when there are at most MAX_LISTED_DAYS of them; else empty, and the first and last bound them. */
  listedDaysWithData: Day[];
}

/** Days with data named one by one: a few are read at a glance, and first-to-last would pass over the gaps between them. */
export const MAX_LISTED_DAYS = 5;

export interface Span extends Coverage {
  /** True when the range reaches today: it runs from its first day's midnight to `until`, not to the end of today. */
  soFar: boolean;
  /** When soFar, the moment the data was read, ISO 8601 with the Istanbul offset; otherwise null. */
  until: string | null;
}

/** The coverage of `range` by the days given; days outside the range, and repeats, do not count. */
export function coverageOf(range: DayRange, days: Iterable<Day>): Coverage {
  const inRange = [...new Set(days)].filter((day) => day >= range.start && day <= range.end).sort();
  return {
    days: inclusiveDays(range.start, range.end),
    daysWithData: inRange.length,
    firstDayWithData: inRange[0] ?? null,
    lastDayWithData: inRange.at(-1) ?? null,
    listedDaysWithData: inRange.length <= MAX_LISTED_DAYS ? inRange : [],
  };
}

/** The span of data read at `readAt` (the injected clock's now when the reading began). */
export function spanOf(range: DayRange, coverage: Coverage, readAt: Date): Span {
  const soFar = range.end >= today(() => readAt);
  return { ...coverage, soFar, until: soFar ? timestampToIso(toTimestamp(readAt)) : null };
}
