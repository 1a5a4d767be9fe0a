import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

/**
 * The one place a phone number is normalized. The endpoints write the same person in different
 * forms (get-report `5301234567` as a JSON number, get-blacklist `"505…"` or `"+90…"`, the
 * inbox `+90…`), so every number is compared and shown in E.164 only after passing through here.
 */

/** Numbers without a country code are Turkish: the platform is. */
const DEFAULT_REGION = 'TR';

/**
 * What a phone number may be written with. The library would also pull a number out of running
 * text ("call 0532…"), which would turn an alphanumeric sender into someone's phone number.
 */
const PHONE_LIKE = /^\+?[\d\s().-]+$/;

export interface PhoneNumber {
  /** E.164 (`+905321234567`) for a valid phone number; otherwise the value exactly as received. */
  number: string;
  /** False for a short code (`7889`), an alphanumeric sender or anything else that is not a phone number. */
  isPhoneNumber: boolean;
}

export function normalizePhoneNumber(raw: string | number): PhoneNumber {
  const text = String(raw);
  if (PHONE_LIKE.test(text)) {
    const parsed = parsePhoneNumberFromString(text, DEFAULT_REGION);
    if (parsed?.isValid()) return { number: parsed.number, isPhoneNumber: true };
  }
  return { number: text, isPhoneNumber: false };
}

/**
 * The last digits of a number as written. Every form of one phone number ends with the same
 * subscriber digits, so a value whose digits end otherwise cannot be that number and need not be
 * normalized: at several microseconds each, normalizing every recipient of a busy month would
 * cost seconds. A match is still decided by normalizePhoneNumber alone.
 */
const TAIL_DIGITS = 7;
export function digitTail(value: string | number): string {
  return String(value).replace(/\D/g, '').slice(-TAIL_DIGITS);
}

/** Whether a number as written is `e164`: the cheap tail first, then the one rule. */
export function matchesNumber(e164: string): (value: string | number) => boolean {
  const tail = digitTail(e164);
  return (value) => digitTail(value) === tail && normalizePhoneNumber(value).number === e164;
}

/**
 * A short code: 3 to 6 digits, the first not 0 (carrier and service codes such as 7889 or
 * 4455). A leading 0 is the trunk prefix of a phone number being written, so `0532` is an
 * unfinished number, not a short code.
 */
const SHORT_CODE = /^[1-9]\d{2,5}$/;

/** What a person typed where a phone number or a short code is expected. */
export type NumberInput =
  | { kind: 'phone-number'; number: string }
  | { kind: 'short-code'; code: string }
  /** Written like a number, yet neither a valid phone number nor a short code; `problem` says why. */
  | { kind: 'malformed'; problem: string }
  /** Letters or other characters no number is written with: a sender name, say. */
  | { kind: 'not-a-number' };

/**
 * Reads a typed number in any of the forms people write one (E.164, 90…, 0…, national, with
 * spaces, dashes, dots or parentheses) by the same rule as the numbers the API sends, so the
 * two meet in E.164.
 */
export function readNumberInput(typed: string): NumberInput {
  const text = typed.trim();
  if (!PHONE_LIKE.test(text)) return { kind: 'not-a-number' };
  if (SHORT_CODE.test(text)) return { kind: 'short-code', code: text };
  const { number, isPhoneNumber } = normalizePhoneNumber(text);
  if (isPhoneNumber) return { kind: 'phone-number', number };
  const digits = text.replace(/\D/g, '').length;
  return {
    kind: 'malformed',
    problem:
      `it is not a valid phone number (${digits} digit${digits === 1 ? '' : 's'} in all; a Turkish number has 10 after the 0 or +90, ` +
      'as in 0532 555 66 77 or +90 532 555 66 77), and not a short code (3 to 6 digits, the first not 0, as in 7889)',
  };
}
