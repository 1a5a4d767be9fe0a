import { fetchOrdersPage } from './api/client.js';
import { AUTH_STEPS, missingCredentialsMessage } from './api/panel.js';
import type { Config } from './config.js';
import { CancelledError, ConfigurationError, UpstreamError, isAuthFailure } from './errors.js';
import { type Clock, today } from './reporting/calendar.js';
import { openRuntime } from './runtime.js';

const NOTHING_TO_CHECK =
  'Nothing to check: the demo account (--demo or ILETIMERKEZI_DEMO=1) is built in and offline, and needs no key, hash or network. ' +
  'To check a real account, run --check without the demo, with ILETIMERKEZI_API_KEY and ILETIMERKEZI_API_HASH set.';

/**
 * One cheap authenticated call (get-reports for today, page 1) and a plain-words verdict; in the
 * demo, or with a credential missing, the verdict comes without a call. Returns the process exit
 * code; all output goes to stderr, stdout stays clean.
 */
export async function runCheck(config: Config, demo: boolean, clock: Clock, write: (line: string) => void): Promise<number> {
  if (demo) {
    write(NOTHING_TO_CHECK);
    return 0;
  }
  if (!config.credentials) {
    write(`FAILED: ${missingCredentialsMessage(config.credentialSource, config.loneCredential)}`);
    return 1;
  }
  const runtime = await openRuntime(config, false);
  try {
    const day = today(clock);
    write(`Checking ${runtime.baseUrl}: get-reports for ${day} (Istanbul), page 1…`);
    const orders = await fetchOrdersPage(runtime.client, { start: day, end: day }, 1);
    write(
      `OK: the key and hash were accepted and the API answered (${orders.length} order${orders.length === 1 ? '' : 's'} on today's first page). ` +
        'The account works; restart your MCP client so it picks the server up.',
    );
    return 0;
  } catch (error) {
    write(failureOf(error, runtime.baseUrl));
    return 1;
  } finally {
    await runtime.close();
  }
}

function failureOf(error: unknown, baseUrl: string): string {
  if (isAuthFailure(error)) return AUTH_STEPS;
  if (error instanceof UpstreamError && error.kind === 'network') {
    return (
      `FAILED: could not reach ${baseUrl}. ${error.message} ` +
      'Check the network connection and any proxy or firewall, and that ILETIMERKEZI_BASE_URL is right.'
    );
  }
  if (error instanceof UpstreamError || error instanceof CancelledError || error instanceof ConfigurationError) return `FAILED: ${error.message}`;
  return 'FAILED: an unexpected internal error; please report it.';
}
