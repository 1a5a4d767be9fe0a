import { CallTimeoutError } from '../errors.js';
import type { ProgressUpdate } from '../reporting/order-scan.js';
import type { ToolAnswer, ToolRequest } from '../tools/tool.js';

/**
 * Runs one tool call under an overall deadline, on top of each HTTP attempt's own timeout: when
 * it passes, the call's upstream work is cancelled and the call ends at once with an error that
 * says how far it got, even if some work is slow to notice.
 */
export async function withDeadline(
  call: (request: ToolRequest) => Promise<ToolAnswer>,
  request: ToolRequest,
  timeoutMs: number,
  advice: string,
): Promise<ToolAnswer> {
  const deadline = new AbortController();
  let last: ProgressUpdate | undefined;
  const reportProgress = (update: ProgressUpdate) => {
    last = update;
    request.reportProgress(update);
  };
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      deadline.abort();
      reject(
        new CallTimeoutError(
          `The call was stopped at its ${formatSeconds(timeoutMs)} deadline (ILETIMERKEZI_CALL_TIMEOUT_MS), ` +
            `${last ? `after ${last.message}` : 'before any page was read'}. ` +
            advice,
        ),
      );
    }, timeoutMs);
  });
  const work = call({ signal: AbortSignal.any([request.signal, deadline.signal]), reportProgress });
  // Work cancelled by the deadline rejects after the race is decided; that rejection is expected.
  work.catch(() => {});
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
