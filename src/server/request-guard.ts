import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LOOPBACK_NAMES } from '../loopback.js';
import { ACCOUNT_HEADERS } from './admission.js';
import { TOOLSET_HEADER } from './toolset-header.js';

/**
 * DNS-rebinding protection and the bearer token, checked before the SDK transport sees a
 * request. The transport's own allowedHosts compares `host:port` exactly; here a listed name
 * without a port accepts any port, as the loopback names do.
 */

export interface GuardSettings {
  loopback: boolean;
  allowedHosts: readonly string[];
  allowedOrigins: readonly string[];
}

/** `name` and `name:port` of a Host header or an origin's host; undefined when it is not one. */
function hostParts(value: string): { name: string; withPort: string } | undefined {
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/.exec(value.toLowerCase());
  if (!match?.[1]) return undefined;
  return { name: match[1], withPort: match[2] ? `${match[1]}:${match[2]}` : match[1] };
}

function hostAllowed(host: string, settings: GuardSettings): boolean {
  const parts = hostParts(host);
  if (!parts) return false;
  if (settings.loopback && LOOPBACK_NAMES.has(parts.name)) return true;
  return settings.allowedHosts.some((entry) => entry === parts.name || entry === parts.withPort);
}

function originAllowed(origin: string, settings: GuardSettings): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  if (settings.loopback && LOOPBACK_NAMES.has(url.hostname)) return true;
  return settings.allowedOrigins.includes(url.origin);
}

/** True when the request's Host is one this server answers. */
export function hostPasses(request: IncomingMessage, settings: GuardSettings): boolean {
  return request.headers.host !== undefined && hostAllowed(request.headers.host, settings);
}

/** True when the request's Host, and its Origin if it has one, are ones this server answers. */
export function passesRebindingCheck(request: IncomingMessage, settings: GuardSettings): boolean {
  const { host, origin } = request.headers;
  if (!host || !hostAllowed(host, settings)) return false;
  // Clients that are not browsers send no Origin; a browser always does, even `null`.
  return origin === undefined || originAllowed(origin, settings);
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Compares the bearer token in constant time: both sides are hashed first, so their lengths match. */
export function bearerMatches(request: IncomingMessage, token: string): boolean {
  const header = request.headers.authorization ?? '';
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return timingSafeEqual(digest(match?.[1] ?? ''), digest(token)) && match !== null;
}

/**
 * Headers that carry one value. Node joins a repeated one into "first, second" (the account
 * headers) or keeps only the first (Host, Authorization), so a request that repeats one is
 * refused rather than read as a credential nobody sent.
 */
const SINGLE_VALUED = ['Host', 'Authorization', ACCOUNT_HEADERS.key, ACCOUNT_HEADERS.hash, TOOLSET_HEADER];

/** The first single-valued header the request carries more than once, as its name is usually spelled. */
export function repeatedHeader(request: IncomingMessage): string | undefined {
  return SINGLE_VALUED.find((name) => (request.headersDistinct[name.toLowerCase()]?.length ?? 0) > 1);
}
