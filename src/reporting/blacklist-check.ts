import type { IletimerkeziApi } from '../api/client.js';
import { readNumberInput } from '../api/phone-number.js';
import type { Blacklist, SharedBlacklist } from './blacklist.js';
import type { ProgressReport } from './call-progress.js';

/**
 * Which of a list of typed numbers are on the blacklist: each entry read by the one phone rule,
 * entries that are one number in two forms folded into one, and what is not a phone number
 * reported back rather than dropped.
 */

/** Why an entry is not a phone number: a short code (7889), written like a number but not one, or not written like a number at all. */
export const NOT_A_NUMBER_KINDS = ['short_code', 'malformed', 'not_a_number'] as const;
export type NotANumberKind = (typeof NOT_A_NUMBER_KINDS)[number];

export interface NotAPhoneNumber {
  /** Its place in the list given, from 0: the first, when it was given more than once. */
  index: number;
  value: string;
  kind: NotANumberKind;
}

export interface BlacklistCheck {
  /** Entries given. */
  entries: number;
  /** Distinct phone numbers among them. */
  phoneNumbers: number;
  /** Entries that repeat an earlier one: the same number in any form, or the same other value as written. */
  folded: number;
  /** The distinct phone numbers on the blacklist, in E.164, in the order first given. */
  blocked: string[];
  /** The distinct phone numbers not on it. */
  clear: number;
  /** Each distinct entry that is not a phone number, in the order given. */
  notPhoneNumbers: NotAPhoneNumber[];
  /** The reading checked against; none when no entry was a phone number. */
  blacklist: Blacklist | undefined;
}

const KIND: Record<'short-code' | 'malformed' | 'not-a-number', NotANumberKind> = {
  'short-code': 'short_code',
  malformed: 'malformed',
  'not-a-number': 'not_a_number',
};

interface ReadEntries {
  /** Each phone number once, in E.164, in the order first given. */
  numbers: string[];
  notPhoneNumbers: NotAPhoneNumber[];
}

function readEntries(typed: readonly string[]): ReadEntries {
  const numbers = new Set<string>();
  const others = new Map<string, NotAPhoneNumber>();
  typed.forEach((value, index) => {
    const input = readNumberInput(value);
    if (input.kind === 'phone-number') numbers.add(input.number);
    else if (!others.has(value.trim())) others.set(value.trim(), { index, value, kind: KIND[input.kind] });
  });
  return { numbers: [...numbers], notPhoneNumbers: [...others.values()] };
}

/** Checks typed numbers against the account's blacklist, walked (or a walk of the last minutes reused) only when one of them is a phone number. */
export async function checkBlacklist(
  api: IletimerkeziApi,
  typed: readonly string[],
  share: SharedBlacklist,
  options: { signal?: AbortSignal | undefined; onProgress?: ProgressReport | undefined },
): Promise<BlacklistCheck> {
  const { numbers, notPhoneNumbers } = readEntries(typed);
  const blacklist = numbers.length > 0 ? await share.read(api, options.signal, options.onProgress) : undefined;
  const blocked = numbers.filter((number) => blacklist?.numbers.has(number));
  return {
    entries: typed.length,
    phoneNumbers: numbers.length,
    folded: typed.length - numbers.length - notPhoneNumbers.length,
    blocked,
    clear: numbers.length - blocked.length,
    notPhoneNumbers,
    blacklist,
  };
}
