import { TZDate } from '@date-fns/tz';
// Per-function entry points: the package root loads about 300 modules, a third of cold start.
import { addDays } from 'date-fns/addDays';
import { addMonths } from 'date-fns/addMonths';
import { differenceInCalendarDays } from 'date-fns/differenceInCalendarDays';
import { endOfMonth } from 'date-fns/endOfMonth';
import { format } from 'date-fns/format';
import { startOfMonth } from 'date-fns/startOfMonth';
import { startOfWeek } from 'date-fns/startOfWeek';
import { startOfYear } from 'date-fns/startOfYear';

/** The platform is Turkish: API timestamps and filter days are Istanbul wall-clock time. */
export const TIMEZONE = 'Europe/Istanbul' as const;

/** A calendar day in Istanbul, written YYYY-MM-DD. */
export type Day = string;

/** Where "now" comes from; injected so that tests and the demo are deterministic. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

/** How a day is written everywhere: the API's filters, tool inputs and outputs. */
export const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

function toZoned(day: Day): TZDate {
  if (!DAY_PATTERN.test(day)) throw new RangeError(`not a YYYY-MM-DD day: ${day}`);
  const [year = 0, month = 0, date = 0] = day.split('-').map(Number);
  return new TZDate(year, month - 1, date, TIMEZONE);
}

function toDay(date: Date): Day {
  return format(date, 'yyyy-MM-dd');
}

/** True for a real calendar day written YYYY-MM-DD (so 2026-02-30 is false). */
export function isCalendarDay(text: string): boolean {
  if (!DAY_PATTERN.test(text)) return false;
  const year = Number(text.slice(0, 4));
  return year >= 2000 && year <= 2999 && toDay(toZoned(text)) === text;
}

export function today(clock: Clock): Day {
  return toDay(new TZDate(clock().getTime(), TIMEZONE));
}

export function shiftDays(day: Day, days: number): Day {
  return toDay(addDays(toZoned(day), days));
}

export function shiftMonths(day: Day, months: number): Day {
  return toDay(addMonths(toZoned(day), months));
}

/** Days from `start` to `end`, both counted: a single day is 1. */
export function inclusiveDays(start: Day, end: Day): number {
  return differenceInCalendarDays(toZoned(end), toZoned(start)) + 1;
}

export function mondayOf(day: Day): Day {
  return toDay(startOfWeek(toZoned(day), { weekStartsOn: 1 }));
}

export function firstOfMonth(day: Day): Day {
  return toDay(startOfMonth(toZoned(day)));
}

export function lastOfMonth(day: Day): Day {
  return toDay(endOfMonth(toZoned(day)));
}

export function firstOfYear(day: Day): Day {
  return toDay(startOfYear(toZoned(day)));
}

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/**
 * An API timestamp (`YYYY-MM-DD HH:MM:SS`, Istanbul wall-clock) as ISO 8601 with its offset.
 * Throws on a moment that does not exist: date arithmetic would quietly roll 2026-09-31 into
 * October or 24:00:00 into the next day. The response schema refuses those first; this is the
 * second line, for a timestamp that reached here some other way.
 */
export function timestampToIso(timestamp: string): string {
  const match = TIMESTAMP.exec(timestamp);
  const day = match?.[1] ?? '';
  // A missing match reads as NaN, which fails every comparison below.
  const [hours, minutes, seconds] = [match?.[2], match?.[3], match?.[4]].map(Number) as [number, number, number];
  if (!isCalendarDay(day) || !(hours <= 23 && minutes <= 59 && seconds <= 59)) {
    throw new RangeError('not a real date and time written YYYY-MM-DD HH:MM:SS');
  }
  const zoned = toZoned(day);
  zoned.setHours(hours, minutes, seconds, 0);
  return format(zoned, "yyyy-MM-dd'T'HH:mm:ssXXX");
}

/** The calendar day of an API timestamp, which is already Istanbul wall-clock time. */
export function dayOfTimestamp(timestamp: string): Day {
  return timestamp.slice(0, 10);
}

/** An instant as an API-style timestamp: Istanbul wall-clock `YYYY-MM-DD HH:MM:SS`. */
export function toTimestamp(instant: Date): string {
  return format(new TZDate(instant.getTime(), TIMEZONE), 'yyyy-MM-dd HH:mm:ss');
}

/** 0 for Sunday through 6 for Saturday. */
export function weekdayOf(day: Day): number {
  return toZoned(day).getDay();
}

/** The day's weekday as text reads it: Mon, Tue, … */
export function weekdayName(day: Day): string {
  return format(toZoned(day), 'EEE');
}
