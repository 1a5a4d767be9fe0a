import { readFileSync } from 'node:fs';
import { type Server, createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { fetchClientDocument, fetchableAddress } from '../src/oauth/client-document.js';
import { type HttpProcess, spawnHttpServer } from './support/http-process.js';
import { closedPort, runToExit } from './support/spawned.js';
import { launchBrowser } from './support/browser.js';
import { TestProvider, connectSignedIn, signIn } from './support/sign-in.js';

/**
 * A 2026 client whose client_id is the https URL of its metadata document, served on loopback
 * with a self-signed certificate that the spawned server trusts through NODE_EXTRA_CA_CERTS; the
 * server is the built one, in demo mode, so the whole flow runs offline with demo-key/demo-hash.
 */

const TLS = new URL('./support/tls/', import.meta.url);
const CERT = new URL('localhost-cert.pem', TLS).pathname;
const SECRET = 'cimd-demo-oauth-secret-0123456789abcdef';
const REDIRECT = 'http://127.0.0.1:33500/callback';

let documents: Server;
let fetches = 0;
let documentUrl: string;
let server: HttpProcess;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  documents = createServer({ cert: readFileSync(CERT), key: readFileSync(new URL('localhost-key.pem', TLS)) }, (request, response) => {
    fetches += 1;
    if (request.url === '/huge.json') {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ client_id: documentUrl.replace('client.json', 'huge.json'), redirect_uris: [REDIRECT], padding: 'x'.repeat(6000) }));
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=300' });
    response.end(JSON.stringify({ client_id: documentUrl, client_name: 'CIMD App', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' }));
  });
  await new Promise<void>((resolve) => documents.listen(0, '127.0.0.1', resolve));
  documentUrl = `https://localhost:${(documents.address() as AddressInfo).port}/client.json`;
  const port = await closedPort();
  server = await spawnHttpServer(
    { ILETIMERKEZI_HTTP_PORT: String(port), ILETIMERKEZI_OAUTH_SECRET: SECRET, ILETIMERKEZI_PUBLIC_URL: `http://127.0.0.1:${port}`, NODE_EXTRA_CA_CERTS: CERT },
    ['--demo'],
  );
  browser = await launchBrowser();
  page = await (await browser.newContext({ locale: 'en-US' })).newPage();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await new Promise((resolve) => documents?.close(resolve));
});

describe('a client ID metadata document on loopback https, with the built server in demo mode', () => {
  it('signs in with demo-key and demo-hash, fetching the document once, and serves the demo account', async () => {
    const provider = new TestProvider(REDIRECT, 'ignored: the document names it', documentUrl);
    const { client } = await connectSignedIn(server.url, page, { key: 'demo-key', hash: 'demo-hash' }, provider);
    expect(provider.authorizationUrl?.searchParams.get('client_id')).toBe(documentUrl);
    const result = await client.callTool({ name: 'read_balance', arguments: {} });
    expect(result.isError).toBeFalsy();
    await client.close();
    expect(fetches).toBe(1);
    // The access line is written when the response closes, and reaches this process a moment later.
    await vi.waitFor(() => expect(server.lines.some((line) => line.includes('read_balance'))).toBe(true));
    const entries = server.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.filter((entry) => entry.tool === 'read_balance').map(({ client, outcome }) => ({ client, outcome }))).toEqual([{ client: documentUrl, outcome: 'ok' }]);
    const tokens = provider.tokens();
    // The demo's pair is public (the listening line names it); the tokens are not.
    for (const secret of [tokens?.access_token, tokens?.refresh_token]) expect(server.lines.join('\n')).not.toContain(String(secret));
  });

  it('refuses any other pair like a wrong key, showing the page again', async () => {
    const provider = new TestProvider(REDIRECT, 'x', documentUrl);
    const { Client, StreamableHTTPClientTransport } = await import('@modelcontextprotocol/client');
    await new Client({ name: 'x', version: '1' }).connect(new StreamableHTTPClientTransport(new URL(server.url), { authProvider: provider })).catch(() => {});
    const { callback, status } = await signIn(page, provider.authorizationUrl as URL, { key: 'demo-key', hash: 'not-the-demo-hash' });
    expect(callback).toBeUndefined();
    expect(status).toBe(401);
    expect(await page.textContent('.problem')).toContain('iletiMerkezi refused this key and hash');
    expect(await page.evaluate<string>("getComputedStyle(document.querySelector('button.allow')).backgroundColor")).toBe('rgb(11, 107, 203)');
  });
});

describe('fetching a client document', () => {
  it('never goes to a loopback, private or link-local address unless the server itself is on loopback', async () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.16.0.9', '192.168.1.1', '169.254.169.254', '::1', 'fe80::1', 'fd00::1', '::ffff:10.0.0.1', '0.0.0.0']) {
      expect([address, fetchableAddress(address, false)]).toEqual([address, false]);
    }
    expect(fetchableAddress('93.184.216.34', false)).toBe(true);
    expect(fetchableAddress('2606:4700::1111', false)).toBe(true);
    expect(fetchableAddress('127.0.0.1', true)).toBe(true);
    expect(fetchableAddress('10.1.2.3', true)).toBe(false);
    expect(await fetchClientDocument(documentUrl, false, Date.now())).toBe('the client\'s metadata document could not be fetched');
  });

  it('refuses a document over 5 KB', async () => {
    const huge = documentUrl.replace('client.json', 'huge.json');
    const answer = await fetch(`${new URL(server.url).origin}/authorize?${new URLSearchParams({ client_id: huge, redirect_uri: REDIRECT, response_type: 'code' }).toString()}`);
    expect(answer.status).toBe(400);
    expect(await answer.text()).toContain('larger than 5120 bytes');
  });
});

describe('starting the sign-in mode', () => {
  const base = { ILETIMERKEZI_OAUTH_SECRET: SECRET, ILETIMERKEZI_PUBLIC_URL: 'https://sms-mcp.example.com', ILETIMERKEZI_HTTP_PORT: '0' };
  it.each([
    [{ ILETIMERKEZI_API_KEY: 'k', ILETIMERKEZI_API_HASH: 'h' }, 'may hold neither'],
    [{ ILETIMERKEZI_HTTP_TOKEN: 't'.repeat(20) }, 'may hold neither'],
    [{ ILETIMERKEZI_PUBLIC_URL: '' }, 'ILETIMERKEZI_PUBLIC_URL is not'],
    [{ ILETIMERKEZI_PUBLIC_URL: 'http://sms-mcp.example.com' }, 'plain http only for loopback hosts'],
    [{ ILETIMERKEZI_PUBLIC_URL: 'https://sms-mcp.example.com/mcp' }, 'with no path'],
    [{ ILETIMERKEZI_OAUTH_SECRET: 'short' }, 'ILETIMERKEZI_OAUTH_SECRET must be at least 32 characters'],
  ])('refuses to start with %o', async (env, message) => {
    const exit = await runToExit({ ...base, ...env }, ['--http']);
    expect(exit.code).not.toBe(0);
    expect(exit.stderr).toContain(message);
    expect(exit.stderr).not.toContain(SECRET);
  });
});
