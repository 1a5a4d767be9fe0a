import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import {
  Client,
  type OAuthClientInformationMixed,
  type OAuthClientMetadata,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
  type OAuthTokens,
  StreamableHTTPClientTransport,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import type { Page, Request } from 'playwright-core';
import type { Credentials } from '../../src/api/client.js';

export const ARTIFACTS = new URL('../artifacts/', import.meta.url);

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return new URL(name, ARTIFACTS).pathname;
}

/**
 * The SDK client's OAuth provider as an app keeps it, in memory: it registers (or names its
 * metadata document as its client_id), hands the authorization URL to the browser, and keeps
 * the tokens. Its redirect URI is never listened on: the browser's request to it is caught.
 */
export class TestProvider implements OAuthClientProvider {
  private info: OAuthClientInformationMixed | undefined;
  private stored: OAuthTokens | undefined;
  private verifier: string | undefined;
  private discovery: OAuthDiscoveryState | undefined;
  authorizationUrl: URL | undefined;
  readonly clientMetadata: OAuthClientMetadata;

  constructor(
    readonly redirectUrl: string,
    name = 'Test App',
    /** A 2026 client's metadata document URL: it is then the client_id, and nothing registers. */
    readonly clientMetadataUrl?: string,
  ) {
    this.clientMetadata = { client_name: name, redirect_uris: [redirectUrl], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' };
  }

  clientInformation() {
    return this.info;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.info = info;
  }
  tokens() {
    return this.stored;
  }
  saveTokens(tokens: OAuthTokens) {
    this.stored = tokens;
  }
  saveDiscoveryState(state: OAuthDiscoveryState) {
    this.discovery = state;
  }
  discoveryState() {
    return this.discovery;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    if (!this.verifier) throw new Error('no code verifier');
    return this.verifier;
  }
  invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery') {
    if (scope === 'all' || scope === 'tokens') this.stored = undefined;
    if (scope === 'all' || scope === 'client') this.info = undefined;
  }
}

/**
 * Opens the authorization URL, fills the form and presses `decision`; returns the URL the
 * browser was sent back to (caught before it leaves), or undefined when it stayed on our page.
 */
export async function signIn(
  page: Page,
  authorizationUrl: URL,
  credentials: Credentials,
  decision: 'allow' | 'deny' = 'allow',
): Promise<{ callback: URL | undefined; status: number | undefined }> {
  let callback: URL | undefined;
  const origin = new URL(authorizationUrl.searchParams.get('redirect_uri') ?? '').origin;
  // Nothing listens there: the request the redirect makes is enough (a route would not see a redirect).
  const onRequest = (request: Request) => {
    if (request.url().startsWith(`${origin}/`)) callback = new URL(request.url());
  };
  page.on('request', onRequest);
  await page.goto(authorizationUrl.href);
  await page.fill('input[name=key]', credentials.key);
  await page.fill('input[name=hash]', credentials.hash);
  const [response] = await Promise.all([page.waitForResponse((answer) => answer.request().method() === 'POST'), page.click(`button[name=decision][value=${decision}]`)]);
  await page.waitForLoadState('load');
  page.off('request', onRequest);
  return { callback, status: callback ? undefined : response.status() };
}

/** The whole flow the issue asks for: discovery and registration by the SDK, the form in the browser, the code exchanged by the SDK. */
export async function connectSignedIn(url: string, page: Page, credentials: Credentials, provider = new TestProvider('http://127.0.0.1:33418/callback')): Promise<{ client: Client; provider: TestProvider }> {
  const first = new StreamableHTTPClientTransport(new URL(url), { authProvider: provider });
  const unauthorized = await new Client({ name: 'oauth-test', version: '1.0.0' }).connect(first).then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(unauthorized instanceof UnauthorizedError) || !provider.authorizationUrl) throw new Error(`expected the server to ask for a sign-in, got ${String(unauthorized)}`);
  const { callback } = await signIn(page, provider.authorizationUrl, credentials);
  if (!callback) throw new Error(`the sign-in did not return to the app: ${await page.textContent('body')}`);
  await first.finishAuth(callback.searchParams);
  const client = new Client({ name: 'oauth-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { authProvider: provider }));
  return { client, provider };
}

/** A PKCE pair (RFC 7636, S256). */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** What the sign-in page hands the browser: the sealed request in its form, and the cookie beside it. */
export interface PageVisit {
  status: number;
  headers: Headers;
  html: string;
  request: string | undefined;
  cookie: string | undefined;
  location: string | undefined;
}

export async function visit(url: string, init: RequestInit = {}): Promise<PageVisit> {
  const response = await fetch(url, { redirect: 'manual', ...init });
  const html = await response.text();
  const request = /name="request" value="([^"]*)"/.exec(html)?.[1];
  const cookie = response.headers.get('set-cookie')?.split(';')[0];
  return { status: response.status, headers: response.headers, html, request, cookie, location: response.headers.get('location') ?? undefined };
}

/** The form's POST, as a browser sends it after the page above. */
export function submit(base: string, page: PageVisit, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<PageVisit> {
  return visit(`${base}/authorize`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(page.cookie ? { cookie: page.cookie } : {}), ...headers },
    body: new URLSearchParams({ request: page.request ?? '', ...fields }).toString(),
  });
}

export async function register(base: string, redirectUris: string[], name = 'Raw Client'): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${base}/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_name: name, redirect_uris: redirectUris }) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export interface Authorization {
  clientId: string;
  redirectUri: string;
  verifier: string;
  code: string;
}

/** Registers, opens the page, signs in, and returns the code the redirect carries. */
export async function authorize(base: string, credentials: Credentials, redirectUri = 'http://127.0.0.1:40000/cb', clientId?: string): Promise<Authorization> {
  const id = clientId ?? String((await register(base, [redirectUri])).body.client_id);
  const { verifier, challenge } = pkce();
  const query = new URLSearchParams({ response_type: 'code', client_id: id, redirect_uri: redirectUri, code_challenge: challenge, code_challenge_method: 'S256', state: 'st-1', resource: `${base}/mcp` });
  const page = await visit(`${base}/authorize?${query.toString()}`);
  const done = await submit(base, page, { key: credentials.key, hash: credentials.hash, decision: 'allow' });
  const code = done.location ? new URL(done.location).searchParams.get('code') : null;
  if (!code) throw new Error(`no code: ${done.status} ${done.html.slice(0, 300)}`);
  return { clientId: id, redirectUri, verifier, code };
}

export async function tokenRequest(base: string, fields: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${base}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export function redeem(base: string, authorization: Authorization, overrides: Record<string, string> = {}) {
  return tokenRequest(base, {
    grant_type: 'authorization_code',
    code: authorization.code,
    client_id: authorization.clientId,
    redirect_uri: authorization.redirectUri,
    code_verifier: authorization.verifier,
    resource: `${base}/mcp`,
    ...overrides,
  });
}
