/**
 * The fake's own reading of get-reports filter days, written apart from the server's calendar
 * code on purpose: an oracle that shared the client's day arithmetic would agree with the
 * client's bugs. Only whole days matter here, so plain UTC date arithmetic is exact; no time
 * zone enters.
 */

/** The documented limit: start and end at most 10 days apart, both ends counted. */
const MAX_FILTER_DAYS = 10;

const DAY_MS = 86_400_000;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * The day as a count of days since 1970-01-01, or undefined unless it is a real day written
 * Y-m-d. The API's date format is PHP's Y-m-d: four-digit years and any real date.
 */
function dayNumber(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const match = DAY.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not read years 0 to 99 as 1900 to 1999.
  date.setUTCFullYear(year, month - 1, day);
  const real = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return real ? Math.round(date.getTime() / DAY_MS) : undefined;
}

/** The day `offset` days from a real day, written Y-m-d. */
export function dayAfter(day: string, offset: number): string {
  const number = dayNumber(day);
  if (number === undefined) throw new RangeError('dayAfter needs a real day');
  const date = new Date((number + offset) * DAY_MS);
  return `${String(date.getUTCFullYear()).padStart(4, '0')}-${String(date.getUTCMonth() + 1).padStart(2, '0')}-${String(date.getUTCDate()).padStart(2, '0')}`;
}

/** The window a filter names, when the real API would accept it (else it answers 458). */
export function acceptedWindow(start: unknown, end: unknown): { start: string; end: string } | undefined {
  const first = dayNumber(start);
  const last = dayNumber(end);
  if (first === undefined || last === undefined || last < first || last - first + 1 > MAX_FILTER_DAYS) return undefined;
  return { start: start as string, end: end as string };
}
