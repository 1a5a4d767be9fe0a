import { readFileSync } from 'node:fs';
import { type Server, createServer as createHttpsServer, globalAgent } from 'node:https';
import { type AddressInfo, type Socket, createServer as createTcpServer } from 'node:net';
import { rootCertificates } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchClientDocument } from '../src/oauth/client-document.js';
import { FIXTURE_ACCOUNT, TEST_CREDENTIALS } from './support/harness.js';
import { startHosted } from './support/hosted.js';
import { pkce, visit } from './support/sign-in.js';

/** Client ID Metadata Documents in-process: the fetch's time bound, and the cache as Cache-Control says, on an injected clock. */

const TLS = new URL('./support/tls/', import.meta.url);
const CERT = readFileSync(new URL('localhost-cert.pem', TLS));
const REDIRECT = 'http://127.0.0.1:33600/callback';

/** A host that takes the connection and never says a word, not even the TLS handshake. */
let silent: ReturnType<typeof createTcpServer>;
const held: Socket[] = [];
let silentUrl: string;
/** Documents whose Cache-Control is their path's: /max-age=60.json says max-age=60. */
let documents: Server;
let documentBase: string;
const fetches = new Map<string, number>();
const defaultCa = globalAgent.options.ca;

beforeAll(async () => {
  silent = createTcpServer((socket) => void held.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentUrl = `https://127.0.0.1:${(silent.address() as AddressInfo).port}/client.json`;
  documents = createHttpsServer({ cert: CERT, key: readFileSync(new URL('localhost-key.pem', TLS)) }, (request, response) => {
    const path = request.url ?? '';
    fetches.set(path, (fetches.get(path) ?? 0) + 1);
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': path.slice(1, -'.json'.length) });
    response.end(JSON.stringify({ client_id: `${documentBase}${path}`, client_name: 'Cached App', redirect_uris: [REDIRECT] }));
  });
  await new Promise<void>((resolve) => documents.listen(0, '127.0.0.1', resolve));
  documentBase = `https://localhost:${(documents.address() as AddressInfo).port}`;
  // This process trusts the self-signed certificate the way the spawned server does through NODE_EXTRA_CA_CERTS.
  globalAgent.options.ca = [...rootCertificates, CERT.toString()];
});
afterAll(async () => {
  globalAgent.options.ca = defaultCa;
  for (const socket of held) socket.destroy();
  await new Promise((resolve) => silent?.close(resolve));
  await new Promise((resolve) => documents?.close(resolve));
});

const authorizeUrl = (origin: string, clientId: string) =>
  `${origin}/authorize?${new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: REDIRECT, code_challenge: pkce().challenge, code_challenge_method: 'S256' }).toString()}`;

describe('the fetch of a client document', () => {
  it('gives up on a host that never answers within the bound, saying so', async () => {
    const started = performance.now();
    expect(await fetchClientDocument(silentUrl, true, Date.now(), 300)).toBe('the client\'s metadata document did not arrive within 0.3 seconds');
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(2_000);
  });

  it('shows the sign-in an error page, never a redirect, when the document does not arrive in time', async () => {
    const hosted = await startHosted({ accounts: [{ credentials: TEST_CREDENTIALS, account: FIXTURE_ACCOUNT }], oauth: { documentTimeoutMs: 300 } });
    try {
      const started = performance.now();
      const page = await visit(authorizeUrl(new URL(hosted.url).origin, silentUrl), { headers: { 'accept-language': 'en' } });
      expect(performance.now() - started).toBeLessThan(2_000);
      expect([page.status, page.location, page.headers.get('content-type')]).toEqual([400, undefined, 'text/html; charset=utf-8']);
      expect(page.html).toContain('<p class="problem" role="alert">Unknown client: the client&#39;s metadata document did not arrive within 0.3 seconds.</p>');
      // The sign-in page's head: its stylesheet, and no referrer to leak the authorization request.
      expect(page.html).toContain('<meta name="referrer" content="no-referrer">\n<title>Cannot sign in</title>\n<link rel="stylesheet" href="/sign-in.css">');
    } finally {
      await hosted.close();
    }
  });
});

describe('the cache of client documents', () => {
  it.each([
    ['max-age=60', 60_000],
    // Two days asked, one day kept.
    ['max-age=172800', 86_400_000],
  ])('with Cache-Control %s: fetched once while fresh, and again after', async (cacheControl, freshMs) => {
    let now = 1_000_000;
    const hosted = await startHosted({ accounts: [{ credentials: TEST_CREDENTIALS, account: FIXTURE_ACCOUNT }], oauth: { now: () => now } });
    const path = `/${cacheControl}.json`;
    const open = async () => (await visit(authorizeUrl(new URL(hosted.url).origin, `${documentBase}${path}`))).status;
    try {
      expect(await open()).toBe(200);
      now += freshMs - 1_000;
      expect(await open()).toBe(200);
      expect(fetches.get(path)).toBe(1);
      now += 1_000;
      expect(await open()).toBe(200);
      expect(fetches.get(path)).toBe(2);
    } finally {
      await hosted.close();
    }
  });
});
