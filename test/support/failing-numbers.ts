import type { Order } from '../../src/api/schemas.js';
import type { SimulatedAccount, WireRecipient } from '../../src/simulator/api-server.js';

/**
 * An account whose orders fail to many distinct numbers, cheap to serve: every recipient of
 * every order is undelivered, and order j's are numbers j × perOrder to (j + 1) × perOrder - 1
 * of a sequence that wraps after `distinct`. With orders × perOrder ≥ distinct, every number of
 * the sequence fails at least once, and the ones the wrap reaches again fail more than once.
 * Numbers are Turkish mobiles written as get-report writes them (5321234567, a JSON number),
 * scattered over 532 0000000–9999999 so that the ranking does not follow the sequence.
 */
export interface FailingNumbersOptions {
  distinct: number;
  orders: number;
  /** At most 50,000, what one order can hold. */
  perOrder: number;
  /** The day every order is submitted and sent, 10:00 and a minute per order. */
  day: string;
  firstId?: number;
}

const SPAN = 10_000_000;
/** Prime to SPAN, so that multiplying by it scatters the sequence without repeating a number. */
const SCATTER = 7_919;

/** The nth number of the sequence, as get-report writes it. */
export const failingNumber = (index: number) => 5_320_000_000 + ((index * SCATTER + 12_345) % SPAN);

export function failingNumbersAccount(options: FailingNumbersOptions): SimulatedAccount {
  const firstId = options.firstId ?? 500_000_000;
  const orders: Order[] = Array.from({ length: options.orders }, (_, index) => {
    const at = `${options.day} ${String(10 + Math.floor(index / 60)).padStart(2, '0')}:${String(index % 60).padStart(2, '0')}:00`;
    return {
      id: firstId + index,
      status: 115,
      total: options.perOrder,
      delivered: 0,
      undelivered: options.perOrder,
      waiting: 0,
      submitAt: at,
      sendAt: at,
      sender: 'ACME',
    };
  });
  const recipients = (order: Order): WireRecipient[] => {
    const first = (order.id - firstId) * options.perOrder;
    return Array.from({ length: options.perOrder }, (_, offset) => ({ number: failingNumber((first + offset) % options.distinct), status: 112 }));
  };
  return { orders, inbox: [], recipients };
}
