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
