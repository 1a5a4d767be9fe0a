import type { Credentials } from '../config.js';
import { type SimulatedApi, startSimulatedApi } from '../simulator/api-server.js';
import { generateDemoAccount } from './account.js';

/** Placeholder credentials the demo simulator expects; they grant access to nothing real. */
export const DEMO_CREDENTIALS: Credentials = { key: 'demo-key', hash: 'demo-hash' };

/**
 * The demo account served the same way as the real API: over HTTP on 127.0.0.1, with paging,
 * the 10-day limit and an occasional transient failure, so the demo runs the real client path.
 */
export function startDemoApi(now: Date): Promise<SimulatedApi> {
  return startSimulatedApi({
    account: generateDemoAccount({ now }),
    credentials: DEMO_CREDENTIALS,
    pageSize: 30,
    latencyMs: 5,
    faults: { rate: 0.03, kinds: ['http-503', 'html-502'], seed: 7, maxPerRequest: 1 },
  });
}
