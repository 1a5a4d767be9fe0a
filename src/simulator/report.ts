import type { Order } from '../api/schemas.js';
import { type Endpoint, type RequestBody, objectField } from './endpoint.js';
import { OK_MESSAGE, envelope } from './http.js';
import { pageRows, rowRequest } from './rows.js';
import type { SimulatorOptions, WireRecipient } from './types.js';

/**
 * get-report: one order's recipients, in pages of rowCount (default and most 1000), ending with
 * a page without messages. An unknown id is 455; a scheduled order whose send time has not come
 * is 456.
 */

const NOT_FOUND = { status: 455, body: envelope(455, 'Sipariş bulunamadı') };
const SCHEDULED = { status: 456, body: envelope(456, 'Sipariş henüz gönderim zamanına ulaşmadı') };
const REFUSALS = { 455: NOT_FOUND, 456: SCHEDULED } as const;
const INVALID_ID = { status: 422, body: envelope(422, 'Sipariş numarası geçersiz') };

/** The fake's own reading of Istanbul wall-clock time: UTC+3 all year, no library. */
function istanbulTimestamp(instant: Date): string {
  return new Date(instant.getTime() + 3 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** Recipients made up from an order's counters, for accounts that do not list their own. */
function recipientsFromCounters(order: Order): WireRecipient[] {
  const rows: WireRecipient[] = [];
  const add = (count: number, status: number) => {
    for (let index = 0; index < count; index += 1) rows.push({ number: `+90555${String(rows.length).padStart(7, '0')}`, status });
  };
  add(order.delivered, 111);
  add(order.undelivered, 112);
  add(order.waiting, 110);
  return rows;
}

/** A few orders' lists at a time: a generated account may hold millions of recipients in all. */
const CACHED_ORDERS = 64;

function recipientReader(options: SimulatorOptions): (order: Order) => readonly WireRecipient[] {
  const cache = new Map<number, readonly WireRecipient[]>();
  const make = options.account.recipients ?? recipientsFromCounters;
  return (order) => {
    let rows = cache.get(order.id);
    if (!rows) {
      rows = make(order);
      if (cache.size >= CACHED_ORDERS) cache.delete(cache.keys().next().value as number);
      cache.set(order.id, rows);
    }
    return rows;
  };
}

const orderField = (request: RequestBody) => objectField(request, 'order');

export function reportEndpoint(options: SimulatorOptions): Endpoint {
  const byId = new Map(options.account.orders.map((order) => [order.id, order]));
  const recipientsOf = recipientReader(options);
  return {
    describe: (request) => {
      const order = orderField(request);
      return { order: Number(order.id), page: Number(order.page ?? 1) };
    },
    answer: (request) => {
      const fields = orderField(request);
      const { id } = fields;
      if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 1) return INVALID_ID;
      const rows = rowRequest(fields, options.rowPageSize, options.ignoresPage?.includes('get-report'));
      if ('status' in rows) return rows;
      const order = byId.get(id);
      if (!order) return NOT_FOUND;
      const withheld = options.withheldOrders?.[id];
      if (withheld !== undefined) return REFUSALS[withheld];
      if (order.sendAt > istanbulTimestamp(options.now?.() ?? new Date())) return SCHEDULED;
      const message = pageRows(recipientsOf(order), rows);
      const header = options.legacyReport
        ? { id: order.id, status: order.status }
        : {
            id: order.id,
            status: order.status,
            total: order.total,
            delivered: order.delivered,
            undelivered: order.undelivered,
            waiting: order.waiting,
            submitAt: order.submitAt,
            sendAt: order.sendAt,
            sender: order.sender,
            price: '0,0372',
          };
      const drifted = options.drift ? { ...header, id: String(header.id), status: String(header.status) } : header;
      return { status: 200, body: envelope(200, OK_MESSAGE, { order: { ...drifted, message } }) };
    },
  };
}
