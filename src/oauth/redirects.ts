import { isIP } from 'node:net';

/** Hosts a native client listens on (RFC 8252): redirects to them may use http. */
const LOOPBACK_REDIRECT_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** Why a redirect URI cannot be registered, or undefined when it can: https, or http on a loopback host, with no fragment. */
export function redirectProblem(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `${JSON.stringify(uri.slice(0, 200))} is not a URL`;
  }
  if (url.hash || uri.includes('#')) return 'a redirect URI may not carry a fragment';
  if (url.protocol === 'https:') return undefined;
  if (url.protocol === 'http:' && LOOPBACK_REDIRECT_HOSTS.has(url.hostname)) return undefined;
  return 'redirect URIs must use https, or http on a loopback host (127.0.0.1, [::1], localhost)';
}

/**
 * Whether `requested` is one of the client's redirect URIs: exactly, except that a loopback IP
 * literal matches on any port (RFC 8252 §7.3), since a native client picks its port when it runs.
 */
export function redirectMatches(requested: string, registered: readonly string[]): boolean {
  if (registered.includes(requested)) return true;
  let asked: URL;
  try {
    asked = new URL(requested);
  } catch {
    return false;
  }
  if (asked.protocol !== 'http:' || !isIP(asked.hostname.replace(/^\[|\]$/g, ''))) return false;
  return registered.some((uri) => {
    const known = new URL(uri);
    return (
      known.protocol === 'http:' &&
      known.hostname === asked.hostname &&
      known.pathname === asked.pathname &&
      known.search === asked.search
    );
  });
}
