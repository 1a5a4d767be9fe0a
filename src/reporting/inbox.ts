import type { IletimerkeziApi, InboxMessage } from '../api/client.js';
import { dayOfTimestamp } from './calendar.js';
import type { DayRange } from './date-range.js';
import { matchingIfGiven } from './filters.js';
import { type Listing, type SortKey, compareNewestFirst } from './listing.js';
import { type OptOutKind, type TextPredicate, cleanText, containsIgnoringCase, cutText, equalsIgnoringCase, optOutKindOf } from './text.js';

export interface InboxQuery {
  range?: DayRange | undefined;
  sender?: string | undefined;
  contains?: string | undefined;
  optOutOnly?: boolean | undefined;
}

/**
 * An inbound SMS as a listing keeps it: its third-party strings cleaned of controls and invisible
 * characters, and its text cut to what an answer can serve (see cutText), so a listing kept for
 * its cursor never holds the long bodies the API sent. What needs the whole body, its length and
 * its opt-out reading, is decided before the cut.
 */
export interface CleanMessage {
  id: string;
  date: string;
  sender: string;
  number: string;
  /** At most MAX_TEXT_CHARS characters. */
  text: string;
  textTruncated: boolean;
  /** Characters in the whole cleaned text. */
  textLength: number;
  /** True for a clear and for a possible opt-out alike: neither may go unseen. */
  optOut: boolean;
  /** Null when the message is no opt-out. */
  optOutKind: OptOutKind | null;
}

/** The opt-outs of one kind among the matched messages, and their distinct senders, sorted. */
export interface OptOutTally {
  count: number;
  senders: string[];
}

export interface InboxMeta {
  totalRows: number;
  fetched: number;
  matched: number;
  /** The clear opt-outs. */
  optOuts: OptOutTally;
  /** The possible ones, counted apart: each is for a person to read. */
  possibleOptOuts: OptOutTally;
}

function tally(messages: readonly CleanMessage[], kind: OptOutKind): OptOutTally {
  const ofKind = messages.filter((message) => message.optOutKind === kind);
  return { count: ofKind.length, senders: [...new Set(ofKind.map((message) => message.sender))].sort() };
}

export const messageKey = (message: Pick<CleanMessage, 'date' | 'id'>): SortKey => ({ at: message.date, id: message.id });

/** A message as it is read, with whether its whole text passes the text filter: only the whole text can say. */
type ReadMessage = CleanMessage & { textMatches: boolean };

/**
 * One message as a listing keeps it, made the moment the client reads it: what needs the whole
 * text (the opt-out reading, the length, the text filter) is decided here, and only the cut text
 * stays, so the long texts an inbox may hold die young instead of piling up.
 */
function readMessage(message: InboxMessage, matchesText: TextPredicate): ReadMessage {
  const optOutKind = optOutKindOf(message.text);
  const text = cleanText(message.text);
  return {
    id: message.id,
    date: message.date,
    sender: cleanText(message.sender),
    number: cleanText(message.number),
    ...cutText(text),
    optOut: optOutKind !== null,
    optOutKind,
    textMatches: matchesText(text),
  };
}

/** Reads the whole inbox (get-inbox has no paging), then filters and sorts it newest first. */
export async function readInbox(api: IletimerkeziApi, query: InboxQuery, signal?: AbortSignal): Promise<Listing<CleanMessage, InboxMeta>> {
  const matchesText = matchingIfGiven(query.contains, containsIgnoringCase);
  const inbox = await api.fetchInbox((message) => readMessage(message, matchesText), signal);
  const byId = new Map<string, ReadMessage>();
  for (const message of inbox.messages) if (!byId.has(message.id)) byId.set(message.id, message);
  const matchesSender = matchingIfGiven(query.sender, equalsIgnoringCase);
  const { range } = query;
  const matched = [...byId.values()]
    .filter((message) => {
      const day = dayOfTimestamp(message.date);
      return (
        (!range || (day >= range.start && day <= range.end)) &&
        (!query.optOutOnly || message.optOut) &&
        matchesSender(message.sender) &&
        message.textMatches
      );
    })
    .sort((a, b) => compareNewestFirst(messageKey(a), messageKey(b)))
    .map(({ textMatches: _textMatches, ...message }): CleanMessage => message);
  return {
    items: matched,
    complete: true,
    meta: {
      totalRows: inbox.totalRows,
      fetched: byId.size,
      matched: matched.length,
      optOuts: tally(matched, 'clear'),
      possibleOptOuts: tally(matched, 'possible'),
    },
  };
}
