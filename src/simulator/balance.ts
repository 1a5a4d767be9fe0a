import type { Endpoint } from './endpoint.js';
import { OK_MESSAGE, envelope } from './http.js';
import type { SimulatorOptions } from './types.js';

/** get-balance: authentication only; both fields strings, as the docs show them. */
export function balanceEndpoint(options: SimulatorOptions): Endpoint {
  const balance = options.account.balance ?? { amount: '0', sms: '0' };
  return {
    describe: () => ({}),
    answer: () => ({ status: 200, body: envelope(200, OK_MESSAGE, { balance }) }),
  };
}
