import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { ConfigurationError } from '../src/errors.js';
import { runToExit } from './support/spawned.js';

/**
 * A base URL that carries a user, a password, a query or a fragment is refused at start-up, and
 * the message says only what is wrong: it never repeats the value, which may hold a secret.
 */

const SECRET = 's3cretpass';
const HTTPS = 'ILETIMERKEZI_BASE_URL must use https:// (plain http is allowed only for loopback hosts), so the API key and hash never travel in clear text.';
const PLAIN = 'ILETIMERKEZI_BASE_URL must be a plain base URL with no user, password, query or fragment.';
const NOT_A_URL =
  'ILETIMERKEZI_BASE_URL is not a URL; it should look like https://api.iletimerkezi.com/v1 (the value is not repeated here, as it may hold a secret).';

function refusal(value: string): string {
  try {
    loadConfig({ ILETIMERKEZI_BASE_URL: value });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
  throw new Error(`expected ${value} to be refused`);
}

describe('ILETIMERKEZI_BASE_URL refusals', () => {
  it.each([
    [`http://user:${SECRET}@example.com/v1`, `${HTTPS} ${PLAIN}`],
    [`ftp://user:${SECRET}@127.0.0.1/v1`, `${HTTPS} ${PLAIN}`],
    [`https://user:${SECRET}@api.iletimerkezi.com/v1`, PLAIN],
    [`https://${SECRET}@api.iletimerkezi.com/v1`, PLAIN],
    [`http://user:${SECRET}@127.0.0.1:8080/v1`, PLAIN],
    [`https://api.iletimerkezi.com/v1?token=${SECRET}`, PLAIN],
    [`https://api.iletimerkezi.com/v1#${SECRET}`, PLAIN],
    [`http://${SECRET}.example.com/v1`, HTTPS],
    [`https://user:${SECRET}@exa mple.com/v1`, NOT_A_URL],
    [`http://[${SECRET}@host/v1`, `${HTTPS} ${PLAIN}`],
    [`http://user:${SECRET}@[host/v1`, NOT_A_URL],
    [`${SECRET}@api.iletimerkezi.com`, NOT_A_URL],
    [`https://user:${SECRET}@:443`, NOT_A_URL],
  ])('%s: every problem is named and the value is never repeated', (value, expected) => {
    const message = refusal(value);
    expect(message).toBe(expected);
    expect(message).not.toContain(SECRET);
  });

  it.each(['http://127.0.0.1:8080/v1?', 'http://127.0.0.1:8080/v1#', 'https://api.iletimerkezi.com/v1?#', 'https://api.iletimerkezi.com/?', 'https://api.iletimerkezi.com#'])(
    '%s: a bare ? or # is refused like a query or fragment, as each endpoint path would land after it',
    (value) => {
      expect(refusal(value)).toBe(PLAIN);
    },
  );

  it('no refused URL repeats any part of its value', () => {
    const secret = fc.stringMatching(/^[A-Za-z0-9]{6,16}$/).map((text) => `Zq${text}`);
    const TEMPLATES = [
      (s: string) => `http://user:${s}@example.com/v1`,
      (s: string) => `https://${s}:${s}@api.iletimerkezi.com/v1`,
      (s: string) => `https://api.iletimerkezi.com/v1?key=${s}`,
      (s: string) => `https://api.iletimerkezi.com/${s}#${s}`,
      (s: string) => `http://${s}.example.com/v1`,
      (s: string) => `https://user:${s}@exa mple.com/v1`,
      (s: string) => `${s}:${s}@@`,
    ];
    fc.assert(
      fc.property(secret, fc.constantFrom(...TEMPLATES), (value, template) => {
        expect(refusal(template(value))).not.toContain(value);
      }),
    );
  });

  it('the built server refuses a base URL that ends in a bare ? at start-up', async () => {
    const exit = await runToExit({ ILETIMERKEZI_API_KEY: 'key', ILETIMERKEZI_API_HASH: 'hash', ILETIMERKEZI_BASE_URL: 'http://127.0.0.1:9/v1?' }, ['--check']);
    expect(exit.code).toBe(2);
    expect(exit.stderr).toBe(`iletimerkezi-mcp: ${PLAIN}\n`);
    expect(exit.stdout.toString()).toBe('');
  });

  it('the built server refuses at start-up without printing the password', async () => {
    const exit = await runToExit({ ILETIMERKEZI_BASE_URL: `https://user:${SECRET}@exa mple.com/v1` });
    expect(exit.code).not.toBe(0);
    expect(exit.stderr).toContain('ILETIMERKEZI_BASE_URL is not a URL');
    expect(exit.stderr).not.toContain(SECRET);
    expect(exit.stdout.toString()).not.toContain(SECRET);
  });
});
