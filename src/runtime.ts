import { IletimerkeziClient } from './api/client.js';
import type { Config, Credentials } from './config.js';
import { stderrLogger } from './log.js';
import { systemClock, today } from './reporting/calendar.js';

/** The shared client for a process, pointed at the real API or at the in-process demo account. */
export interface Runtime {
  client: IletimerkeziClient;
  demo: boolean;
  /** Where the client points, as a person should read it. */
  baseUrl: string;
  /** The account the process itself holds (the environment's, or the demo's), for servers that open more clients. */
  account: { apiUrl: string; credentials: Credentials | undefined };
  /** Prepares what the first tool call needs (HTTP stack, page reader, Istanbul time-zone data, the caches' clock); no network call. */
  warmUp(): void;
  close(): Promise<void>;
}

function runtimeOf(client: IletimerkeziClient, demo: boolean, baseUrl: string, account: Runtime['account'], close: () => Promise<void>): Runtime {
  const warmUp = () => {
    client.warmUp();
    today(systemClock);
    // Node loads perf_hooks on the first use of performance, which the caches time entries with.
    performance.now();
  };
  return { client, demo, baseUrl, account, warmUp, close };
}

export async function openRuntime(config: Config, demo: boolean, now: Date = new Date()): Promise<Runtime> {
  const settings = { timeoutMs: config.timeoutMs, concurrency: config.concurrency, logger: stderrLogger(config.debug) };
  if (!demo) {
    const client = new IletimerkeziClient({
      ...settings,
      baseUrl: config.baseUrl,
      credentials: config.credentials,
      credentialSource: config.credentialSource,
      loneCredential: config.loneCredential,
    });
    const account = { apiUrl: config.baseUrl, credentials: config.credentials };
    return runtimeOf(client, demo, config.baseUrl, account, () => client.close());
  }
  // Loaded only in demo mode, so a real server never pays for the simulator at start-up.
  const { DEMO_CREDENTIALS, startDemoApi } = await import('./demo/demo-api.js');
  const api = await startDemoApi(now);
  const client = new IletimerkeziClient({ ...settings, baseUrl: api.baseUrl, credentials: DEMO_CREDENTIALS });
  const account = { apiUrl: api.baseUrl, credentials: DEMO_CREDENTIALS };
  return runtimeOf(client, demo, 'the built-in demo account', account, async () => {
    await client.close();
    await api.close();
  });
}
