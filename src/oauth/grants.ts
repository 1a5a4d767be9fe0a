import { randomBytes } from 'node:crypto';
import type { OAuthTokens } from '@modelcontextprotocol/server';
import { checkResourceAllowed } from '@modelcontextprotocol/server';
import type { Credentials } from '../api/client.js';
import type { TakingStore } from '../state/store.js';
import { type OAuthKeys, randomToken, verifierMatches } from './keys.js';
import { ACCESS_TTL_MS, type OAuthStores, table } from './stores.js';

/**
 * Codes, grants and tokens. Every one is stored under its HMAC (OAuthKeys.digest), never its
 * value; the key and hash are sealed to the code, then to the grant. A grant ends by being taken
 * from its store, beside a mark that it was revoked: every access and refresh token of it then
 * leads nowhere, on every replica.
 *
 * A refresh token is stored twice: as issued, read to find its grant for as long as the token
 * could come back, and as unused, taken by the one refresh that rotates it. Of two callers that
 * present one token at once, on one replica or two, exactly one takes it; the other is a reuse.
 */

/** What the stores hold: digests, ids and sealed credentials. */
interface CodeRecord {
  client: string;
  redirectUri: string;
  challenge: string;
  resource: string;
  scope: string;
  credentials: string;
}
interface GrantRecord {
  client: string;
  resource: string;
  scope: string;
  credentials: string;
}
interface RefreshRecord {
  grant: string;
}
interface AccessRecord {
  grant: string;
  client: string;
  resource: string;
  expiresAt: number;
}
/** A refusal of the token endpoint, as RFC 6749 §5.2 words it. */
export class OAuthError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

type Form = URLSearchParams;

/** What a signed-in user allowed: the authorization request it answers, and the key and hash it proved. */
export interface Allowed {
  client: string;
  redirectUri: string;
  challenge: string;
  resource: string;
  scope: string;
  credentials: Credentials;
}

export class Grants {
  private readonly codes: TakingStore;
  private readonly grants: TakingStore;
  private readonly refreshTokens: TakingStore;
  private readonly accessTokens: TakingStore;

  constructor(
    private readonly keys: OAuthKeys,
    stores: OAuthStores,
    private readonly resource: string,
    private readonly now: () => number,
  ) {
    this.codes = table(stores.codes);
    this.grants = table(stores.grants);
    this.refreshTokens = table(stores.refreshTokens);
    this.accessTokens = table(stores.accessTokens);
  }

  /** A single-use code for what the user allowed; undefined when it could not be stored. */
  async code(allowed: Allowed): Promise<string | undefined> {
    const code = randomToken();
    const codeKey = this.keys.digest(`code:${code}`);
    const { credentials, ...request } = allowed;
    const record: CodeRecord = { ...request, credentials: this.keys.seal(credentials, `code ${codeKey}`) };
    return (await this.codes.set(codeKey, record)) ? code : undefined;
  }

  /** Access and refresh tokens for a grant, stored by their digests only. */
  private async issueTokens(grantKey: string, grant: GrantRecord): Promise<OAuthTokens> {
    const access = randomToken();
    const refresh = randomToken();
    const record: AccessRecord = { grant: grantKey, client: grant.client, resource: grant.resource, expiresAt: this.now() + ACCESS_TTL_MS };
    const stored = await Promise.all([
      this.grants.set(grantKey, grant),
      this.refreshTokens.set(this.keys.digest(`refresh:${refresh}`), { grant: grantKey } satisfies RefreshRecord),
      this.refreshTokens.set(this.keys.digest(`unused:${refresh}`), { grant: grantKey } satisfies RefreshRecord),
      this.accessTokens.set(this.keys.digest(`access:${access}`), record),
    ]);
    if (stored.includes(false)) throw new OAuthError('temporarily_unavailable', 'The server could not store the grant; try again.', 503);
    return { access_token: access, token_type: 'Bearer', expires_in: ACCESS_TTL_MS / 1000, refresh_token: refresh, scope: grant.scope };
  }

  /** Marked first, then taken: a rotation that writes the grant back after the take still sees the mark (`refresh`). */
  private async revokeGrant(grantKey: string): Promise<void> {
    await this.grants.set(this.revokedKey(grantKey), { revoked: true });
    await this.grants.take(grantKey);
  }

  private revokedKey(grantKey: string): string {
    return this.keys.digest(`revoked:${grantKey}`);
  }

  /** The authorization_code grant: the code once, with its client, redirect URI and PKCE verifier. */
  async redeemCode(form: Form): Promise<OAuthTokens> {
    const code = form.get('code') ?? '';
    const codeKey = this.keys.digest(`code:${code}`);
    // Taken, not read: a code works once, on whichever replica redeems it first.
    const record = await this.codes.take<CodeRecord>(codeKey);
    if (!record) throw new OAuthError('invalid_grant', 'The authorization code is unknown, used or expired.');
    if (form.get('client_id') !== record.client) throw new OAuthError('invalid_grant', 'The code was issued to another client.');
    if (form.get('redirect_uri') !== record.redirectUri) throw new OAuthError('invalid_grant', 'The redirect_uri differs from the authorization request.');
    if (!verifierMatches(form.get('code_verifier') ?? '', record.challenge)) throw new OAuthError('invalid_grant', 'The code_verifier does not match the code_challenge.');
    const named = form.get('resource');
    if (named !== null && !checkResourceAllowed({ requestedResource: named, configuredResource: record.resource })) {
      throw new OAuthError('invalid_target', `This server's resource is ${this.resource}.`);
    }
    const credentials = this.keys.open<Credentials>(record.credentials, `code ${codeKey}`);
    if (!credentials) throw new OAuthError('invalid_grant', 'The authorization code is unknown, used or expired.');
    const grantKey = randomBytes(32).toString('hex');
    const grant: GrantRecord = { client: record.client, resource: record.resource, scope: record.scope, credentials: this.keys.seal(credentials, `grant ${grantKey}`) };
    return this.issueTokens(grantKey, grant);
  }

  /** The refresh_token grant: rotates the token; an old one back revokes the whole grant (OAuth 2.1 BCP). */
  async refresh(form: Form): Promise<OAuthTokens> {
    const token = form.get('refresh_token') ?? '';
    const record = await this.refreshTokens.get<RefreshRecord>(this.keys.digest(`refresh:${token}`));
    if (!record) throw new OAuthError('invalid_grant', 'The refresh token is unknown or expired.');
    const grant = await this.grants.get<GrantRecord>(record.grant);
    if (!grant) throw new OAuthError('invalid_grant', 'The grant was revoked. Sign in again.');
    if (form.get('client_id') !== grant.client) {
      await this.revokeGrant(record.grant);
      throw new OAuthError('invalid_grant', 'The refresh token was issued to another client; the grant is revoked.');
    }
    const named = form.get('resource');
    if (named !== null && !checkResourceAllowed({ requestedResource: named, configuredResource: grant.resource })) {
      throw new OAuthError('invalid_target', `This server's resource is ${this.resource}.`);
    }
    // Taken, not read: of the callers that present this token, one alone rotates it.
    if (!(await this.refreshTokens.take<RefreshRecord>(this.keys.digest(`unused:${token}`)))) {
      // A used token came back, or came twice at once: someone holds a copy. The whole grant goes, at once (OAuth 2.1 BCP).
      await this.revokeGrant(record.grant);
      throw new OAuthError('invalid_grant', 'The refresh token was already used; the grant is revoked. Sign in again.');
    }
    const tokens = await this.issueTokens(record.grant, grant);
    // A reuse that revoked the grant while these were issued: the grant written back above goes again.
    if (await this.grants.get(this.revokedKey(record.grant))) {
      await this.grants.take(record.grant);
      throw new OAuthError('invalid_grant', 'The refresh token was already used; the grant is revoked. Sign in again.');
    }
    return tokens;
  }

  /** RFC 7009: access and refresh tokens alike; revoking a refresh token ends its grant. */
  async revoke(form: Form): Promise<void> {
    const value = form.get('token') ?? '';
    const clientId = form.get('client_id');
    const accessKey = this.keys.digest(`access:${value}`);
    const access = await this.accessTokens.get<AccessRecord>(accessKey);
    if (access && (clientId === null || clientId === access.client)) await this.accessTokens.take(accessKey);
    const refreshRecord = await this.refreshTokens.get<RefreshRecord>(this.keys.digest(`refresh:${value}`));
    if (refreshRecord) {
      const grant = await this.grants.get<GrantRecord>(refreshRecord.grant);
      if (grant && (clientId === null || clientId === grant.client)) await this.revokeGrant(refreshRecord.grant);
    }
  }

  /** The key and hash an access token stands for, and its client; undefined for a token unknown, expired, revoked or for another resource. */
  async holderOf(token: string): Promise<{ credentials: Credentials; client: string } | undefined> {
    const access = await this.accessTokens.get<AccessRecord>(this.keys.digest(`access:${token}`));
    if (!access || access.expiresAt <= this.now() || access.resource !== this.resource) return undefined;
    const grant = await this.grants.get<GrantRecord>(access.grant);
    if (!grant || grant.client !== access.client) return undefined;
    const credentials = this.keys.open<Credentials>(grant.credentials, `grant ${access.grant}`);
    return credentials ? { credentials, client: access.client } : undefined;
  }
}
