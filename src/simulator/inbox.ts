import type { Endpoint } from './endpoint.js';
import { OK_MESSAGE, envelope } from './http.js';
import type { SimulatorOptions } from './types.js';

/** get-inbox: the whole inbox in one answer (the API has no paging), or its first rows only. */
export function inboxEndpoint(options: SimulatorOptions): Endpoint {
  return {
    describe: () => ({}),
    answer: () => {
      const all = options.account.inbox;
      const rows = all.slice(0, options.inboxRowLimit ?? all.length);
      const totalRows = String(options.account.inboxTotalRows ?? all.length);
      const order = options.drift && rows.length === 1 ? rows[0] : rows;
      return { status: 200, body: envelope(200, OK_MESSAGE, { orders: { totalRows, order } }) };
    },
  };
}
