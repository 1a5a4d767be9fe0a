import { fetchOrdersPage } from './api/client.js';
import { AUTH_STEPS, MISSING_CREDENTIALS_MESSAGE } from './api/panel.js';
import { CancelledError, ConfigurationError, UpstreamError } from './errors.js';
import { type Clock, today } from './reporting/calendar.js';
import type { Runtime } from './runtime.js';

function isAuthFailure(error: unknown): boolean {
  return error instanceof UpstreamError && (error.details.apiCode === 401 || error.details.httpStatus === 401);
}

/**
 * One cheap authenticated call (get-reports for today, page 1) and a plain-words verdict.
 * Returns the process exit code; all output goes to stderr, stdout stays clean.
 */
export async function runCheck(runtime: Runtime, clock: Clock, write: (line: string) => void): Promise<number> {
  const day = today(clock);
  write(`Checking ${runtime.baseUrl}: get-reports for ${day} (Istanbul), page 1…`);
  try {
    const orders = await fetchOrdersPage(runtime.client, { start: day, end: day }, 1);
    write(
      `OK: the key and hash were accepted and the API answered (${orders.length} order${orders.length === 1 ? '' : 's'} on today's first page). ` +
        'The account works; restart your MCP client so it picks the server up.',
    );
    return 0;
  } catch (error) {
    if (isAuthFailure(error)) {
      write(AUTH_STEPS);
    } else if (error instanceof ConfigurationError) {
      write(`FAILED: ${error.message === MISSING_CREDENTIALS_MESSAGE ? error.message : `configuration: ${error.message}`}`);
    } else if (error instanceof UpstreamError && error.kind === 'network') {
      write(
        `FAILED: could not reach ${runtime.baseUrl}. ${error.message} ` +
          'Check the network connection and any proxy or firewall, and that ILETIMERKEZI_BASE_URL is right.',
      );
    } else if (error instanceof UpstreamError || error instanceof CancelledError) {
      write(`FAILED: ${error.message}`);
    } else {
      write('FAILED: an unexpected internal error; please report it.');
    }
    return 1;
  }
}
