/**
 * The API's status codes for orders (get-reports) and for each message of an order (get-report),
 * and the names the tools use for them. Every other module reads them from here.
 */

export const ORDER_STATUS = { in_progress: 113, completed: 114, failed: 115 } as const;
export type OrderStateName = keyof typeof ORDER_STATUS;
export type OrderState = OrderStateName | 'other';
export const ORDER_STATE_NAMES = Object.keys(ORDER_STATUS) as [OrderStateName, ...OrderStateName[]];

const STATE_BY_CODE = new Map<number, OrderStateName>(ORDER_STATE_NAMES.map((name) => [ORDER_STATUS[name], name]));

export function orderStateOf(status: number): OrderState {
  return STATE_BY_CODE.get(status) ?? 'other';
}

/** An order still in progress can gain deliveries and failures, whatever its waiting count says. */
export function isInProgress(status: number): boolean {
  return status === ORDER_STATUS.in_progress;
}

export const MESSAGE_STATUS = { waiting: 110, delivered: 111, undelivered: 112 } as const;
export type MessageStateName = keyof typeof MESSAGE_STATUS;
