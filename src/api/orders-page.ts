import { type Order, readOrder } from './schemas.js';
import { LiftedListReader } from './lifted-list.js';

const ORDERS_PATH = ['response', 'orders'] as const;

/**
 * Where the orders of one get-reports page go as they are read. Nothing added counts until
 * `commit`, which the client calls once, and only for the attempt whose whole body was valid.
 */
export interface OrderSink {
  add(order: Order): void;
  commit(): void;
}

/** The simplest sink: the orders themselves. */
export class OrderList implements OrderSink {
  readonly orders: Order[] = [];

  add(order: Order): void {
    this.orders.push(order);
  }

  commit(): void {}
}

/**
 * Reads one get-reports body with its orders lifted out as they arrive: each is checked against
 * the order schema on its own and handed to `sink` at once. The client commits `sink` once the
 * rest of the body passed its schema, or reports `problem`.
 */
export class OrdersPageReader<S extends OrderSink> extends LiftedListReader {
  constructor(readonly sink: S) {
    super(ORDERS_PATH, (value, where) => {
      const order = readOrder(value, where);
      if ('problem' in order) return order.problem;
      sink.add(order);
      return undefined;
    });
  }
}
