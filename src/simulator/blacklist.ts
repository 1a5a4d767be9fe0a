import { type Endpoint, type RequestBody, objectField } from './endpoint.js';
import { OK_MESSAGE, envelope } from './http.js';
import { pageRows, rowRequest } from './rows.js';
import type { BlacklistEntry, SimulatorOptions } from './types.js';

/**
 * get-blacklist: the blocked numbers, optionally only those blocked between two datetimes, in
 * pages of rowCount. `count` is the total as a string, as the sample shows it.
 */

const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const FILTER_ERROR = { status: 422, body: envelope(422, 'Tarih biçimi hatalı') };

const blacklistField = (request: RequestBody) => objectField(request, 'blacklist');

/** The fake's own spellings of a Turkish mobile number: `+905321234567` and `5321234567`, each the other's. */
function otherSpelling(number: string): string | undefined {
  const international = /^\+90(5\d{9})$/.exec(number);
  if (international) return international[1];
  return /^5\d{9}$/.test(number) ? `+90${number}` : undefined;
}

/** Every entry, then each number again in its other spelling, blocked at the same time. */
function withRespellings(entries: readonly BlacklistEntry[]): BlacklistEntry[] {
  const again = entries.flatMap((entry) => {
    const number = otherSpelling(entry.number);
    return number === undefined ? [] : [{ ...entry, number }];
  });
  return [...entries, ...again];
}

export function blacklistEndpoint(options: SimulatorOptions): Endpoint {
  const listed = options.account.blacklist ?? [];
  const entries = options.respelledBlacklist ? withRespellings(listed) : listed;
  return {
    describe: (request) => ({ page: Number(blacklistField(request).page ?? 1) }),
    answer: (request) => {
      const fields = blacklistField(request);
      const rows = rowRequest(fields, options.rowPageSize, options.ignoresPage?.includes('get-blacklist'));
      if ('status' in rows) return rows;
      const filter = objectField(fields, 'filter');
      const { start, end } = filter;
      if ((start !== undefined && (typeof start !== 'string' || !DATETIME.test(start))) || (end !== undefined && (typeof end !== 'string' || !DATETIME.test(end)))) {
        return FILTER_ERROR;
      }
      const selected = entries.filter((entry) => (start === undefined || entry.at >= start) && (end === undefined || entry.at <= end));
      const number = pageRows(selected, rows).map((entry) => entry.number);
      return { status: 200, body: envelope(200, OK_MESSAGE, { blacklist: { count: options.blacklistCount ?? String(selected.length), number } }) };
    },
  };
}
