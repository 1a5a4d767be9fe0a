import type { IletimerkeziApi, Order } from '../api/client.js';
import { normalizePhoneNumber, readNumberInput } from '../api/phone-number.js';
import { UserInputError } from '../errors.js';
import type { DayRange } from './date-range.js';
import { type ScanOptions, type ScanStats, scanOrders } from './order-scan.js';
import { equalsIgnoringCase, foldTurkishLetters } from './text.js';

/**
 * The one rule for sender filters, for every tool that has one. A sender name matches ignoring
 * case (`exact`); only when no sender of the range matches so does it match with Turkish letters
 * read as their plain ones (`folded`: İ, I, ı and i alike, Ş as S, Ğ as G, Ü as U, Ö as O, Ç as C),
 * so "ACME BILGI" finds "ACME BİLGİ", unless the range has an "ACME BILGI" of its own. A phone
 * number matches in E.164, a short code as written. A filter that matches nothing says so, and
 * names the senders the range does have.
 */
export type SenderMatch = 'exact' | 'folded';

/** Senders named when a filter matched nothing, and matched senders named when it did. */
export const MAX_SENDERS_NAMED = 20;

/** A sender name with case, Turkish letters and runs of spaces folded away. */
export function foldSenderName(name: string): string {
  return foldTurkishLetters(name).replace(/\s+/g, ' ').trim();
}

/** How a sender matches, if at all. */
export type SenderMatcher = (sender: string) => SenderMatch | undefined;

/** Distinct senders are few; past this many, answers are no longer remembered. */
const MAX_REMEMBERED_SENDERS = 1_024;

/** A matcher that reads each distinct sender once, since a scan meets the same few senders over and over. */
function remembering(matcher: SenderMatcher): SenderMatcher {
  const answers = new Map<string, SenderMatch | undefined>();
  return (sender) => {
    if (answers.has(sender)) return answers.get(sender);
    const answer = matcher(sender);
    if (answers.size < MAX_REMEMBERED_SENDERS) answers.set(sender, answer);
    return answer;
  };
}

export function senderNameMatcher(wanted: string): SenderMatcher {
  const exact = equalsIgnoringCase(wanted.trim());
  const folded = foldSenderName(wanted);
  return remembering((sender) => (exact(sender) ? 'exact' : foldSenderName(sender) === folded ? 'folded' : undefined));
}

export interface SenderVolume {
  sender: string;
  /** Orders, or inbox messages, from the sender. */
  items: number;
  messages: number;
}

/** Items and messages per sender, to name the senders a range does have. */
export class SenderVolumes {
  private readonly bySender = new Map<string, SenderVolume>();

  add(sender: string, messages: number): void {
    const volume = this.bySender.get(sender);
    if (volume) {
      volume.items += 1;
      volume.messages += messages;
    } else {
      this.bySender.set(sender, { sender, items: 1, messages });
    }
  }

  merge(other: SenderVolumes): void {
    for (const { sender, items, messages } of other.bySender.values()) {
      const volume = this.bySender.get(sender);
      if (volume) {
        volume.items += items;
        volume.messages += messages;
      } else {
        this.bySender.set(sender, { sender, items, messages });
      }
    }
  }

  /** Largest first: by messages, then items, then name. */
  sorted(): SenderVolume[] {
    return [...this.bySender.values()].sort(
      (a, b) => b.messages - a.messages || b.items - a.items || (a.sender < b.sender ? -1 : a.sender > b.sender ? 1 : 0),
    );
  }
}

export interface SenderFilterOutcome {
  /** The filter as given. */
  sender: string;
  match: SenderMatch | 'none';
  /** The senders of the range that the answer is made of, largest first, at most MAX_SENDERS_NAMED. */
  matchedSenders: string[];
  /** Only when it matched nothing: the senders the range has, largest first, at most MAX_SENDERS_NAMED. */
  sendersInRange?: SenderVolume[];
  /** Different senders in the range. */
  distinctSenders: number;
}

/** Which kind of match the answer is made of, once every sender of the range is known: exact ones win. */
export function senderFilterOutcome(sender: string, matcher: SenderMatcher, volumes: SenderVolumes): SenderFilterOutcome {
  const all = volumes.sorted();
  const exact = all.filter((volume) => matcher(volume.sender) === 'exact');
  const folded = exact.length > 0 ? [] : all.filter((volume) => matcher(volume.sender) === 'folded');
  const matched = exact.length > 0 ? exact : folded;
  const match = exact.length > 0 ? 'exact' : folded.length > 0 ? 'folded' : 'none';
  return {
    sender,
    match,
    matchedSenders: matched.slice(0, MAX_SENDERS_NAMED).map((volume) => volume.sender),
    ...(match === 'none' ? { sendersInRange: all.slice(0, MAX_SENDERS_NAMED) } : {}),
    distinctSenders: all.length,
  };
}

/** One value for the orders that matched exactly and one for those that matched only folded. */
export function bySenderMatch<T>(create: () => T): Record<SenderMatch, T> {
  return { exact: create(), folded: create() };
}

/** What a scan does with each page's orders that pass the sender filter. */
export interface SenderPages<P> {
  create: () => P;
  add: (page: P, order: Order) => void;
  /** A whole page, with the kind of match of all its orders. */
  commit: (page: P, match: SenderMatch) => void;
}

export interface SenderScan {
  stats: ScanStats;
  /** The kind of match the answer is to be made of: `exact` when no filter was given. */
  match: SenderMatch;
  /** How the filter matched; absent without one. */
  filter?: SenderFilterOutcome;
}

/**
 * Scans the orders of a range under a sender filter. The orders that match exactly and those
 * that match only folded reach separate pages, committed with their kind, since which kind
 * counts is known only once the whole range has been seen.
 */
export async function scanOrdersOfSender<P>(
  api: IletimerkeziApi,
  range: DayRange,
  sender: string | undefined,
  pages: SenderPages<P>,
  options: ScanOptions,
): Promise<SenderScan> {
  if (sender === undefined) {
    const stats = await scanOrders(
      api,
      range,
      () => {
        const page = pages.create();
        return { add: (order) => pages.add(page, order), commit: () => pages.commit(page, 'exact') };
      },
      options,
    );
    return { stats, match: 'exact' };
  }
  const matcher = senderNameMatcher(sender);
  const volumes = new SenderVolumes();
  const stats = await scanOrders(
    api,
    range,
    () => {
      const seen = new SenderVolumes();
      const page = bySenderMatch(pages.create);
      return {
        add: (order) => {
          seen.add(order.sender, order.total);
          const match = matcher(order.sender);
          if (match) pages.add(page[match], order);
        },
        commit: () => {
          volumes.merge(seen);
          pages.commit(page.exact, 'exact');
          pages.commit(page.folded, 'folded');
        },
      };
    },
    options,
  );
  const filter = senderFilterOutcome(sender, matcher, volumes);
  return { stats, match: filter.match === 'folded' ? 'folded' : 'exact', filter };
}

/** How the inbox's sender filter read what was typed. */
export type InboxSenderKind = 'phone-number' | 'short-code' | 'sender-id';

export interface InboxSenderFilter {
  kind: InboxSenderKind;
  /** The number in E.164, the short code, or the sender ID as typed (trimmed). */
  value: string;
  matcher: SenderMatcher;
}

/** GSM carries an alphanumeric sender of at most 11 characters, so a longer name never sends an SMS. */
const MAX_SENDER_ID_CHARS = 11;

const SENDER_FORMS =
  'Give a phone number (+905321234567, 0532 123 45 67, 5321234567…), a short code (7889) or an alphanumeric sender ID of at most ' +
  `${MAX_SENDER_ID_CHARS} characters.`;

/**
 * The inbox's sender filter, from what was typed: a phone number in any usual form, matched in
 * E.164; a short code, matched as written; or a sender ID with a letter in it, matched by the
 * name rule. Anything else is refused with the reason, never matched as text to no message.
 */
export function inboxSenderFilter(typed: string): InboxSenderFilter {
  const input = readNumberInput(typed);
  if (input.kind === 'phone-number') {
    return {
      kind: 'phone-number',
      value: input.number,
      matcher: remembering((sender) => (normalizePhoneNumber(sender).number === input.number ? 'exact' : undefined)),
    };
  }
  if (input.kind === 'short-code') {
    return { kind: 'short-code', value: input.code, matcher: (sender) => (sender.trim() === input.code ? 'exact' : undefined) };
  }
  if (input.kind === 'malformed') throw new UserInputError('sender', `${JSON.stringify(typed)} is not a number to look for: ${input.problem}. ${SENDER_FORMS}`);
  const name = typed.trim();
  if (!/\p{L}/u.test(name)) {
    throw new UserInputError('sender', `${JSON.stringify(typed)} is neither a phone number, a short code nor a sender ID. ${SENDER_FORMS}`);
  }
  if (Array.from(name).length > MAX_SENDER_ID_CHARS) {
    throw new UserInputError(
      'sender',
      `${JSON.stringify(typed)} is longer than any SMS sender ID (at most ${MAX_SENDER_ID_CHARS} characters), and not a phone number. ${SENDER_FORMS}`,
    );
  }
  return { kind: 'sender-id', value: name, matcher: senderNameMatcher(name) };
}
