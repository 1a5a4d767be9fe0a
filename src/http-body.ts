import type { IncomingMessage } from 'node:http';

export const MAX_BODY_BYTES = 1024 * 1024;

export type BodyRead = { ok: true; text: string } | { ok: false; status: 413 | 400 };

/**
 * Reads a request body up to `max` bytes. A declared or actual size past it stops the read at
 * once, so a large body costs at most `max` bytes of memory before its 413.
 */
export function readBody(request: IncomingMessage, max = MAX_BODY_BYTES): Promise<BodyRead> {
  const declared = Number(request.headers['content-length'] ?? Number.NaN);
  if (declared > max) return Promise.resolve({ ok: false, status: 413 });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (result: BodyRead) => {
      if (done) return;
      done = true;
      request.off('data', onData);
      chunks.length = 0;
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        request.pause();
        finish({ ok: false, status: 413 });
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.once('end', () => finish({ ok: true, text: Buffer.concat(chunks).toString('utf8') }));
    request.once('error', () => finish({ ok: false, status: 400 }));
    // A client that goes away mid-body ends the read too, so no half-read body is held.
    request.once('close', () => finish({ ok: false, status: 400 }));
  });
}
