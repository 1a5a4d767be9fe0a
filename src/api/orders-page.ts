import { JsonArraySplitter } from './json-array-splitter.js';
import { type Order, describeIssues, orderSchema } from './schemas.js';
import type { BodyReader } from './transport.js';

const ORDERS_PATH = ['response', 'orders'] as const;

/** Takes the orders of one get-reports page as they are read. */
export interface OrderPage {
  add(order: Order): void;
}

/** The simplest page: the orders themselves. */
export class OrderList implements OrderPage {
  readonly orders: Order[] = [];

  add(order: Order): void {
    this.orders.push(order);
  }
}

/**
 * Reads one get-reports body with its orders lifted out as they arrive: each is checked against
 * the order schema on its own and handed to `page` at once, so none outlives its own moment.
 * The transport sees the rest of the body, with the list emptied, and checks its envelope as
 * usual; the client then returns `page`, or reports `problem`.
 */
export class OrdersPageReader<P extends OrderPage> implements BodyReader {
  /** What is wrong with the first order that failed its schema, paths and rules only. */
  private firstProblem: string | undefined;
  private duplicatePath = false;
  private readonly splitter = new JsonArraySplitter(ORDERS_PATH, (value, index) => {
    if (this.firstProblem !== undefined) return;
    const parsed = orderSchema.safeParse(value);
    if (parsed.success) this.page.add(parsed.data);
    else this.firstProblem = describeIssues(parsed.error, `${ORDERS_PATH.join('.')}[${index}]`);
  });

  constructor(readonly page: P) {}

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
