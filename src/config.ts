import * as z from 'zod';
import type { Credentials } from './api/client.js';

export type { Credentials } from './api/client.js';
import { ConfigurationError } from './errors.js';

export const DEFAULT_BASE_URL = 'https://api.iletimerkezi.com/v1';
export const DEFAULT_CALL_TIMEOUT_MS = 120_000;
export const DEFAULT_MAX_REPORT_ORDERS = 500;

/** Every setting the server reads, documented once: `--help` prints this table. */
export const ENVIRONMENT = [
  { name: 'ILETIMERKEZI_API_KEY', fallback: '(none)', about: 'API key from the panel: Settings → Security → API Access.' },
  { name: 'ILETIMERKEZI_API_HASH', fallback: '(none)', about: 'API hash from the same panel page.' },
  { name: 'ILETIMERKEZI_BASE_URL', fallback: DEFAULT_BASE_URL, about: 'API base URL; https only, except loopback hosts.' },
  { name: 'ILETIMERKEZI_TIMEOUT_MS', fallback: '10000', about: 'Timeout of one HTTP attempt, in milliseconds.' },
  { name: 'ILETIMERKEZI_CALL_TIMEOUT_MS', fallback: String(DEFAULT_CALL_TIMEOUT_MS), about: 'Overall deadline of one tool call, in milliseconds.' },
  { name: 'ILETIMERKEZI_CONCURRENCY', fallback: '6', about: 'Upstream requests in flight at once, shared by all tool calls (1-16).' },
  { name: 'ILETIMERKEZI_MAX_RANGE_DAYS', fallback: '366', about: 'Longest date range a tool accepts, in days.' },
  {
    name: 'ILETIMERKEZI_MAX_REPORT_ORDERS',
    fallback: String(DEFAULT_MAX_REPORT_ORDERS),
    about: 'Most orders whose recipients one tool call may read (1-10000).',
  },
  { name: 'ILETIMERKEZI_DEMO', fallback: '0', about: 'Set to 1 to serve the built-in offline demo account (same as --demo).' },
  { name: 'ILETIMERKEZI_DEBUG', fallback: '0', about: 'Set to 1 to log one line per upstream request to stderr (never credentials).' },
] as const;

export type EnvironmentVariable = (typeof ENVIRONMENT)[number]['name'];

export interface Config {
  credentials: Credentials | undefined;
  baseUrl: string;
  timeoutMs: number;
  callTimeoutMs: number;
  concurrency: number;
  maxRangeDays: number;
  maxReportOrders: number;
  demo: boolean;
  debug: boolean;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

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
  const loopback = LOOPBACK_HOSTS.has(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    problems.push(
      'ILETIMERKEZI_BASE_URL must use https:// (plain http is allowed only for loopback hosts), ' +
        'so the API key and hash never travel in clear text.',
    );
  }
  if (url.username || url.password || url.search || url.hash) {
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

const environmentSchema = z.object({
  ILETIMERKEZI_API_KEY: z.string().optional(),
  ILETIMERKEZI_API_HASH: z.string().optional(),
  ILETIMERKEZI_BASE_URL: baseUrl,
  ILETIMERKEZI_TIMEOUT_MS: wholeNumber('ILETIMERKEZI_TIMEOUT_MS', 100, 120_000, 10_000, 'milliseconds'),
  ILETIMERKEZI_CALL_TIMEOUT_MS: wholeNumber('ILETIMERKEZI_CALL_TIMEOUT_MS', 1_000, 3_600_000, DEFAULT_CALL_TIMEOUT_MS, 'milliseconds'),
  ILETIMERKEZI_CONCURRENCY: wholeNumber('ILETIMERKEZI_CONCURRENCY', 1, 16, 6, 'requests'),
  ILETIMERKEZI_MAX_RANGE_DAYS: wholeNumber('ILETIMERKEZI_MAX_RANGE_DAYS', 1, 3660, 366, 'days'),
  ILETIMERKEZI_MAX_REPORT_ORDERS: wholeNumber('ILETIMERKEZI_MAX_REPORT_ORDERS', 1, 10_000, DEFAULT_MAX_REPORT_ORDERS, 'orders'),
  ILETIMERKEZI_DEMO: flag('ILETIMERKEZI_DEMO'),
  ILETIMERKEZI_DEBUG: flag('ILETIMERKEZI_DEBUG'),
} satisfies Record<EnvironmentVariable, z.ZodType>);

/** Reads the settings; a malformed one is a ConfigurationError that names the variable. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigurationError(parsed.error.issues.map((issue) => issue.message).join(' '));
  }
  const settings = parsed.data;
  const key = settings.ILETIMERKEZI_API_KEY?.trim();
  const hash = settings.ILETIMERKEZI_API_HASH?.trim();
  return {
    credentials: key && hash ? { key, hash } : undefined,
    baseUrl: settings.ILETIMERKEZI_BASE_URL,
    timeoutMs: settings.ILETIMERKEZI_TIMEOUT_MS,
    callTimeoutMs: settings.ILETIMERKEZI_CALL_TIMEOUT_MS,
    concurrency: settings.ILETIMERKEZI_CONCURRENCY,
    maxRangeDays: settings.ILETIMERKEZI_MAX_RANGE_DAYS,
    maxReportOrders: settings.ILETIMERKEZI_MAX_REPORT_ORDERS,
    demo: settings.ILETIMERKEZI_DEMO,
    debug: settings.ILETIMERKEZI_DEBUG,
  };
}
