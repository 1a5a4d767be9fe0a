import type { ScriptedResponse, SimulatedRequest } from '../../src/simulator/api-server.js';

/**
 * Hand-written answers for the fake's `script` hook: the bodies a real API, a proxy or a CDN in
 * front of it may send on any status. Each body is fixed text, so a test can compare what the
 * client saw with exactly what was sent.
 */

export const BODY_KINDS = ['envelope', 'json', 'html', 'text'] as const;
export type BodyKind = (typeof BODY_KINDS)[number];

const HTML = { 'content-type': 'text/html; charset=utf-8' };
const TEXT = { 'content-type': 'text/plain; charset=utf-8' };

/** A body of `kind` on HTTP `status`; the envelope carries the same code as the HTTP status. */
export function answerWith(status: number, kind: BodyKind, headers: Record<string, string> = {}): ScriptedResponse {
  switch (kind) {
    case 'envelope':
      return { status, body: { response: { status: { code: status, message: `Hata ${status}` } } }, headers };
    case 'json':
      return { status, body: { error: status === 429 ? 'rate' : `status ${status}` }, headers };
    case 'html':
      return { status, body: `<html><body><h1>${status}</h1><p>upstream says no</p></body></html>`, headers: { ...HTML, ...headers } };
    case 'text':
      return { status, body: `${status} upstream says no`, headers: { ...TEXT, ...headers } };
  }
}

/** HTTP 429 with a body of `kind` and a Retry-After in seconds. */
export const rateLimited = (kind: BodyKind, retryAfterSeconds = 1): ScriptedResponse =>
  answerWith(429, kind, { 'retry-after': String(retryAfterSeconds) });

/** An HTTP failure status carrying a success envelope, as a misconfigured proxy may send. */
export const successEnvelopeOn = (status: number, fields: object = { count: 0, orders: [] }): ScriptedResponse => ({
  status,
  body: { response: { status: { code: 200, message: 'İşlem başarılı' }, ...fields } },
});

/** A redirect, with an HTML body as web servers send one. */
export const redirectTo = (status: number, location: string): ScriptedResponse => ({
  status,
  body: `<html><body><a href="${location}">moved</a></body></html>`,
  headers: { ...HTML, location },
});

/**
 * A script that answers each distinct request (same endpoint, window and page) with `answer`
 * its first `times` times and then lets the fake answer it, like a fault that clears.
 */
export function firstTimes(
  times: number,
  answer: ScriptedResponse,
  only: (request: SimulatedRequest) => boolean = () => true,
): (request: SimulatedRequest) => ScriptedResponse | undefined {
  const seen = new Map<string, number>();
  return (request) => {
    if (!only(request)) return undefined;
    const key = JSON.stringify(request);
    const count = seen.get(key) ?? 0;
    seen.set(key, count + 1);
    return count < times ? answer : undefined;
  };
}
