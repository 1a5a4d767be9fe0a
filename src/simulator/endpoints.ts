import { balanceEndpoint } from './balance.js';
import { blacklistEndpoint } from './blacklist.js';
import type { Endpoint } from './endpoint.js';
import { inboxEndpoint } from './inbox.js';
import { reportEndpoint } from './report.js';
import { reportsEndpoint } from './reports.js';
import type { EndpointName, SimulatorOptions } from './types.js';

/**
 * Every API method the fake serves, by the name in its URL. A new endpoint is one entry here
 * and its name in ENDPOINT_NAMES; credentials, the request log, faults and scripts apply to it
 * without further wiring.
 */
export function endpointTable(options: SimulatorOptions): Record<EndpointName, Endpoint> {
  return {
    'get-reports': reportsEndpoint(options),
    'get-inbox': inboxEndpoint(options),
    'get-report': reportEndpoint(options),
    'get-blacklist': blacklistEndpoint(options),
    'get-balance': balanceEndpoint(options),
  };
}
