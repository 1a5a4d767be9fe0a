import type { IncomingMessage, ServerResponse } from 'node:http';

/** A status and a body, before they become bytes: what endpoints and scripts both produce. */
export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export const OK_MESSAGE = 'İşlem başarılı';

export function envelope(code: number, message: string, fields: object = {}) {
  return { response: { status: { code, message }, ...fields } };
}

export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/**
 * Sends the answer as JSON unless its headers say otherwise. Header names are lower-cased
 * first, so a script's `Content-Type` replaces the default instead of being sent beside it.
 */
export function send(response: ServerResponse, answer: Answer): void {
  const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
  const headers = Object.fromEntries(Object.entries(answer.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  response.writeHead(answer.status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  response.end(text);
}
