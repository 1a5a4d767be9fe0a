import type { IncomingMessage } from 'node:http';

const plain = (address: string) => address.trim().toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');

/**
 * The address a request comes from, as the sign-in and registration limits count it: the
 * socket's peer, or, when that peer is a trusted proxy, the nearest address in X-Forwarded-For
 * that is not one of the trusted proxies. A client can prepend anything to that header, so it
 * is read from the right, and only as far as trusted proxies vouch for it.
 */
export function clientAddress(request: IncomingMessage, trustedProxies: readonly string[]): string {
  const peer = plain(request.socket.remoteAddress ?? '');
  const trusted = new Set(trustedProxies.map(plain));
  if (!trusted.has(peer)) return peer;
  const forwarded = (request.headersDistinct['x-forwarded-for'] ?? []).flatMap((value) => value.split(',')).map(plain).filter(Boolean);
  for (let index = forwarded.length - 1; index >= 0; index -= 1) {
    const hop = forwarded[index] as string;
    if (!trusted.has(hop)) return hop;
  }
  return forwarded[0] ?? peer;
}
