import type { InboxMessage, Order } from '../../src/api/schemas.js';
import type { ScriptedResponse, SimulatedRequest } from '../../src/simulator/api-server.js';

/** Hand-written answers for the fake API's `script` hook, shared by the suites that need them. */
export type Script = (request: SimulatedRequest) => ScriptedResponse | undefined;

export const OK_STATUS = { code: 200, message: 'İşlem başarılı' };

export function success(fields: object): ScriptedResponse {
  return { status: 200, body: { response: { status: OK_STATUS, ...fields } } };
}

/**
 * get-reports served from `ordersFor(window)` in pages of `pageSize`, as the real API pages:
 * a page past the end is empty. Everything else is left to the fake.
 */
export function pagedReports(ordersFor: (window: { start: string; end: string }) => Order[], pageSize = 30): Script {
  return (request) => {
    if (request.endpoint !== 'get-reports') return undefined;
    const page = request.page ?? 1;
    const orders = ordersFor({ start: request.start ?? '', end: request.end ?? '' }).slice((page - 1) * pageSize, page * pageSize);
    return success({ count: orders.length, orders });
  };
}

export function inboxOf(messages: InboxMessage[], totalRows: number = messages.length): Script {
  return (request) => (request.endpoint === 'get-inbox' ? success({ orders: { totalRows: String(totalRows), order: messages } }) : undefined);
}
