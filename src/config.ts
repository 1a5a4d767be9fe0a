import { isIP } from 'node:net';
import * as z from 'zod';
import type { Credentials } from './api/client.js';
import { API_ACCESS_PAGE, type ConfiguredSource, type LoneCredential } from './api/panel.js';

export type { Credentials } from './api/client.js';
import { ConfigurationError } from './errors.js';
import { isLoopbackAddress } from './loopback.js';

export const DEFAULT_BASE_URL = 'https://api.iletimerkezi.com/v1';
export const DEFAULT_CALL_TIMEOUT_MS = 120_000;
export const DEFAULT_MAX_REPORT_ORDERS = 500;

/** Every setting the server reads, documented once: `--help` prints this table. */
export const ENVIRONMENT = [
  { name: 'ILETIMERKEZI_API_KEY', fallback: '(none)', about: `API key from the panel: ${API_ACCESS_PAGE}.` },
  { name: 'ILETIMERKEZI_API_HASH', fallback: '(none)', about: 'API hash from the same panel page.' },
  { name: 'ILETIMERKEZI_BASE_URL', fallback: DEFAULT_BASE_URL, about: 'API base URL; https only, except loopback hosts.' },
  { name: 'ILETIMERKEZI_TIMEOUT_MS', fallback: '10000', about: 'Timeout of one HTTP attempt, in milliseconds.' },
  { name: 'ILETIMERKEZI_CALL_TIMEOUT_MS', fallback: String(DEFAULT_CALL_TIMEOUT_MS), about: 'Overall deadline of one tool call, in milliseconds.' },
  { name: 'ILETIMERKEZI_CONCURRENCY', fallback: '6', about: 'Upstream requests in flight at once per account, shared by its tool calls (1-16).' },
  { name: 'ILETIMERKEZI_MAX_RANGE_DAYS', fallback: '366', about: 'Longest date range a tool accepts, in days.' },
  {
    name: 'ILETIMERKEZI_MAX_REPORT_ORDERS',
    fallback: String(DEFAULT_MAX_REPORT_ORDERS),
    about: 'Most orders whose recipients one tool call may read (1-10000).',
  },
  {
    name: 'ILETIMERKEZI_TOOLS',
    fallback: 'all',
    about: 'Comma-separated tools or groups to serve (reports, recipients, inbox, account), e.g. reports,read_balance (same as --tools).',
  },
  { name: 'ILETIMERKEZI_DEMO', fallback: '0', about: 'Set to 1 to serve the built-in offline demo account (same as --demo).' },
  { name: 'ILETIMERKEZI_DEBUG', fallback: '0', about: 'Set to 1 to log one line per upstream request to stderr (never credentials).' },
  {
    name: 'ILETIMERKEZI_FROM_BUNDLE',
    fallback: '0',
    about: "Set to 1 by the Claude Desktop extension (.mcpb), so that credential advice points to the extension's settings.",
  },
  { name: 'ILETIMERKEZI_HTTP_HOST', fallback: '127.0.0.1', about: 'With --http: the address to listen on.' },
  { name: 'ILETIMERKEZI_HTTP_PORT', fallback: '8787', about: 'With --http: the port to listen on (0 picks a free one).' },
  { name: 'ILETIMERKEZI_HTTP_ALLOWED_HOSTS', fallback: '(none)', about: 'With --http: comma-separated Host names accepted; required on a non-loopback bind.' },
  { name: 'ILETIMERKEZI_HTTP_ALLOWED_ORIGINS', fallback: '(none)', about: 'With --http: comma-separated browser origins accepted (https://app.example.com).' },
  { name: 'ILETIMERKEZI_HTTP_TOKEN', fallback: '(none)', about: 'With --http: bearer token every request must present; required when the server holds credentials.' },
  { name: 'ILETIMERKEZI_REDIS_URL', fallback: '(none)', about: 'With --http: redis:// or rediss:// URL; cursors, cached windows and recipients are then shared by replicas.' },
  { name: 'ILETIMERKEZI_CURSOR_SECRET', fallback: '(random per process)', about: 'Key that signs cursors, shared by replicas (at least 32 characters); required with Redis.' },
  {
    name: 'ILETIMERKEZI_OAUTH_SECRET',
    fallback: '(none)',
    about: 'With --http: turns on OAuth sign-in (each user signs in with their key and hash); encrypts what it stores (at least 32 characters).',
  },
  { name: 'ILETIMERKEZI_PUBLIC_URL', fallback: '(none)', about: 'With the OAuth secret: the origin clients reach, e.g. https://sms-mcp.example.com (no path).' },
  { name: 'ILETIMERKEZI_TRUSTED_PROXIES', fallback: '(none)', about: 'With --http: comma-separated proxy addresses whose X-Forwarded-For names the client.' },
] as const;

export type EnvironmentVariable = (typeof ENVIRONMENT)[number]['name'];

export interface Config {
  credentials: Credentials | undefined;
  /** The one credential set when the other is missing, so that messages can name the missing one. */
  loneCredential: LoneCredential | undefined;
  /** Where the user sets the credentials: the environment, or the Claude Desktop extension's settings. */
  credentialSource: ConfiguredSource;
  baseUrl: string;
  timeoutMs: number;
  callTimeoutMs: number;
  concurrency: number;
  maxRangeDays: number;
  maxReportOrders: number;
  /** The tools and groups ILETIMERKEZI_TOOLS names, as written; checked against the tools at start-up (selectTools). */
  tools: string | undefined;
  demo: boolean;
  debug: boolean;
  http: HttpConfig;
}

export interface HttpConfig {
  host: string;
  port: number;
  /** Lower-case host names, each optionally with `:port`. */
  allowedHosts: string[];
  /** Lower-case origins, `scheme://host[:port]`. */
  allowedOrigins: string[];
  token: string | undefined;
  redisUrl: string | undefined;
  cursorSecret: string | undefined;
  /** Each user signs in (ILETIMERKEZI_OAUTH_SECRET); undefined in the other modes. */
  oauth: OAuthConfig | undefined;
  /** Addresses of the proxies whose X-Forwarded-For is believed. */
  trustedProxies: string[];
}

export interface OAuthConfig {
  secret: string;
  /** The origin clients reach, `scheme://host[:port]`, no trailing slash. */
  publicUrl: string;
}


function wholeNumber(name: EnvironmentVariable, min: number, max: number, fallback: number, unit: string) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.trim() === '') return fallback;
      const value = /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
      if (!Number.isSafeInteger(value) || value < min || value > max) {
        ctx.addIssue({
          code: 'custom',
          message: `${name} must be a whole number of ${unit} from ${min} to ${max}, but it is ${JSON.stringify(raw)}.`,
        });
        return z.NEVER;
      }
      return value;
    });
}

function flag(name: EnvironmentVariable) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const value = (raw ?? '').trim().toLowerCase();
      if (['', '0', 'false', 'no', 'off'].includes(value)) return false;
      if (['1', 'true', 'yes', 'on'].includes(value)) return true;
      ctx.addIssue({ code: 'custom', message: `${name} must be 1 or 0, but it is ${JSON.stringify(raw)}.` });
      return z.NEVER;
    });
}

/**
 * What is wrong with a base URL, if anything. The value itself is never repeated, not even in
 * part: it may carry a password or a token, and start-up messages end up in client logs.
 */
function baseUrlProblems(url: URL): string[] {
  const problems: string[] = [];
  const loopback = isLoopbackAddress(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    problems.push(
      'ILETIMERKEZI_BASE_URL must use https:// (plain http is allowed only for loopback hosts), ' +
        'so the API key and hash never travel in clear text.',
    );
  }
  // A bare `?` or `#` counts too: the href keeps it, and each endpoint path would land after it.
  if (url.username || url.password || /[?#]/.test(url.href)) {
    problems.push('ILETIMERKEZI_BASE_URL must be a plain base URL with no user, password, query or fragment.');
  }
  return problems;
}

const baseUrl = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    let url: URL;
    try {
      url = new URL(raw?.trim() || DEFAULT_BASE_URL);
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: `ILETIMERKEZI_BASE_URL is not a URL; it should look like ${DEFAULT_BASE_URL} (the value is not repeated here, as it may hold a secret).`,
      });
      return z.NEVER;
    }
    const problems = baseUrlProblems(url);
    for (const message of problems) ctx.addIssue({ code: 'custom', message });
    return problems.length > 0 ? z.NEVER : url.href.replace(/\/+$/, '');
  });

function list(name: EnvironmentVariable, check: (item: string) => string | undefined) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const items = (raw ?? '').split(',').map((item) => item.trim().toLowerCase()).filter((item) => item.length > 0);
      for (const item of items) {
        const problem = check(item);
        if (problem) {
          ctx.addIssue({ code: 'custom', message: `${name} has ${JSON.stringify(item)}, which ${problem}.` });
          return z.NEVER;
        }
      }
      return items;
    });
}

const hostEntry = (item: string) => (/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/.test(item) ? undefined : 'is not a host name with an optional :port');
const originEntry = (item: string) => {
  try {
    const url = new URL(item);
    return url.origin === item && (url.protocol === 'https:' || url.protocol === 'http:') ? undefined : 'is not an origin like https://app.example.com';
  } catch {
    return 'is not an origin like https://app.example.com';
  }
};

function secret(name: EnvironmentVariable, minLength: number) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw.length === 0) return undefined;
      // The value is never quoted back: it is a secret.
      if (raw.trim().length < minLength) {
        ctx.addIssue({ code: 'custom', message: `${name} must be at least ${minLength} characters long.` });
        return z.NEVER;
      }
      return raw.trim();
    });
}

/** The origin clients reach: https, or http on a loopback host; nothing after the host and port. */
const publicUrl = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (!raw?.trim()) return undefined;
    let url: URL | undefined;
    try {
      url = new URL(raw.trim());
    } catch {
      // Reported below.
    }
    const secure = url && (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackAddress(url.hostname)));
    const bare = url && url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password && !/[?#]/.test(raw);
    if (!url || !secure || !bare) {
      ctx.addIssue({
        code: 'custom',
        message:
          'ILETIMERKEZI_PUBLIC_URL must be the origin clients reach, with no path, such as https://sms-mcp.example.com ' +
          '(plain http only for loopback hosts).',
      });
      return z.NEVER;
    }
    return url.origin;
  });

const addressEntry = (item: string) => (isIP(item) ? undefined : 'is not an IP address');

const redisUrl = z
  .string()
  .optional()
  .transform((raw, ctx) => {
    if (!raw?.trim()) return undefined;
    let protocol = '';
    try {
      protocol = new URL(raw.trim()).protocol;
    } catch {
      // Reported below, without the value: it may carry a password.
    }
    if (protocol !== 'redis:' && protocol !== 'rediss:') {
      ctx.addIssue({ code: 'custom', message: 'ILETIMERKEZI_REDIS_URL must be a redis:// or rediss:// URL.' });
      return z.NEVER;
    }
    return raw.trim();
  });

const environmentSchema = z.object({
  ILETIMERKEZI_API_KEY: z.string().optional(),
  ILETIMERKEZI_API_HASH: z.string().optional(),
  ILETIMERKEZI_BASE_URL: baseUrl,
  ILETIMERKEZI_TIMEOUT_MS: wholeNumber('ILETIMERKEZI_TIMEOUT_MS', 100, 120_000, 10_000, 'milliseconds'),
  ILETIMERKEZI_CALL_TIMEOUT_MS: wholeNumber('ILETIMERKEZI_CALL_TIMEOUT_MS', 1_000, 3_600_000, DEFAULT_CALL_TIMEOUT_MS, 'milliseconds'),
  ILETIMERKEZI_CONCURRENCY: wholeNumber('ILETIMERKEZI_CONCURRENCY', 1, 16, 6, 'requests'),
  ILETIMERKEZI_MAX_RANGE_DAYS: wholeNumber('ILETIMERKEZI_MAX_RANGE_DAYS', 1, 3660, 366, 'days'),
  ILETIMERKEZI_MAX_REPORT_ORDERS: wholeNumber('ILETIMERKEZI_MAX_REPORT_ORDERS', 1, 10_000, DEFAULT_MAX_REPORT_ORDERS, 'orders'),
  ILETIMERKEZI_TOOLS: z.string().optional(),
  ILETIMERKEZI_DEMO: flag('ILETIMERKEZI_DEMO'),
  ILETIMERKEZI_DEBUG: flag('ILETIMERKEZI_DEBUG'),
  ILETIMERKEZI_FROM_BUNDLE: flag('ILETIMERKEZI_FROM_BUNDLE'),
  ILETIMERKEZI_HTTP_HOST: z
    .string()
    .optional()
    .transform((raw) => raw?.trim() || '127.0.0.1'),
  ILETIMERKEZI_HTTP_PORT: wholeNumber('ILETIMERKEZI_HTTP_PORT', 0, 65_535, 8787, 'port'),
  ILETIMERKEZI_HTTP_ALLOWED_HOSTS: list('ILETIMERKEZI_HTTP_ALLOWED_HOSTS', hostEntry),
  ILETIMERKEZI_HTTP_ALLOWED_ORIGINS: list('ILETIMERKEZI_HTTP_ALLOWED_ORIGINS', originEntry),
  ILETIMERKEZI_HTTP_TOKEN: secret('ILETIMERKEZI_HTTP_TOKEN', 16),
  ILETIMERKEZI_REDIS_URL: redisUrl,
  ILETIMERKEZI_CURSOR_SECRET: secret('ILETIMERKEZI_CURSOR_SECRET', 32),
  ILETIMERKEZI_OAUTH_SECRET: secret('ILETIMERKEZI_OAUTH_SECRET', 32),
  ILETIMERKEZI_PUBLIC_URL: publicUrl,
  ILETIMERKEZI_TRUSTED_PROXIES: list('ILETIMERKEZI_TRUSTED_PROXIES', addressEntry),
} satisfies Record<EnvironmentVariable, z.ZodType>);

/** Reads the settings; a malformed one is a ConfigurationError that names the variable. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigurationError(parsed.error.issues.map((issue) => issue.message).join(' '));
  }
  const settings = parsed.data;
  if (settings.ILETIMERKEZI_REDIS_URL && !settings.ILETIMERKEZI_CURSOR_SECRET) {
    throw new ConfigurationError(
      'ILETIMERKEZI_REDIS_URL is set but ILETIMERKEZI_CURSOR_SECRET is not: replicas that share Redis must sign cursors with ' +
        'one shared secret of at least 32 characters (for example the output of `openssl rand -hex 32`).',
    );
  }
  const oauthSecret = settings.ILETIMERKEZI_OAUTH_SECRET;
  const publicOrigin = settings.ILETIMERKEZI_PUBLIC_URL;
  if (oauthSecret && !publicOrigin) {
    throw new ConfigurationError(
      'ILETIMERKEZI_OAUTH_SECRET is set but ILETIMERKEZI_PUBLIC_URL is not: OAuth needs the origin clients reach, ' +
        'such as https://sms-mcp.example.com, to name its issuer and resource.',
    );
  }
  const key = settings.ILETIMERKEZI_API_KEY?.trim();
  const hash = settings.ILETIMERKEZI_API_HASH?.trim();
  return {
    credentials: key && hash ? { key, hash } : undefined,
    loneCredential: key && !hash ? 'key' : hash && !key ? 'hash' : undefined,
    credentialSource: settings.ILETIMERKEZI_FROM_BUNDLE ? 'bundle' : 'environment',
    baseUrl: settings.ILETIMERKEZI_BASE_URL,
    timeoutMs: settings.ILETIMERKEZI_TIMEOUT_MS,
    callTimeoutMs: settings.ILETIMERKEZI_CALL_TIMEOUT_MS,
    concurrency: settings.ILETIMERKEZI_CONCURRENCY,
    maxRangeDays: settings.ILETIMERKEZI_MAX_RANGE_DAYS,
    maxReportOrders: settings.ILETIMERKEZI_MAX_REPORT_ORDERS,
    tools: settings.ILETIMERKEZI_TOOLS,
    demo: settings.ILETIMERKEZI_DEMO,
    debug: settings.ILETIMERKEZI_DEBUG,
    http: {
      host: settings.ILETIMERKEZI_HTTP_HOST,
      port: settings.ILETIMERKEZI_HTTP_PORT,
      allowedHosts: settings.ILETIMERKEZI_HTTP_ALLOWED_HOSTS,
      allowedOrigins: settings.ILETIMERKEZI_HTTP_ALLOWED_ORIGINS,
      token: settings.ILETIMERKEZI_HTTP_TOKEN,
      redisUrl: settings.ILETIMERKEZI_REDIS_URL,
      cursorSecret: settings.ILETIMERKEZI_CURSOR_SECRET,
      oauth: oauthSecret && publicOrigin ? { secret: oauthSecret, publicUrl: publicOrigin } : undefined,
      trustedProxies: settings.ILETIMERKEZI_TRUSTED_PROXIES,
    },
  };
}
