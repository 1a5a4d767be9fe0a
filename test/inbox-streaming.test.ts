import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { IletimerkeziClient } from '../src/api/client.js';
import { FIXTURE_ACCOUNT, TEST_CREDENTIALS } from './support/harness.js';

/**
 * The inbox body is read message by message: a real HTTP server on 127.0.0.1 sends the first
 * messages and holds back the rest of the body until the client has handed them out. A client
 * that waited for the whole body would see the rest only after the server gave up holding it,
 * which the order of events shows; no time is measured.
 */

const MESSAGES = FIXTURE_ACCOUNT.inbox.slice(0, 4);
/** Long enough that the server never waits on a healthy client, short enough that a buffering one fails fast. */
const HOLD_AT_MOST_MS = 1_500;

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((done) => server?.close(done) ?? done(undefined));
  server = undefined;
});

describe('get-inbox read as it arrives', () => {
  it('hands out the first messages before the body ends', async () => {
    expect(MESSAGES).toHaveLength(4);
    const events: string[] = [];
    let firstTwoKept!: () => void;
    const handedOut = new Promise<void>((resolve) => (firstTwoKept = resolve));
    const body = JSON.stringify({ response: { status: { code: 200, message: 'İşlem başarılı' }, orders: { totalRows: '4', order: MESSAGES } } });
    // Cut inside the third message, so the first part holds two whole messages and no more.
    const cut = body.indexOf(JSON.stringify(MESSAGES[2])) + 10;
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        response.write(body.slice(0, cut));
        const rest = setTimeout(firstTwoKept, HOLD_AT_MOST_MS);
        void handedOut.then(() => {
          clearTimeout(rest);
          events.push('rest of the body sent');
          response.end(body.slice(cut));
        });
      });
    });
    await new Promise<void>((done) => server?.listen(0, '127.0.0.1', done));
    const { port } = server.address() as AddressInfo;
    const client = new IletimerkeziClient({
      baseUrl: `http://127.0.0.1:${port}/v1`,
      credentials: TEST_CREDENTIALS,
      timeoutMs: 10_000,
      concurrency: 1,
      retry: { attempts: 1, backoffBaseMs: 5, backoffMaxMs: 40, retryAfterCapMs: 30 },
    });
    try {
      const inbox = await client.fetchInbox((message) => {
        events.push(`message ${message.id} handed out`);
        if (events.length === 2) firstTwoKept();
        return message.id;
      });
      expect(inbox).toEqual({ totalRows: 4, messages: MESSAGES.map((message) => message.id) });
    } finally {
      await client.close();
    }
    expect(events).toEqual([
      `message ${MESSAGES[0]?.id} handed out`,
      `message ${MESSAGES[1]?.id} handed out`,
      'rest of the body sent',
      `message ${MESSAGES[2]?.id} handed out`,
      `message ${MESSAGES[3]?.id} handed out`,
    ]);
  });
});
