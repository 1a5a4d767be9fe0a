import { type LookupAddress, lookup as dnsLookup } from 'node:dns';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP } from 'node:net';
import type { LookupFunction } from 'node:net';
import { MAX_CLIENT_DOCUMENT_AGE_MS } from './stores.js';

/** Client ID Metadata Documents: a 2026 client's client_id is the https URL of its own metadata. */

const MAX_DOCUMENT_BYTES = 5 * 1024;
const FETCH_TIMEOUT_MS = 5_000;

/** Addresses a document is never fetched from: loopback, private, link-local, and the like. */
const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 3],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv6');
}
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** Whether a document may be fetched from `address`; loopback too when the server itself is bound to loopback. */
export function fetchableAddress(address: string, allowLoopback: boolean): boolean {
  // An IPv4-mapped IPv6 address is its IPv4 address. (A BlockList would match every IPv4 address against a ::ffff:0:0/96 rule.)
  const plain = address.toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  const family = isIP(plain) === 6 ? 'ipv6' : 'ipv4';
  if (allowLoopback && LOOPBACK.check(plain, family)) return true;
  return !PRIVATE.check(plain, family);
}

export interface ClientDocument {
  clientName: string;
  redirectUris: string[];
  /** When the cached copy must be fetched again (epoch ms). */
  freshUntil: number;
}

/** Whether a client_id names a metadata document: an https URL with a path, no fragment, no credentials. */
export function isDocumentUrl(clientId: string): boolean {
  try {
    const url = new URL(clientId);
    return url.protocol === 'https:' && url.pathname !== '/' && !url.hash && !url.username && !url.password;
  } catch {
    return false;
  }
}

/** How long the document may be cached, from its Cache-Control, never beyond a day. */
function freshFor(cacheControl: string | undefined): number {
  if (!cacheControl || /no-store|no-cache/i.test(cacheControl)) return 0;
  const maxAge = /max-age=(\d+)/i.exec(cacheControl)?.[1];
  return maxAge === undefined ? 0 : Math.min(Number(maxAge) * 1000, MAX_CLIENT_DOCUMENT_AGE_MS);
}

/**
 * Fetches and checks a client's metadata document: at most 5 KB within 5 seconds (`timeoutMs`), no redirect,
 * and only from an address `fetchableAddress` allows, checked on the address the connection
 * actually uses, so a name that resolves to a private address is refused however it resolves.
 */
export function fetchClientDocument(clientId: string, allowLoopback: boolean, now: number, timeoutMs = FETCH_TIMEOUT_MS): Promise<ClientDocument | string> {
  // Every address the name resolves to must be fetchable, whichever one the connection then tries.
  const lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { family: options.family, hints: options.hints, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      if (addresses.length === 0 || !addresses.every(({ address }) => fetchableAddress(address, allowLoopback))) {
        return callback(new Error('the client document\'s host resolves to a private address'), '', 0);
      }
      if (options.all) return (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, addresses);
      const [first] = addresses as [LookupAddress];
      callback(null, first.address, first.family);
    });
  };
  return new Promise((resolve) => {
    const request = httpsRequest(clientId, { method: 'GET', lookup, timeout: timeoutMs, headers: { accept: 'application/json' } }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        resolve(`the client's metadata document answered HTTP ${response.statusCode ?? '?'}`);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_DOCUMENT_BYTES) {
          request.destroy();
          resolve(`the client's metadata document is larger than ${MAX_DOCUMENT_BYTES} bytes`);
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => resolve(parseDocument(clientId, Buffer.concat(chunks).toString('utf8'), now + freshFor(response.headers['cache-control']))));
      response.on('error', () => resolve('the client\'s metadata document could not be read'));
    });
    const giveUp = () => {
      resolve(`the client's metadata document did not arrive within ${timeoutMs / 1000} seconds`);
      request.destroy();
    };
    const timer = setTimeout(giveUp, timeoutMs);
    request.once('close', () => clearTimeout(timer));
    request.on('timeout', giveUp);
    request.on('error', () => resolve('the client\'s metadata document could not be fetched'));
    request.end();
  });
}

function parseDocument(clientId: string, text: string, freshUntil: number): ClientDocument | string {
  let document: { client_id?: unknown; client_name?: unknown; redirect_uris?: unknown };
  try {
    document = JSON.parse(text) as typeof document;
  } catch {
    return 'the client\'s metadata document is not JSON';
  }
  if (document.client_id !== clientId) return 'the client\'s metadata document names another client_id';
  const uris = document.redirect_uris;
  if (!Array.isArray(uris) || uris.length === 0 || !uris.every((uri): uri is string => typeof uri === 'string')) {
    return 'the client\'s metadata document lists no redirect_uris';
  }
  const name = typeof document.client_name === 'string' && document.client_name.trim() ? document.client_name.trim().slice(0, 100) : new URL(clientId).host;
  return { clientName: name, redirectUris: uris, freshUntil };
}
