import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { OAuthMetadata, OAuthProtectedResourceMetadata } from '@modelcontextprotocol/server';
import { checkResourceAllowed, getOAuthProtectedResourceMetadataUrl } from '@modelcontextprotocol/server';
import type { Credentials } from '../api/client.js';
import { readBody } from '../http-body.js';
import type { TakingStore } from '../state/store.js';
import { clientAddress } from './client-address.js';
import { fetchClientDocument, isDocumentUrl, type ClientDocument } from './client-document.js';
import type { CredentialCheck } from './credential-check.js';
import { Grants, OAuthError } from './grants.js';
import { OAuthKeys, randomToken, sameSecret } from './keys.js';
import { type Language, SIGN_IN_CSS, errorPage, languageOf, signInPage, wordsOf } from './page.js';
import { redirectMatches, redirectProblem } from './redirects.js';
import { FAILURE_WINDOW_MS, type OAuthStores, table } from './stores.js';

/** The one scope: every tool here only reads. */
export const READ_SCOPE = 'iletimerkezi:read';

const MAX_FAILED_SIGN_INS = 10;
const MAX_REGISTRATIONS = 60;
const MAX_FORM_BYTES = 16 * 1024;
/** So that a registration always fits its store's entry bound (4 KB). */
const MAX_REDIRECT_URIS = 8;
const MAX_REDIRECT_URI_LENGTH = 400;
/** How long a sign-in page may stay open before its form is refused as expired. */
const PAGE_TTL_MS = 10 * 60_000;

export interface OAuthSettings {
  secret: string;
  /** The origin clients reach: the issuer; the resource is its /mcp. */
  publicUrl: string;
  trustedProxies: readonly string[];
  stores: OAuthStores;
  checkCredentials: CredentialCheck;
  /** Only a server bound to loopback (local development) fetches client documents from loopback. */
  allowLoopbackDocuments: boolean;
  /** How long a client's metadata document may take to arrive; 5 seconds unless a test says less. */
  documentTimeoutMs?: number;
  now?: () => number;
}

/** What a valid token stands for: the account's key and hash, and the client it was granted to. */
export interface Grant {
  credentials: Credentials;
  client: string;
}

/** A refused MCP request's answer: 401 with its Bearer challenge. */
export interface Challenge {
  status: 401;
  headers: Record<string, string>;
  message: string;
}

export interface OAuthService {
  /** The host of the public URL, which passes the rebinding check without being listed. */
  readonly host: string;
  readonly origin: string;
  /** Serves the OAuth endpoints; false when `path` is not one of them. */
  route(request: IncomingMessage, response: ServerResponse, path: string): Promise<boolean>;
  /** Which account the request's bearer token stands for, or the challenge to send. */
  grantOf(request: IncomingMessage): Promise<Grant | Challenge>;
  /** The challenge for a token whose account's key the API now refuses: the client should sign in again. */
  invalidToken(message: string): Challenge;
}

interface Client {
  name: string;
  redirectUris: string[];
}
interface PendingAuthorization {
  client: string;
  redirectUri: string;
  state: string | undefined;
  challenge: string;
  resource: string;
  scope: string;
  nonce: string;
  expiresAt: number;
}
type Form = URLSearchParams;

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/**
 * The page's policy: nothing from anywhere but itself, no framing, no <base>. `form-action` names
 * the client's redirect origin beside the page's own, because Chrome applies it to the redirect
 * that follows the form's POST.
 */
function pagePolicy(redirectUri?: string): string {
  const formAction = redirectUri ? `form-action 'self' ${new URL(redirectUri).origin}; ` : '';
  return `default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; ${formAction}base-uri 'none'; frame-ancestors 'none'`;
}

const JSON_HEADERS = { 'content-type': 'application/json', 'cache-control': 'no-store', 'access-control-allow-origin': '*' };

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { ...JSON_HEADERS, ...headers });
  response.end(JSON.stringify(body));
}

function sendOAuthError(response: ServerResponse, error: OAuthError): void {
  sendJson(response, error.status, { error: error.code, error_description: error.message });
}

export function createOAuthService(settings: OAuthSettings): OAuthService {
  const keys = new OAuthKeys(settings.secret);
  const now = settings.now ?? Date.now;
  const issuer = new URL(settings.publicUrl).origin;
  const resource = `${issuer}/mcp`;
  const resourceMetadataUrl = getOAuthProtectedResourceMetadataUrl(new URL(resource));
  const secureCookies = issuer.startsWith('https:');
  const clients = table(settings.stores.clients);
  const documents = table(settings.stores.documents);
  const grants = new Grants(keys, settings.stores, resource, now);
  const failures = table(settings.stores.failures);
  const registrations = table(settings.stores.registrations);

  const authorizationServerMetadata: OAuthMetadata = {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    registration_endpoint: `${issuer}/register`,
    revocation_endpoint: `${issuer}/revoke`,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['none'],
    revocation_endpoint_auth_methods_supported: ['none'],
    scopes_supported: [READ_SCOPE],
    authorization_response_iss_parameter_supported: true,
    client_id_metadata_document_supported: true,
  };
  const resourceMetadata: OAuthProtectedResourceMetadata = {
    resource,
    authorization_servers: [issuer],
    scopes_supported: [READ_SCOPE],
    bearer_methods_supported: ['header'],
    resource_name: 'iletiMerkezi SMS reports',
  };

  const challenge = (error?: string, message = 'Sign in: this server needs an OAuth access token.'): Challenge => ({
    status: 401,
    headers: {
      'www-authenticate': `Bearer resource_metadata="${resourceMetadataUrl}", scope="${READ_SCOPE}"${error ? `, error="${error}"` : ''}`,
    },
    message,
  });

  /**
   * An address's events (failed sign-ins, registrations) in a fixed window that starts with its
   * first event: its store's TTL. Counted atomically, so events on many replicas each count once.
   */
  const countedOf = async (store: TakingStore, address: string): Promise<number> => (await store.get<number>(keys.digest(`address:${address}`))) ?? 0;
  /** Counts one event of the address; the count with it (0 when the store could not count it). */
  const count = async (store: TakingStore, address: string): Promise<number> => (await store.increment(keys.digest(`address:${address}`))) ?? 0;

  /**
   * A registered client, or one whose metadata document is fetched (and cached as its Cache-Control
   * says). A fetch counts as a registration of the address that caused it, so nobody can make the
   * server fetch more than 60 documents a minute.
   */
  const clientOf = async (clientId: string, address: string): Promise<Client | string> => {
    if (!clientId) return 'the request names no client_id';
    const key = keys.digest(`client:${clientId}`);
    if (isDocumentUrl(clientId)) {
      const cached = await documents.get<ClientDocument>(key);
      if (cached && cached.freshUntil > now()) return { name: cached.clientName, redirectUris: cached.redirectUris };
      if ((await count(registrations, address)) > MAX_REGISTRATIONS) {
        return `at most ${MAX_REGISTRATIONS} new clients a minute come from one address; try again in a minute`;
      }
      const fetched = await fetchClientDocument(clientId, settings.allowLoopbackDocuments, now(), settings.documentTimeoutMs);
      if (typeof fetched === 'string') return fetched;
      if (fetched.freshUntil > now()) await documents.set(key, fetched);
      return { name: fetched.clientName, redirectUris: fetched.redirectUris };
    }
    const registered = await clients.get<Client>(key);
    if (!registered) return 'this client is not registered here (it may have expired): connect again from the app';
    // Written again, so the least recently used registrations are the ones that go first.
    await clients.set(key, registered);
    return registered;
  };

  const redirectWith = (response: ServerResponse, redirectUri: string, parameters: Record<string, string | undefined>) => {
    const target = new URL(redirectUri);
    for (const [name, value] of Object.entries({ ...parameters, iss: issuer })) {
      if (value !== undefined) target.searchParams.set(name, value);
    }
    response.writeHead(303, { location: target.href, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
    response.end();
  };

  const showError = (response: ServerResponse, language: Language, status: number, message: string) => {
    response.writeHead(status, { ...PAGE_HEADERS, 'content-security-policy': pagePolicy() });
    response.end(errorPage(language, message));
  };

  const cookieName = (nonce: string) => `signin-${keys.digest(`cookie:${nonce}`).slice(0, 12)}`;

  const showSignIn = (
    response: ServerResponse,
    status: number,
    pending: PendingAuthorization,
    client: Client,
    language: Language,
    extra: { key?: string; problem?: string } = {},
  ) => {
    const cookie = `${cookieName(pending.nonce)}=${keys.digest(`csrf:${pending.nonce}`)}; Path=/authorize; Max-Age=${PAGE_TTL_MS / 1000}; HttpOnly; SameSite=Lax${secureCookies ? '; Secure' : ''}`;
    response.writeHead(status, { ...PAGE_HEADERS, 'content-security-policy': pagePolicy(pending.redirectUri), 'set-cookie': cookie });
    response.end(
      signInPage({
        language,
        clientName: client.name,
        returnHost: new URL(pending.redirectUri).host,
        request: keys.seal(pending, 'sign-in page'),
        ...extra,
      }),
    );
  };

  const startAuthorization = async (request: IncomingMessage, response: ServerResponse, query: Form, language: Language) => {
    const clientId = query.get('client_id') ?? '';
    const client = await clientOf(clientId, clientAddress(request, settings.trustedProxies));
    if (typeof client === 'string') return showError(response, language, 400, `Unknown client: ${client}.`);
    const asked = query.get('redirect_uri') ?? (client.redirectUris.length === 1 ? client.redirectUris[0] : undefined);
    if (!asked || !redirectMatches(asked, client.redirectUris)) {
      return showError(response, language, 400, 'The redirect_uri is not one this client registered, so the sign-in cannot return to it.');
    }
    const state = query.get('state') ?? undefined;
    const fail = (error: string, description: string) => redirectWith(response, asked, { error, error_description: description, state });
    if (query.get('response_type') !== 'code') return fail('unsupported_response_type', 'Only response_type=code is supported.');
    const challengeValue = query.get('code_challenge');
    if (!challengeValue || query.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(challengeValue)) {
      return fail('invalid_request', 'PKCE is required: send code_challenge with code_challenge_method=S256.');
    }
    const named = query.get('resource');
    if (named !== null && !checkResourceAllowed({ requestedResource: named, configuredResource: resource })) {
      return fail('invalid_target', `This server's resource is ${resource}.`);
    }
    const scopes = (query.get('scope') ?? READ_SCOPE).split(' ').filter(Boolean);
    if (scopes.some((scope) => scope !== READ_SCOPE)) return fail('invalid_scope', `The only scope is ${READ_SCOPE}.`);
    const pending: PendingAuthorization = {
      client: clientId,
      redirectUri: asked,
      state,
      challenge: challengeValue,
      resource,
      scope: READ_SCOPE,
      nonce: randomToken(),
      expiresAt: now() + PAGE_TTL_MS,
    };
    showSignIn(response, 200, pending, client, language);
  };

  const finishAuthorization = async (request: IncomingMessage, response: ServerResponse, form: Form, language: Language) => {
    const address = clientAddress(request, settings.trustedProxies);
    const words = wordsOf(language);
    const pending = keys.open<PendingAuthorization>(form.get('request') ?? '', 'sign-in page');
    const cookie = pending ? readCookie(request, cookieName(pending.nonce)) : undefined;
    if (!pending || pending.expiresAt < now() || !cookie || !sameSecret(cookie, keys.digest(`csrf:${pending.nonce}`))) {
      return showError(response, language, 400, words.expired);
    }
    if (form.get('decision') !== 'allow') {
      return redirectWith(response, pending.redirectUri, { error: 'access_denied', error_description: 'The user denied access.', state: pending.state });
    }
    if ((await countedOf(failures, address)) >= MAX_FAILED_SIGN_INS) {
      response.setHeader('retry-after', String(Math.ceil(FAILURE_WINDOW_MS / 1000)));
      return showError(response, language, 429, language === 'tr' ? 'Çok fazla başarısız giriş denemesi. 10 dakika sonra yeniden deneyin.' : 'Too many failed sign-ins from this address. Try again in 10 minutes.');
    }
    const client = await clientOf(pending.client, address);
    if (typeof client === 'string') return showError(response, language, 400, `Unknown client: ${client}.`);
    const key = (form.get('key') ?? '').trim();
    const hash = (form.get('hash') ?? '').trim();
    if (!key || !hash) return showSignIn(response, 400, pending, client, language, { key, problem: words.missing });
    const verdict = await settings.checkCredentials({ key, hash });
    if (!verdict.accepted) {
      if ('unavailable' in verdict) return showSignIn(response, 503, pending, client, language, { key, problem: words.unavailable });
      await count(failures, address);
      return showSignIn(response, 401, pending, client, language, { key, problem: words.refused(verdict.refusal) });
    }
    const code = await grants.code({
      client: pending.client,
      redirectUri: pending.redirectUri,
      challenge: pending.challenge,
      resource: pending.resource,
      scope: pending.scope,
      credentials: { key, hash },
    });
    if (!code) return showSignIn(response, 503, pending, client, language, { key, problem: words.unavailable });
    response.setHeader('set-cookie', `${cookieName(pending.nonce)}=; Path=/authorize; Max-Age=0; HttpOnly; SameSite=Lax${secureCookies ? '; Secure' : ''}`);
    redirectWith(response, pending.redirectUri, { code, state: pending.state });
  };

  const token = async (response: ServerResponse, form: Form) => {
    const grantType = form.get('grant_type');
    try {
      if (grantType === 'authorization_code') return sendJson(response, 200, await grants.redeemCode(form));
      if (grantType === 'refresh_token') return sendJson(response, 200, await grants.refresh(form));
      throw new OAuthError('unsupported_grant_type', 'Use authorization_code or refresh_token.');
    } catch (error) {
      if (error instanceof OAuthError) return sendOAuthError(response, error);
      throw error;
    }
  };

  const register = async (request: IncomingMessage, response: ServerResponse, text: string) => {
    const address = clientAddress(request, settings.trustedProxies);
    if ((await count(registrations, address)) > MAX_REGISTRATIONS) {
      return sendJson(response, 429, { error: 'too_many_requests', error_description: `At most ${MAX_REGISTRATIONS} registrations a minute come from one address.` }, { 'retry-after': '60' });
    }
    let metadata: { redirect_uris?: unknown; client_name?: unknown; grant_types?: unknown; response_types?: unknown };
    try {
      metadata = JSON.parse(text) as typeof metadata;
    } catch {
      return sendJson(response, 400, { error: 'invalid_client_metadata', error_description: 'The body is not JSON.' });
    }
    const uris = metadata.redirect_uris;
    if (!Array.isArray(uris) || uris.length === 0 || uris.length > MAX_REDIRECT_URIS || !uris.every((uri): uri is string => typeof uri === 'string' && uri.length <= MAX_REDIRECT_URI_LENGTH)) {
      return sendJson(response, 400, {
        error: 'invalid_redirect_uri',
        error_description: `redirect_uris must list 1 to ${MAX_REDIRECT_URIS} URIs of at most ${MAX_REDIRECT_URI_LENGTH} characters.`,
      });
    }
    const problem = uris.map(redirectProblem).find(Boolean);
    if (problem) return sendJson(response, 400, { error: 'invalid_redirect_uri', error_description: `${problem}.` });
    const name = typeof metadata.client_name === 'string' && metadata.client_name.trim() ? metadata.client_name.trim().slice(0, 100) : new URL(uris[0] as string).host;
    const clientId = `mcp-${randomBytes(16).toString('hex')}`;
    if (!(await clients.set(keys.digest(`client:${clientId}`), { name, redirectUris: uris } satisfies Client))) {
      return sendJson(response, 503, { error: 'temporarily_unavailable', error_description: 'The registration could not be stored; try again.' });
    }
    sendJson(response, 201, {
      client_id: clientId,
      client_id_issued_at: Math.floor(now() / 1000),
      client_name: name,
      redirect_uris: uris,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      scope: READ_SCOPE,
    });
  };

  const readForm = async (request: IncomingMessage, response: ServerResponse): Promise<string | undefined> => {
    const body = await readBody(request, MAX_FORM_BYTES);
    if (body.ok) return body.text;
    sendJson(response, body.status, { error: 'invalid_request', error_description: `The body is larger than ${MAX_FORM_BYTES} bytes or could not be read.` }, { connection: 'close' });
    return undefined;
  };

  const ROUTES: Record<string, { methods: string[]; serve: (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void> | void }> = {
    '/.well-known/oauth-authorization-server': { methods: ['GET'], serve: (_, response) => sendJson(response, 200, authorizationServerMetadata, { 'cache-control': 'public, max-age=3600' }) },
    '/.well-known/oauth-protected-resource': { methods: ['GET'], serve: (_, response) => sendJson(response, 200, resourceMetadata, { 'cache-control': 'public, max-age=3600' }) },
    '/.well-known/oauth-protected-resource/mcp': { methods: ['GET'], serve: (_, response) => sendJson(response, 200, resourceMetadata, { 'cache-control': 'public, max-age=3600' }) },
    '/sign-in.css': {
      methods: ['GET'],
      serve: (_, response) => {
        response.writeHead(200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' });
        response.end(SIGN_IN_CSS);
      },
    },
    '/authorize': {
      methods: ['GET', 'POST'],
      serve: async (request, response, url) => {
        const language = languageOf(request.headers['accept-language']);
        if (request.method === 'GET') return startAuthorization(request, response, url.searchParams, language);
        const text = await readForm(request, response);
        if (text !== undefined) await finishAuthorization(request, response, new URLSearchParams(text), language);
      },
    },
    '/token': {
      methods: ['POST'],
      serve: async (request, response) => {
        const text = await readForm(request, response);
        if (text !== undefined) await token(response, new URLSearchParams(text));
      },
    },
    '/revoke': {
      methods: ['POST'],
      serve: async (request, response) => {
        const text = await readForm(request, response);
        if (text === undefined) return;
        await grants.revoke(new URLSearchParams(text));
        sendJson(response, 200, {});
      },
    },
    '/register': {
      methods: ['POST'],
      serve: async (request, response) => {
        const text = await readForm(request, response);
        if (text !== undefined) await register(request, response, text);
      },
    },
  };

  return {
    host: new URL(issuer).host,
    origin: issuer,
    async route(request, response, path) {
      const route = ROUTES[path];
      if (!route) return false;
      if (request.method === 'OPTIONS') {
        response.writeHead(204, {
          'access-control-allow-origin': '*',
          'access-control-allow-methods': [...route.methods, 'OPTIONS'].join(', '),
          'access-control-allow-headers': 'content-type, authorization, mcp-protocol-version',
          'access-control-max-age': '600',
        });
        response.end();
        return true;
      }
      if (!route.methods.includes(request.method ?? '')) {
        sendJson(response, 405, { error: 'invalid_request', error_description: `Use ${route.methods.join(' or ')}.` }, { allow: route.methods.join(', ') });
        return true;
      }
      await route.serve(request, response, new URL(request.url ?? '/', issuer));
      return true;
    },

    async grantOf(request) {
      const header = request.headers.authorization;
      if (header === undefined) return challenge();
      const value = /^Bearer[ ]+([A-Za-z0-9_-]{1,200})\s*$/i.exec(header)?.[1];
      const refused = challenge('invalid_token', 'The access token is invalid, expired or revoked: sign in again.');
      return (value && (await grants.holderOf(value))) || refused;
    },

    invalidToken: (message) => challenge('invalid_token', message),
  };
}

function readCookie(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}
