import { IletimerkeziClient } from './api/client.js';
import type { Config } from './config.js';
import { stderrLogger } from './log.js';

/** The shared client for a process, pointed at the real API or at the in-process demo account. */
export interface Runtime {
  client: IletimerkeziClient;
  demo: boolean;
  baseUrl: string;
  close(): Promise<void>;
}

export async function openRuntime(config: Config, demo: boolean, now: Date = new Date()): Promise<Runtime> {
  const logger = stderrLogger(config.debug);
  const settings = { timeoutMs: config.timeoutMs, concurrency: config.concurrency, logger };
  if (!demo) {
    const client = new IletimerkeziClient({ ...settings, baseUrl: config.baseUrl, credentials: config.credentials });
    return { client, demo, baseUrl: config.baseUrl, close: () => client.close() };
  }
  // Loaded only in demo mode, so a real server never pays for the simulator at start-up.
  const { DEMO_CREDENTIALS, startDemoApi } = await import('./demo/demo-api.js');
  const api = await startDemoApi(now);
  const client = new IletimerkeziClient({ ...settings, baseUrl: api.baseUrl, credentials: DEMO_CREDENTIALS });
  return {
    client,
    demo,
    baseUrl: 'the built-in demo account',
    close: async () => {
      await client.close();
      await api.close();
    },
  };
}
