import type { ClientOptions, DayWindow, IletimerkeziApi, IletimerkeziClient, OrderPage } from './api/client.js';
import type { Config } from './config.js';
import type { Inbox } from './api/schemas.js';
import { stderrLogger } from './log.js';
import { systemClock, today } from './reporting/calendar.js';

/**
 * The client, built on the first call: the HTTP stack is the largest part of start-up, and
 * tools/list never needs it.
 */
class DeferredClient implements IletimerkeziApi {
  private client: Promise<IletimerkeziClient> | undefined;

  constructor(private readonly options: ClientOptions) {}

  async readOrdersPage<P extends OrderPage>(window: DayWindow, page: number, open: () => P, signal?: AbortSignal): Promise<P> {
    return (await this.open()).readOrdersPage(window, page, open, signal);
  }

  async fetchInbox(signal?: AbortSignal): Promise<Inbox> {
    return (await this.open()).fetchInbox(signal);
  }

  async close(): Promise<void> {
    if (this.client) await (await this.client).close();
  }

  /** Loads the HTTP stack ahead of the first call, so that call does not pay for it. */
  warmUp(): void {
    this.open().catch(() => {});
  }

  private open(): Promise<IletimerkeziClient> {
    this.client ??= import('./api/client.js').then(({ IletimerkeziClient }) => new IletimerkeziClient(this.options));
    return this.client;
  }
}

/** The shared client for a process, pointed at the real API or at the in-process demo account. */
export interface Runtime {
  client: IletimerkeziApi;
  demo: boolean;
  baseUrl: string;
  /** Prepares what the first tool call needs (HTTP stack, Istanbul time-zone data); no network call. */
  warmUp(): void;
  close(): Promise<void>;
}

function runtimeOf(client: DeferredClient, demo: boolean, baseUrl: string, close: () => Promise<void>): Runtime {
  const warmUp = () => {
    client.warmUp();
    today(systemClock);
  };
  return { client, demo, baseUrl, warmUp, close };
}

export async function openRuntime(config: Config, demo: boolean, now: Date = new Date()): Promise<Runtime> {
  const settings = { timeoutMs: config.timeoutMs, concurrency: config.concurrency, logger: stderrLogger(config.debug) };
  if (!demo) {
    const client = new DeferredClient({ ...settings, baseUrl: config.baseUrl, credentials: config.credentials });
    return runtimeOf(client, demo, config.baseUrl, () => client.close());
  }
  // Loaded only in demo mode, so a real server never pays for the simulator at start-up.
  const { DEMO_CREDENTIALS, startDemoApi } = await import('./demo/demo-api.js');
  const api = await startDemoApi(now);
  const client = new DeferredClient({ ...settings, baseUrl: api.baseUrl, credentials: DEMO_CREDENTIALS });
  return runtimeOf(client, demo, 'the built-in demo account', async () => {
    await client.close();
    await api.close();
  });
}
