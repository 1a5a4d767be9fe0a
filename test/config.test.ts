import { describe, expect, it } from 'vitest';
import { DEFAULT_BASE_URL, loadConfig } from '../src/config.js';
import { ConfigurationError } from '../src/errors.js';

function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigurationError');
}

const HTTP_DEFAULTS = {
  host: '127.0.0.1',
  port: 8787,
  allowedHosts: [],
  allowedOrigins: [],
  token: undefined,
  redisUrl: undefined,
  cursorSecret: undefined,
  oauth: undefined,
  trustedProxies: [],
};

describe('loadConfig', () => {
  it('has the documented defaults and no credentials', () => {
    expect(loadConfig({})).toEqual({
      credentials: undefined,
      loneCredential: undefined,
      credentialSource: 'environment',
      baseUrl: DEFAULT_BASE_URL,
      timeoutMs: 10_000,
      callTimeoutMs: 120_000,
      concurrency: 6,
      maxRangeDays: 366,
      maxReportOrders: 500,
      demo: false,
      debug: false,
      http: HTTP_DEFAULTS,
    });
  });

  it('reads every setting', () => {
    expect(
      loadConfig({
        ILETIMERKEZI_API_KEY: ' key ',
        ILETIMERKEZI_API_HASH: 'hash',
        ILETIMERKEZI_BASE_URL: 'http://127.0.0.1:8080/v1/',
        ILETIMERKEZI_TIMEOUT_MS: '2500',
        ILETIMERKEZI_CALL_TIMEOUT_MS: '30000',
        ILETIMERKEZI_CONCURRENCY: '8',
        ILETIMERKEZI_MAX_RANGE_DAYS: '31',
        ILETIMERKEZI_MAX_REPORT_ORDERS: '40',
        ILETIMERKEZI_DEMO: '1',
        ILETIMERKEZI_DEBUG: 'true',
        ILETIMERKEZI_FROM_BUNDLE: '1',
      }),
    ).toEqual({
      credentials: { key: 'key', hash: 'hash' },
      loneCredential: undefined,
      credentialSource: 'bundle',
      baseUrl: 'http://127.0.0.1:8080/v1',
      timeoutMs: 2500,
      callTimeoutMs: 30_000,
      concurrency: 8,
      maxRangeDays: 31,
      maxReportOrders: 40,
      demo: true,
      debug: true,
      http: HTTP_DEFAULTS,
    });
  });

  it('reads the HTTP settings, and requires a cursor secret with Redis', () => {
    const http = {
      ILETIMERKEZI_HTTP_HOST: '0.0.0.0',
      ILETIMERKEZI_HTTP_PORT: '9000',
      ILETIMERKEZI_HTTP_ALLOWED_HOSTS: 'MCP.example.com, mcp.internal:9000',
      ILETIMERKEZI_HTTP_ALLOWED_ORIGINS: 'https://app.example.com',
      ILETIMERKEZI_HTTP_TOKEN: 'token-0123456789abcdef',
      ILETIMERKEZI_REDIS_URL: 'redis://:password@redis:6379/0',
      ILETIMERKEZI_CURSOR_SECRET: 'c'.repeat(32),
    };
    expect(loadConfig(http).http).toEqual({
      host: '0.0.0.0',
      port: 9000,
      allowedHosts: ['mcp.example.com', 'mcp.internal:9000'],
      allowedOrigins: ['https://app.example.com'],
      token: 'token-0123456789abcdef',
      redisUrl: 'redis://:password@redis:6379/0',
      cursorSecret: 'c'.repeat(32),
      oauth: undefined,
      trustedProxies: [],
    });
    expect(() => loadConfig({ ...http, ILETIMERKEZI_CURSOR_SECRET: '' })).toThrow(/ILETIMERKEZI_CURSOR_SECRET/);
    expect(() => loadConfig({ ...http, ILETIMERKEZI_HTTP_TOKEN: 'short' })).toThrow(/at least 16 characters/);
    expect(() => loadConfig({ ...http, ILETIMERKEZI_REDIS_URL: 'http://redis:6379' })).toThrow(/redis:\/\//);
    expect(() => loadConfig({ ...http, ILETIMERKEZI_HTTP_ALLOWED_ORIGINS: 'app.example.com' })).toThrow(/not an origin/);
    expect(() => loadConfig({ ...http, ILETIMERKEZI_HTTP_PORT: '70000' })).toThrow(/ILETIMERKEZI_HTTP_PORT/);
    // Secrets are never quoted back.
    expect(() => loadConfig({ ...http, ILETIMERKEZI_HTTP_TOKEN: 'short' })).not.toThrow(/short/);
  });

  it('reads the sign-in settings: a long secret, the public origin (https, or http on loopback), trusted proxy addresses', () => {
    const oauth = { ILETIMERKEZI_OAUTH_SECRET: 'o'.repeat(32), ILETIMERKEZI_PUBLIC_URL: 'https://SMS-mcp.example.com/', ILETIMERKEZI_TRUSTED_PROXIES: '10.0.0.5, ::1' };
    expect(loadConfig(oauth).http).toMatchObject({ oauth: { secret: 'o'.repeat(32), publicUrl: 'https://sms-mcp.example.com' }, trustedProxies: ['10.0.0.5', '::1'] });
    expect(loadConfig({ ...oauth, ILETIMERKEZI_PUBLIC_URL: 'http://127.0.0.1:8787' }).http.oauth?.publicUrl).toBe('http://127.0.0.1:8787');
    expect(() => loadConfig({ ...oauth, ILETIMERKEZI_PUBLIC_URL: 'http://sms-mcp.example.com' })).toThrow(/plain http only for loopback hosts/);
    expect(() => loadConfig({ ...oauth, ILETIMERKEZI_PUBLIC_URL: 'https://sms-mcp.example.com/mcp' })).toThrow(/with no path/);
    expect(() => loadConfig({ ...oauth, ILETIMERKEZI_PUBLIC_URL: '' })).toThrow(/ILETIMERKEZI_PUBLIC_URL is not/);
    expect(() => loadConfig({ ...oauth, ILETIMERKEZI_OAUTH_SECRET: 'short-oauth' })).toThrow(/at least 32 characters/);
    expect(() => loadConfig({ ...oauth, ILETIMERKEZI_OAUTH_SECRET: 'short-oauth' })).not.toThrow(/short-oauth/);
    expect(() => loadConfig({ ...oauth, ILETIMERKEZI_TRUSTED_PROXIES: 'proxy.internal' })).toThrow(/is not an IP address/);
    expect(loadConfig({ ILETIMERKEZI_PUBLIC_URL: 'https://sms-mcp.example.com' }).http.oauth).toBeUndefined();
  });

  it('needs both credentials, and says which one is set when the other is not', () => {
    expect(loadConfig({ ILETIMERKEZI_API_KEY: 'key' })).toMatchObject({ credentials: undefined, loneCredential: 'key' });
    expect(loadConfig({ ILETIMERKEZI_API_KEY: 'key', ILETIMERKEZI_API_HASH: '  ' })).toMatchObject({ credentials: undefined, loneCredential: 'key' });
    expect(loadConfig({ ILETIMERKEZI_API_HASH: 'hash' })).toMatchObject({ credentials: undefined, loneCredential: 'hash' });
    expect(loadConfig({ ILETIMERKEZI_API_KEY: '', ILETIMERKEZI_API_HASH: '' })).toMatchObject({ credentials: undefined, loneCredential: undefined });
  });

  it('names the variable of a malformed setting', () => {
    expect(refusal({ ILETIMERKEZI_TIMEOUT_MS: 'abc' })).toBe(
      'ILETIMERKEZI_TIMEOUT_MS must be a whole number of milliseconds from 100 to 120000, but it is "abc".',
    );
    expect(refusal({ ILETIMERKEZI_CONCURRENCY: '0' })).toContain('ILETIMERKEZI_CONCURRENCY must be a whole number of requests from 1 to 16');
    expect(refusal({ ILETIMERKEZI_MAX_RANGE_DAYS: '1.5' })).toContain('ILETIMERKEZI_MAX_RANGE_DAYS');
    expect(refusal({ ILETIMERKEZI_MAX_REPORT_ORDERS: '0' })).toBe(
      'ILETIMERKEZI_MAX_REPORT_ORDERS must be a whole number of orders from 1 to 10000, but it is "0".',
    );
    expect(refusal({ ILETIMERKEZI_DEMO: 'maybe' })).toBe('ILETIMERKEZI_DEMO must be 1 or 0, but it is "maybe".');
    expect(refusal({ ILETIMERKEZI_BASE_URL: 'not a url' })).toContain('ILETIMERKEZI_BASE_URL is not a URL');
  });

  it('allows plain http only for loopback hosts', () => {
    expect(refusal({ ILETIMERKEZI_BASE_URL: 'http://api.iletimerkezi.com/v1' })).toContain(
      'ILETIMERKEZI_BASE_URL must use https:// (plain http is allowed only for loopback hosts)',
    );
    expect(refusal({ ILETIMERKEZI_BASE_URL: 'ftp://127.0.0.1/v1' })).toContain('must use https://');
    expect(refusal({ ILETIMERKEZI_BASE_URL: 'https://user:pw@api.iletimerkezi.com/v1' })).toContain('no user, password');
    expect(loadConfig({ ILETIMERKEZI_BASE_URL: 'http://localhost:3000' }).baseUrl).toBe('http://localhost:3000');
    expect(loadConfig({ ILETIMERKEZI_BASE_URL: 'http://[::1]:3000/v1' }).baseUrl).toBe('http://[::1]:3000/v1');
  });
});
