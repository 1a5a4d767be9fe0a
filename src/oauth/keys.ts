import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Every key the sign-in mode uses, derived from ILETIMERKEZI_OAUTH_SECRET with HKDF, one per
 * purpose: a new secret derives new keys, so every stored grant stops opening and every stored
 * token stops matching its digest at once.
 */
export class OAuthKeys {
  private readonly digestKey: Buffer;
  private readonly sealKey: Buffer;

  constructor(secret: string) {
    const derive = (purpose: string) => Buffer.from(hkdfSync('sha256', secret, 'iletimerkezi-mcp oauth', purpose, 32));
    this.digestKey = derive('digest');
    this.sealKey = derive('seal');
  }

  /** What the stores key a token, code or client by: an HMAC, never the value itself. */
  digest(value: string): string {
    return createHmac('sha256', this.digestKey).update(value).digest('hex');
  }

  /** AES-256-GCM, bound to `purpose`: a sealed value opens only where it was meant to. */
  seal(value: unknown, purpose: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.sealKey, iv).setAAD(Buffer.from(purpose));
    const text = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), text]).toString('base64url');
  }

  /** The sealed value, or undefined when it was tampered with, sealed for another purpose or under another secret. */
  open<T>(sealed: string, purpose: string): T | undefined {
    try {
      const bytes = Buffer.from(sealed, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', this.sealKey, bytes.subarray(0, 12)).setAAD(Buffer.from(purpose));
      decipher.setAuthTag(bytes.subarray(12, 28));
      return JSON.parse(Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8')) as T;
    } catch {
      return undefined;
    }
  }
}

/** An opaque, unguessable token: 256 random bits. */
export const randomToken = (): string => randomBytes(32).toString('base64url');

/** PKCE S256 (RFC 7636): the challenge a verifier answers, compared in constant time. */
export function verifierMatches(verifier: string, challenge: string): boolean {
  const computed = Buffer.from(createHash('sha256').update(verifier).digest('base64url'));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}

export function sameSecret(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}
