import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authGuidance, missingCredentialsMessage } from '../src/api/panel.js';
import { clientAddress } from '../src/oauth/client-address.js';
import { FIXTURE_ACCOUNT, TEST_CREDENTIALS } from './support/harness.js';
import { type Hosted, INITIALIZE, httpClient, post, rawRequest, startHosted } from './support/hosted.js';
import { closedPort } from './support/spawned.js';
import { authorize, pkce, redeem, register, submit, tokenRequest, visit } from './support/sign-in.js';

/** The OAuth endpoints as the MCP authorization spec and its RFCs have them, over raw HTTP. */

let hosted: Hosted;
let base: string;
beforeAll(async () => {
  hosted = await startHosted({ accounts: [{ credentials: TEST_CREDENTIALS, account: FIXTURE_ACCOUNT }], oauth: { trustedProxies: ['127.0.0.1'] } });
  base = new URL(hosted.url).origin;
});
afterAll(() => hosted?.close());

const bearer = (token: unknown) => ({ authorization: `Bearer ${String(token)}` });
const initialize = (token?: unknown) => post(hosted.url, INITIALIZE, token === undefined ? {} : bearer(token));
const revoke = (token: string, clientId: string) =>
  fetch(`${base}/revoke`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token, client_id: clientId }).toString() });

describe('discovery', () => {
  it('answers an MCP request without a token, or with a bad one, with 401 and the resource metadata', async () => {
    const none = await initialize();
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${base}/.well-known/oauth-protected-resource/mcp", scope="iletimerkezi:read"`);
    const bad = await initialize('not-a-token-we-issued');
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toBe(
      `Bearer resource_metadata="${base}/.well-known/oauth-protected-resource/mcp", scope="iletimerkezi:read", error="invalid_token"`,
    );
  });

  it('answers a GET or DELETE without a token with the same 401 challenge (clients probe with GET), and with a valid token with 405', async () => {
    const challenge = `Bearer resource_metadata="${base}/.well-known/oauth-protected-resource/mcp", scope="iletimerkezi:read"`;
    for (const method of ['GET', 'DELETE']) {
      const probe = await fetch(hosted.url, { method, headers: { accept: 'text/event-stream' } });
      expect([method, probe.status, probe.headers.get('www-authenticate')]).toEqual([method, 401, challenge]);
    }
    const tokens = (await redeem(base, await authorize(base, TEST_CREDENTIALS))).body;
    for (const method of ['GET', 'DELETE']) {
      const signedIn = await fetch(hosted.url, { method, headers: { accept: 'text/event-stream', ...bearer(tokens.access_token) } });
      expect([method, signedIn.status, signedIn.headers.get('allow')]).toEqual([method, 405, 'POST']);
    }
  });

  it('publishes the protected-resource metadata at both paths, and the authorization-server metadata', async () => {
    const resource = { resource: `${base}/mcp`, authorization_servers: [base], scopes_supported: ['iletimerkezi:read'], bearer_methods_supported: ['header'], resource_name: 'iletiMerkezi SMS reports' };
    for (const path of ['/.well-known/oauth-protected-resource', '/.well-known/oauth-protected-resource/mcp']) {
      expect(await (await fetch(`${base}${path}`)).json()).toEqual(resource);
    }
    expect(await (await fetch(`${base}/.well-known/oauth-authorization-server`)).json()).toEqual({
      issuer: base,
      authorization_endpoint: `${base}/authorize`,
      token_endpoint: `${base}/token`,
      registration_endpoint: `${base}/register`,
      revocation_endpoint: `${base}/revoke`,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none'],
      revocation_endpoint_auth_methods_supported: ['none'],
      scopes_supported: ['iletimerkezi:read'],
      authorization_response_iss_parameter_supported: true,
      client_id_metadata_document_supported: true,
    });
  });

  it('refuses account headers on an MCP request, with or without a token', async () => {
    const withHeaders = await post(hosted.url, INITIALIZE, { 'X-Iletimerkezi-Key': TEST_CREDENTIALS.key });
    expect(withHeaders.status).toBe(400);
    expect(await withHeaders.text()).toContain('does not accept X-Iletimerkezi-Key');
    const hashAlone = await post(hosted.url, INITIALIZE, { 'X-Iletimerkezi-Hash': TEST_CREDENTIALS.hash });
    expect(hashAlone.status).toBe(400);
    expect(await hashAlone.text()).toContain('does not accept X-Iletimerkezi-Key or X-Iletimerkezi-Hash headers');
    const tokens = (await redeem(base, await authorize(base, TEST_CREDENTIALS))).body;
    for (const header of ['X-Iletimerkezi-Key', 'X-Iletimerkezi-Hash']) {
      const signedIn = await post(hosted.url, INITIALIZE, { ...bearer(tokens.access_token), [header]: 'anything' });
      expect([header, signedIn.status]).toEqual([header, 400]);
    }
  });
});

describe('registration', () => {
  it('takes https and loopback http redirect URIs, and refuses others', async () => {
    expect((await register(base, ['https://claude.ai/api/mcp/auth_callback'])).status).toBe(201);
    expect((await register(base, ['http://[::1]:5000/cb', 'http://localhost/cb'])).status).toBe(201);
    const plain = await register(base, ['http://evil.example.com/cb']);
    expect(plain).toEqual({ status: 400, body: { error: 'invalid_redirect_uri', error_description: 'redirect URIs must use https, or http on a loopback host (127.0.0.1, [::1], localhost).' } });
    expect((await register(base, [])).status).toBe(400);
  });

  it('allows 60 registrations a minute from one address, as X-Forwarded-For names it behind a trusted proxy', async () => {
    const from = (address: string) =>
      fetch(`${base}/register`, { method: 'POST', headers: { 'x-forwarded-for': address }, body: JSON.stringify({ redirect_uris: ['https://app.example.com/cb'] }) });
    const statuses = [];
    for (let n = 0; n < 61; n += 1) statuses.push((await from('203.0.113.7')).status);
    expect(statuses.slice(0, 60)).toEqual(Array(60).fill(201));
    expect(statuses[60]).toBe(429);
    expect((await from('203.0.113.8')).status).toBe(201);
  });
});

describe('the authorization request', () => {
  const REDIRECT = 'https://app.example.com/callback';
  let clientId: string;
  beforeAll(async () => {
    clientId = String((await register(base, [REDIRECT, 'http://127.0.0.1:7000/cb'], 'Example App')).body.client_id);
  });
  const query = (overrides: Record<string, string | undefined> = {}) => {
    const fields: Record<string, string | undefined> = {
      response_type: 'code',
      client_id: clientId,
      redirect_uri: REDIRECT,
      code_challenge: pkce().challenge,
      code_challenge_method: 'S256',
      state: 'state-42',
      ...overrides,
    };
    return `${base}/authorize?${new URLSearchParams(Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined)).toString()}`;
  };

  it('shows an error page, never a redirect, for an unknown client or a redirect URI the client did not register', async () => {
    const unknown = await visit(query({ client_id: 'mcp-nobody' }));
    expect([unknown.status, unknown.location]).toEqual([400, undefined]);
    expect(unknown.html).toContain('Unknown client');
    const elsewhere = await visit(query({ redirect_uri: 'https://evil.example.com/callback' }));
    expect([elsewhere.status, elsewhere.location]).toEqual([400, undefined]);
    expect(elsewhere.html).toContain('The redirect_uri is not one this client registered');
  });

  it('matches a loopback IP redirect on any port, and nothing else loosely', async () => {
    expect((await visit(query({ redirect_uri: 'http://127.0.0.1:51234/cb' }))).status).toBe(200);
    expect((await visit(query({ redirect_uri: 'http://127.0.0.1:51234/other' }))).status).toBe(400);
    expect((await visit(query({ redirect_uri: `${REDIRECT}/more` }))).status).toBe(400);
  });

  it('refuses plain PKCE, a missing challenge, and another resource, returning state unchanged', async () => {
    for (const [overrides, error] of [
      [{ code_challenge_method: 'plain' }, 'invalid_request'],
      [{ code_challenge: undefined, code_challenge_method: undefined }, 'invalid_request'],
      [{ resource: 'https://other.example.com/mcp' }, 'invalid_target'],
      [{ scope: 'admin' }, 'invalid_scope'],
    ] as const) {
      const answer = await visit(query(overrides));
      expect(answer.status).toBe(303);
      const back = new URL(answer.location ?? '');
      expect([back.origin + back.pathname, back.searchParams.get('error'), back.searchParams.get('state'), back.searchParams.get('iss')]).toEqual([REDIRECT, error, 'state-42', base]);
    }
  });

  it('shows a sign-in page that names the client and the host it returns to, with strict headers', async () => {
    const page = await visit(query(), { headers: { 'accept-language': 'tr-TR,tr;q=0.9,en;q=0.8' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(
      "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self' https://app.example.com; base-uri 'none'; frame-ancestors 'none'",
    );
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.html).toContain('<html lang="tr">');
    expect(page.html).toContain('Example App, iletiMerkezi SMS raporlarınızı');
    expect(page.html).toContain('app.example.com adresine döneceksiniz');
    expect(page.html.match(/<input[^>]*name="(key|hash)"/g)).toHaveLength(2);
    expect(page.html.match(/<button type="submit" name="decision" value="(allow|deny)"/g)).toHaveLength(2);
    // No outside assets: the one stylesheet is the page's own.
    expect([...page.html.matchAll(/(?:href|src)="([^"]*)"/g)].map((match) => match[1])).toEqual(['/sign-in.css']);
    const english = await visit(query(), { headers: { 'accept-language': 'de-DE,en;q=0.9,tr;q=0.5' } });
    expect(english.html).toContain('<html lang="en">');
  });

  it('denies with empty fields, returning access_denied and the state', async () => {
    const page = await visit(query());
    const denied = await submit(base, page, { key: '', hash: '', decision: 'deny' });
    const back = new URL(denied.location ?? '');
    expect([denied.status, back.searchParams.get('error'), back.searchParams.get('state'), back.searchParams.get('code')]).toEqual([303, 'access_denied', 'state-42', null]);
  });

  it('refuses a form without the page\'s cookie (the CSRF token is tied to the request and the browser)', async () => {
    const page = await visit(query());
    const forged = await submit(base, { ...page, cookie: undefined }, { key: TEST_CREDENTIALS.key, hash: TEST_CREDENTIALS.hash, decision: 'allow' });
    expect([forged.status, forged.location]).toEqual([400, undefined]);
    const sealed = page.request ?? '';
    const flipped = `${sealed.slice(0, 30)}${sealed[30] === 'A' ? 'B' : 'A'}${sealed.slice(31)}`;
    const tampered = await submit(base, { ...page, request: flipped }, { key: TEST_CREDENTIALS.key, hash: TEST_CREDENTIALS.hash, decision: 'allow' });
    expect([tampered.status, tampered.location]).toEqual([400, undefined]);
  });

  it('shows the page again with the API\'s reason for a refused key, never echoing the hash, and 429 after 10 failures from one address', async () => {
    const from = { 'x-forwarded-for': '198.51.100.23' };
    const page = await visit(query());
    const wrong = { key: 'KEY-nobody', hash: 'HASH-secret-never-echoed', decision: 'allow' };
    const first = await submit(base, page, wrong, from);
    expect(first.status).toBe(401);
    expect(first.html).toContain('iletiMerkezi refused this key and hash');
    expect(first.html).toContain('value="KEY-nobody"');
    expect(first.html).not.toContain('HASH-secret-never-echoed');
    for (let n = 1; n < 10; n += 1) expect((await submit(base, page, wrong, from)).status).toBe(401);
    const limited = await submit(base, page, { ...wrong, key: TEST_CREDENTIALS.key, hash: TEST_CREDENTIALS.hash }, from);
    expect(limited.status).toBe(429);
    expect(limited.location).toBeUndefined();
    // Another address is not held back.
    const other = await submit(base, page, { key: TEST_CREDENTIALS.key, hash: TEST_CREDENTIALS.hash, decision: 'allow' }, { 'x-forwarded-for': '198.51.100.24' });
    expect(other.status).toBe(303);
  });
});

describe('tokens', () => {
  it('redeems a code once, with the right verifier and redirect only', async () => {
    const wrongVerifier = await authorize(base, TEST_CREDENTIALS);
    expect(await redeem(base, wrongVerifier, { code_verifier: pkce().verifier })).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'The code_verifier does not match the code_challenge.' },
    });
    const mismatched = await authorize(base, TEST_CREDENTIALS);
    expect((await redeem(base, mismatched, { redirect_uri: 'http://127.0.0.1:40000/other' })).body.error).toBe('invalid_grant');
    const good = await authorize(base, TEST_CREDENTIALS);
    const tokens = await redeem(base, good);
    expect(tokens.status).toBe(200);
    expect(tokens.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'iletimerkezi:read' });
    expect(tokens.body.access_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(tokens.body.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await redeem(base, good)).toEqual({ status: 400, body: { error: 'invalid_grant', error_description: 'The authorization code is unknown, used or expired.' } });
    expect((await initialize(tokens.body.access_token)).status).toBe(200);
  });

  it('rotates the refresh token on every use; reusing an old one revokes the whole grant at once', async () => {
    const authorization = await authorize(base, TEST_CREDENTIALS);
    const first = (await redeem(base, authorization)).body;
    const refresh = (token: unknown) => tokenRequest(base, { grant_type: 'refresh_token', refresh_token: String(token), client_id: authorization.clientId });
    const second = await refresh(first.refresh_token);
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect((await initialize(second.body.access_token)).status).toBe(200);
    const reused = await refresh(first.refresh_token);
    expect(reused.body.error).toBe('invalid_grant');
    // The grant is gone: the newest tokens, access and refresh, stop working too.
    expect((await initialize(second.body.access_token)).status).toBe(401);
    expect((await initialize(first.access_token)).status).toBe(401);
    expect((await refresh(second.body.refresh_token)).body.error).toBe('invalid_grant');
  });

  it('revokes an access token alone, and a refresh token with its grant (RFC 7009)', async () => {
    const authorization = await authorize(base, TEST_CREDENTIALS);
    const tokens = (await redeem(base, authorization)).body;
    expect((await revoke(String(tokens.access_token), authorization.clientId)).status).toBe(200);
    expect((await initialize(tokens.access_token)).status).toBe(401);
    const renewed = await tokenRequest(base, { grant_type: 'refresh_token', refresh_token: String(tokens.refresh_token), client_id: authorization.clientId });
    expect((await initialize(renewed.body.access_token)).status).toBe(200);
    expect((await revoke(String(renewed.body.refresh_token), authorization.clientId)).status).toBe(200);
    expect((await initialize(renewed.body.access_token)).status).toBe(401);
    expect((await revoke('never-issued', authorization.clientId)).status).toBe(200);
  });

  it('logs the client id and the account scope, and never a token, code or credential', async () => {
    const authorization = await authorize(base, TEST_CREDENTIALS);
    const tokens = (await redeem(base, authorization)).body;
    const answer = await rawRequest(hosted.url, {
      headers: { ...bearer(tokens.access_token), 'content-type': 'application/json', accept: 'application/json, text/event-stream', host: new URL(base).host },
      body: INITIALIZE,
    });
    expect(answer.status).toBe(200);
    const entries = hosted.lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.client === authorization.clientId);
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every((entry) => typeof entry.account === 'string' && /^[0-9a-f]{8}$/.test(String(entry.account)))).toBe(true);
    const log = hosted.lines.join('\n');
    for (const secret of [tokens.access_token, tokens.refresh_token, authorization.code, authorization.verifier, TEST_CREDENTIALS.key, TEST_CREDENTIALS.hash]) {
      expect(log).not.toContain(String(secret));
    }
  });
});

describe('time and outages', () => {
  it('lets a code live 60 seconds and an access token 1 hour', async () => {
    let now = 1_000_000;
    const timed = await startHosted({ accounts: [{ credentials: TEST_CREDENTIALS, account: FIXTURE_ACCOUNT }], oauth: { now: () => now } });
    const origin = new URL(timed.url).origin;
    try {
      const late = await authorize(origin, TEST_CREDENTIALS);
      now += 61_000;
      expect((await redeem(origin, late)).body.error).toBe('invalid_grant');
      const fresh = await authorize(origin, TEST_CREDENTIALS);
      now += 59_000;
      const tokens = (await redeem(origin, fresh)).body;
      const call = () => post(timed.url, INITIALIZE, bearer(tokens.access_token));
      now += 3_599_000;
      expect((await call()).status).toBe(200);
      now += 2_000;
      expect((await call()).status).toBe(401);
      // The refresh token outlives it.
      const renewed = await tokenRequest(origin, { grant_type: 'refresh_token', refresh_token: String(tokens.refresh_token), client_id: fresh.clientId });
      expect(renewed.status).toBe(200);
    } finally {
      await timed.close();
    }
  });

  it('does not count an API outage as a failed sign-in', async () => {
    const down = await startHosted({ accounts: [{ credentials: TEST_CREDENTIALS, account: FIXTURE_ACCOUNT }], oauth: { apiUrl: `http://127.0.0.1:${await closedPort()}/v1` } });
    const origin = new URL(down.url).origin;
    try {
      const clientId = String((await register(origin, ['https://app.example.com/cb'])).body.client_id);
      const query = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: 'https://app.example.com/cb', code_challenge: pkce().challenge, code_challenge_method: 'S256' });
      const page = await visit(`${origin}/authorize?${query.toString()}`);
      const statuses = [];
      for (let n = 0; n < 12; n += 1) statuses.push((await submit(origin, page, { key: 'k', hash: 'h', decision: 'allow' })).status);
      expect(statuses).toEqual(Array(12).fill(503));
      expect((await submit(origin, page, { key: 'k', hash: 'h', decision: 'allow' })).html).toContain('iletiMerkezi could not be reached');
    } finally {
      await down.close();
    }
  });
});

describe('the client address', () => {
  const request = (peer: string, forwarded?: string) =>
    ({ socket: { remoteAddress: peer }, headersDistinct: forwarded === undefined ? {} : { 'x-forwarded-for': [forwarded] } }) as unknown as IncomingMessage;

  it('is the peer unless the peer is a trusted proxy; then the nearest untrusted X-Forwarded-For hop', () => {
    expect(clientAddress(request('203.0.113.9', '198.51.100.1'), [])).toBe('203.0.113.9');
    expect(clientAddress(request('::ffff:10.0.0.2', '198.51.100.1'), ['10.0.0.2'])).toBe('198.51.100.1');
    // A client's own X-Forwarded-For entries stand left of what the proxies add: they are never read past an untrusted hop.
    expect(clientAddress(request('10.0.0.2', '6.6.6.6, 198.51.100.1, 10.0.0.3'), ['10.0.0.2', '10.0.0.3'])).toBe('198.51.100.1');
    expect(clientAddress(request('10.0.0.2'), ['10.0.0.2'])).toBe('10.0.0.2');
  });
});

describe('what a signed-in user is told', () => {
  it('when the API revokes the key: the call says to check the key signed in with, and the next request gets a Bearer challenge to sign in again', async () => {
    const own = await startHosted({ accounts: [{ credentials: TEST_CREDENTIALS, account: FIXTURE_ACCOUNT }], oauth: {} });
    const origin = new URL(own.url).origin;
    try {
      const tokens = (await redeem(origin, await authorize(origin, TEST_CREDENTIALS))).body;
      const mcp = await httpClient(own.url, bearer(tokens.access_token));
      expect((await mcp.callTool({ name: 'read_balance', arguments: {} })).isError).toBeFalsy();
      own.fakes[0]?.revokeCredentials();
      const refused = await mcp.callTool({ name: 'read_balance', arguments: {} });
      expect(refused.isError).toBe(true);
      expect(JSON.stringify(refused.content)).toContain('the API key and hash you signed in with');
      await mcp.close();
      const next = await post(own.url, INITIALIZE, bearer(tokens.access_token));
      expect(next.status).toBe(401);
      expect(next.headers.get('www-authenticate')).toBe(`Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp", scope="iletimerkezi:read", error="invalid_token"`);
    } finally {
      await own.close();
    }
  });

  it('names the sign-in, not headers or environment variables, as where the key and hash came from', () => {
    expect(authGuidance('sign-in')).toBe(
      'Check the API key and hash you signed in with (to change them, disconnect and connect the app again, and sign in anew) against ' +
        'panel.iletimerkezi.com → Settings → Security → API Access, turn on "Allow API access" (panel → Settings → Security → Access Permissions), ' +
        'and if the account has an IP allow-list, add the address this server connects from.',
    );
    expect(missingCredentialsMessage('sign-in')).toBe('No iletiMerkezi account is signed in: connect again from the app and sign in with the API key and hash.');
  });
});
