import type { IletimerkeziApi, InboxMessage } from '../api/client.js';
import { dayOfTimestamp } from './calendar.js';
import type { DayRange } from './date-range.js';
import { matchingIfGiven } from './filters.js';
import { type Listing, type SortKey, compareNewestFirst } from './listing.js';
import { type InboxSenderFilter, type InboxSenderKind, type SenderFilterOutcome, SenderVolumes, inboxSenderFilter, senderFilterOutcome } from './sender-filter.js';
import { type OptOutKind, type TextPredicate, cleanText, containsIgnoringCase, cutText, optOutKindOf } from './text.js';

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
  /** How the sender filter read what was typed and matched the senders of the range, when one was given. */
  senderFilter?: InboxSenderOutcome;
}

export interface InboxSenderOutcome extends SenderFilterOutcome {
  readAs: InboxSenderKind;
  /** The number in E.164, the short code, or the sender ID the messages were compared with. */
  value: string;
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
  // A sender that can be no one's is refused before the inbox is read.
  const senderFilter = query.sender === undefined ? undefined : inboxSenderFilter(query.sender);
  const matchesText = matchingIfGiven(query.contains, containsIgnoringCase);
  const inbox = await api.fetchInbox((message) => readMessage(message, matchesText), signal);
  const byId = new Map<string, ReadMessage>();
  for (const message of inbox.messages) if (!byId.has(message.id)) byId.set(message.id, message);
  const { range } = query;
  const inRange = [...byId.values()].filter((message) => {
    const day = dayOfTimestamp(message.date);
    return !range || (day >= range.start && day <= range.end);
  });
  const sender = senderOutcome(query.sender, senderFilter, inRange);
  const matched = inRange
    .filter(
      (message) =>
        (!query.optOutOnly || message.optOut) &&
        (!senderFilter || senderFilter.matcher(message.sender) === sender?.match) &&
        message.textMatches,
    )
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
      ...(sender ? { senderFilter: sender } : {}),
    },
  };
}

/** How the sender filter matched the messages of the range, whatever the other filters: the senders it has, by messages. */
function senderOutcome(typed: string | undefined, filter: InboxSenderFilter | undefined, inRange: readonly CleanMessage[]): InboxSenderOutcome | undefined {
  if (typed === undefined || !filter) return undefined;
  const volumes = new SenderVolumes();
  for (const message of inRange) volumes.add(message.sender, 1);
  return { ...senderFilterOutcome(typed, filter.matcher, volumes), readAs: filter.kind, value: filter.value };
}
