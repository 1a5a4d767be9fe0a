import { type Endpoint, type RequestBody, objectField } from './endpoint.js';
import { OK_MESSAGE, envelope } from './http.js';
import { pageRows, rowRequest } from './rows.js';
import type { SimulatorOptions } from './types.js';

/**
 * get-blacklist: the blocked numbers, optionally only those blocked between two datetimes, in
 * pages of rowCount. `count` is the total as a string, as the sample shows it.
 */

const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const FILTER_ERROR = { status: 422, body: envelope(422, 'Tarih biçimi hatalı') };

const blacklistField = (request: RequestBody) => objectField(request, 'blacklist');

export function blacklistEndpoint(options: SimulatorOptions): Endpoint {
  const entries = options.account.blacklist ?? [];
  return {
    describe: (request) => ({ page: Number(blacklistField(request).page ?? 1) }),
    answer: (request) => {
      const fields = blacklistField(request);
      const rows = rowRequest(fields, options.rowPageSize);
      if ('status' in rows) return rows;
      const filter = objectField(fields, 'filter');
      const { start, end } = filter;
      if ((start !== undefined && (typeof start !== 'string' || !DATETIME.test(start))) || (end !== undefined && (typeof end !== 'string' || !DATETIME.test(end)))) {
        return FILTER_ERROR;
      }
      const selected = entries.filter((entry) => (start === undefined || entry.at >= start) && (end === undefined || entry.at <= end));
      const number = pageRows(selected, rows).map((entry) => entry.number);
      return { status: 200, body: envelope(200, OK_MESSAGE, { blacklist: { count: String(selected.length), number } }) };
    },
  };
}
