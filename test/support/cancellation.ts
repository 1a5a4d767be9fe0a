import { expect } from 'vitest';
import { type Connected, type Era, connect } from './harness.js';
import { sleep } from './reliability.js';

/**
 * Starts `tool` against a slow fake, cancels it once `started` get-report requests went out, and
 * checks that upstream traffic stops: nothing new reaches the fake once in-flight requests land.
 * Returns the session (to close) and how many get-report requests were made in all.
 */
export async function cancelWhileReadingRecipients(
  tool: string,
  args: Record<string, unknown>,
  started: number,
  era: Era = 'legacy',
): Promise<{ session: Connected; reports: number }> {
  const session = await connect({ fake: { latencyMs: 20 }, era });
  const controller = new AbortController();
  const call = session.mcp.callTool({ name: tool, arguments: args }, { signal: controller.signal });
  const reports = () => session.api.requests.filter((request) => request.endpoint === 'get-report').length;
  while (reports() < started) await sleep(10);
  controller.abort();
  await expect(call).rejects.toThrow();
  await sleep(100);
  const after = session.api.requests.length;
  await sleep(300);
  expect(session.api.requests.length).toBe(after);
  return { session, reports: reports() };
}
