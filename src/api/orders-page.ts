import { JsonArraySplitter } from './json-array-splitter.js';
import { type Order, readOrder } from './schemas.js';
import type { BodyReader } from './body-reader.js';

const ORDERS_PATH = ['response', 'orders'] as const;

/** Where the order of a page sits in its body, for a message about it. */
const orderPath = (index: number) => `${ORDERS_PATH.join('.')}[${index}]`;

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
 * the order schema on its own and handed to `sink` at once, so none outlives its own moment.
 * The transport sees the rest of the body, with the list emptied, and checks its envelope as
 * usual; the client then commits `sink`, or reports `problem`.
 */
export class OrdersPageReader<S extends OrderSink> implements BodyReader {
  /** What is wrong with the first order that failed its schema, paths and rules only. */
  private firstProblem: string | undefined;
  private duplicatePath = false;
  private readonly splitter = new JsonArraySplitter(ORDERS_PATH, (value, index) => {
    if (this.firstProblem !== undefined) return;
    const order = readOrder(value, () => orderPath(index));
    if ('problem' in order) this.firstProblem = order.problem;
    else this.sink.add(order);
  });

  constructor(readonly sink: S) {}

  write(chunk: Buffer): void {
    this.splitter.write(chunk);
  }

  end(): unknown {
    const { skeleton, duplicatePath } = this.splitter.end();
    this.duplicatePath = duplicatePath;
    return skeleton;
  }

  get problem(): string | undefined {
    if (this.duplicatePath) return `${ORDERS_PATH.join('.')} is given more than once, so which list counts is ambiguous`;
    return this.firstProblem;
  }
}
