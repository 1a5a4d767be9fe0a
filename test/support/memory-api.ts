import type { IletimerkeziApi, Order } from '../../src/api/client.js';
import { ordersBetween } from './ground-truth.js';

/**
 * An API in memory for the suites that drive the reporting code directly: every endpoint answers
 * as an empty account would, except the ones a test gives.
 */
export function memoryApi(endpoints: Partial<IletimerkeziApi>): IletimerkeziApi {
  return {
    readOrdersPage(_window, _page, open) {
      const sink = open();
      sink.commit();
      return Promise.resolve(sink);
    },
    fetchInbox: () => Promise.resolve({ totalRows: 0, messages: [] }),
    readReportPage: () => Promise.resolve(undefined),
    readBlacklistPage: () => Promise.resolve([]),
    fetchBalance: () => Promise.resolve({ amount: 0, sms: 0 }),
    ...endpoints,
  };
}

/** A paging get-reports over a fixed order list, and whatever else a test gives. */
export function pagedOrdersApi(orders: Order[], pageSize: number, endpoints: Partial<IletimerkeziApi> = {}): IletimerkeziApi {
  return memoryApi({
    readOrdersPage(window, page, open) {
      const inWindow = ordersBetween(orders, window.start, window.end);
      const read = open();
      for (const order of inWindow.slice((page - 1) * pageSize, page * pageSize)) read.add(order);
      read.commit();
      return Promise.resolve(read);
    },
    ...endpoints,
  });
}
