import type { SimulatedApi } from '../../src/simulator/api-server.js';
import { TEST_CREDENTIALS } from './harness.js';

/** One call to the fake exactly as it answered it: no client, no retries, no redirects followed. */
export interface RawAnswer {
  status: number;
  headers: Headers;
  text: string;
}

export async function post(
  api: SimulatedApi,
  endpoint: string,
  fields: Record<string, unknown> = {},
  credentials: unknown = TEST_CREDENTIALS,
): Promise<RawAnswer> {
  const response = await fetch(`${api.baseUrl}/${endpoint}/json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ request: { authentication: credentials, ...fields } }),
    redirect: 'manual',
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

/** A get-reports call for one window and page, parsed. */
export async function reportsPage(api: SimulatedApi, start: unknown, end: unknown, page?: unknown) {
  const answer = await post(api, 'get-reports', { filter: { start, end, ...(page === undefined ? {} : { page }) } });
  const body = JSON.parse(answer.text) as { response: { status: { code: number }; count?: number; orders?: Array<{ id: number | string }> } };
  return { status: answer.status, code: body.response.status.code, ids: body.response.orders?.map((order) => order.id), count: body.response.count };
}
