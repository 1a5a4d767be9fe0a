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
import { type Browser, type Page, type Request, chromium } from 'playwright-core';
import type { Credentials } from '../../src/api/client.js';

/** Debian's chromium, which .ci/run installs; as root it runs without its sandbox. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
}

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
