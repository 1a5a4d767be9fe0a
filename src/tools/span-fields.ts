import * as z from 'zod';
import { weekdayName } from '../reporting/calendar.js';
import type { DayRange } from '../reporting/date-range.js';
import { MAX_LISTED_DAYS, type Span } from '../reporting/span.js';
import { counted, formatCount, timestampForText } from './fields.js';

/** The span of a figure over a range, in the structured data, for data described as `noun` ("orders"). */
export function spanOutput(noun: string) {
  return z
    .object({
      days: z.number().int().describe('Days in the range.'),
      daysWithData: z.number().int().describe(`Days of the range with at least one of the ${noun}.`),
      firstDayWithData: z.string().nullable().describe('The first of those days, or null.'),
      lastDayWithData: z.string().nullable().describe('The last of those days, or null.'),
      listedDaysWithData: z
        .array(z.string())
        .describe(`Those days when at most ${MAX_LISTED_DAYS}, else empty.`),
      soFar: z.boolean().describe('True when the range reaches today: covered up to until, and may grow.'),
      until: z.string().nullable().describe('When soFar, when the data was read (ISO 8601); else null.'),
    })
    .describe('What the figures covered.');
}

/**
 * The line that states what a figure covered: for a range that reaches today, from its first
 * midnight up to when it was read ("so far: Mon 2026-12-07 00:00 – 01:53"); for any range, on
 * how many of its days there was data, and which: a few named one by one, more by the first and
 * the last, never as a run that would hide the days between without data.
 */
export function spanLine(range: DayRange, span: Span, noun: string): string {
  const { firstDayWithData: first, lastDayWithData: last, listedDaysWithData: listed } = span;
  const which =
    span.daysWithData === span.days || first === null || last === null
      ? ''
      : listed.length > 0
        ? ` (${listed.join(', ')})`
        : `, first ${first}, last ${last}`;
  const onDays = `${noun} on ${formatCount(span.daysWithData)} of ${counted(span.days, 'day')}${which}`;
  if (!span.soFar || span.until === null) return `Covered: ${onDays}.`;
  const [day = '', time = ''] = timestampForText(span.until).split(' ');
  const end = day === range.start ? time : `${weekdayName(day)} ${day} ${time}`;
  return `Covered so far: ${weekdayName(range.start)} ${range.start} 00:00 – ${end} (Istanbul time); ${onDays}.`;
}
