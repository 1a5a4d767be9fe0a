import type { Order } from '../../src/api/schemas.js';
import type { OrderSink } from '../../src/api/client.js';

/** A scan sink that appends each committed page's orders to `into`, so only whole pages show. */
export function committedInto(into: Order[]): () => OrderSink {
  return () => {
    const page: Order[] = [];
    return { add: (order) => page.push(order), commit: () => into.push(...page) };
  };
}

export const ignoreOrders = (): OrderSink => ({ add: () => {}, commit: () => {} });
