import type { Credentials } from './client.js';

/** A run of this many characters of a credential already narrows it enough to count as a leak. */
const REVEALING_PIECE = 8;

/** The text, and what it says once URL-decoded (repeatedly, for doubly encoded text), lower-cased. */
function readings(text: string): string[] {
  const forms = [text.toLowerCase()];
  let current = text;
  for (let round = 0; round < 3; round += 1) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(current.replace(/\+/g, ' '));
    } catch {
      break;
    }
    if (decoded === current) break;
    forms.push(decoded.toLowerCase());
    current = decoded;
  }
  return forms;
}

function pieces(secret: string): string[] {
  const lower = secret.toLowerCase();
  if (lower.length <= REVEALING_PIECE) return [lower];
  return Array.from({ length: lower.length - REVEALING_PIECE + 1 }, (_, start) => lower.slice(start, start + REVEALING_PIECE));
}

/**
 * Whether a text would reveal a credential if quoted: in any casing, URL-encoded, or as any
 * piece of 8 characters or more. An API can echo the request, so such a message is left out
 * whole rather than masked.
 */
export function revealsCredential(text: string, credentials: Credentials): boolean {
  const forms = readings(text);
  return [credentials.key, credentials.hash].some((secret) => pieces(secret).some((piece) => forms.some((form) => form.includes(piece))));
}
