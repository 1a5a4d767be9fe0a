import type { Answer } from './http.js';
import { envelope } from './http.js';

/** The paging of get-report and get-blacklist: `page` from 1, `rowCount` 1 to 1000, default 1000. */

export const MAX_ROW_COUNT = 1000;

export interface RowRequest {
  page: number;
  rowCount: number;
}

const PAGE_ERROR = { status: 464, body: envelope(464, 'Sayfa numarası 1 den başlamalıdır') };
const ROW_COUNT_ERROR = { status: 422, body: envelope(422, 'rowCount en fazla 1000 olabilir') };

/**
 * The page to serve, or the error the API answers. `served` overrides the page size, as a server
 * with its own would; `ignoringPage` serves page 1 for any valid page, as a server that ignores it would.
 */
export function rowRequest(fields: Record<string, unknown>, served: number | undefined, ignoringPage = false): RowRequest | Answer {
  const page = fields.page ?? 1;
  const rowCount = fields.rowCount ?? MAX_ROW_COUNT;
  if (typeof page !== 'number' || !Number.isInteger(page) || page < 1) return PAGE_ERROR;
  if (typeof rowCount !== 'number' || !Number.isInteger(rowCount) || rowCount < 1 || rowCount > MAX_ROW_COUNT) return ROW_COUNT_ERROR;
  return { page: ignoringPage ? 1 : page, rowCount: served ?? rowCount };
}

export function pageRows<T>(rows: readonly T[], { page, rowCount }: RowRequest): T[] {
  return rows.slice((page - 1) * rowCount, page * rowCount);
}
