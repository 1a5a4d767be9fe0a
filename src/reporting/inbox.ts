import type { IletimerkeziApi } from '../api/client.js';
import { dayOfTimestamp } from './calendar.js';
import type { DayRange } from './date-range.js';
import { matchingIfGiven } from './filters.js';
import { type Listing, type SortKey, compareNewestFirst } from './listing.js';
import { type InboxSenderFilter, type InboxSenderKind, type SenderFilterOutcome, SenderVolumes, inboxSenderFilter, senderFilterOutcome } from './sender-filter.js';
import { cleanText, containsIgnoringCase, isOptOutText } from './text.js';

export interface InboxQuery {
  range?: DayRange | undefined;
  sender?: string | undefined;
  contains?: string | undefined;
  optOutOnly?: boolean | undefined;
}

/** An inbound SMS with its third-party strings cleaned of controls and invisible characters. */
export interface CleanMessage {
  id: string;
  date: string;
  sender: string;
  number: string;
  text: string;
  optOut: boolean;
}

export interface InboxMeta {
  totalRows: number;
  fetched: number;
  matched: number;
  optOuts: { count: number; senders: string[] };
  /** How the sender filter read what was typed and matched the senders of the range, when one was given. */
  senderFilter?: InboxSenderOutcome;
}

export interface InboxSenderOutcome extends SenderFilterOutcome {
  readAs: InboxSenderKind;
  /** The number in E.164, the short code, or the sender ID the messages were compared with. */
  value: string;
}

export const messageKey = (message: CleanMessage): SortKey => ({ at: message.date, id: message.id });

/** Reads the whole inbox (get-inbox has no paging), then filters and sorts it newest first. */
export async function readInbox(api: IletimerkeziApi, query: InboxQuery, signal?: AbortSignal): Promise<Listing<CleanMessage, InboxMeta>> {
  // A sender that can be no one's is refused before the inbox is read.
  const senderFilter = query.sender === undefined ? undefined : inboxSenderFilter(query.sender);
  const inbox = await api.fetchInbox(signal);
  const byId = new Map<string, CleanMessage>();
  for (const message of inbox.messages) {
    if (byId.has(message.id)) continue;
    const text = cleanText(message.text);
    byId.set(message.id, {
      id: message.id,
      date: message.date,
      sender: cleanText(message.sender),
      number: cleanText(message.number),
      text,
      optOut: isOptOutText(message.text),
    });
  }
  const matchesText = matchingIfGiven(query.contains, containsIgnoringCase);
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
        matchesText(message.text),
    )
    .sort((a, b) => compareNewestFirst(messageKey(a), messageKey(b)));
  const optOuts = matched.filter((message) => message.optOut);
  return {
    items: matched,
    complete: true,
    meta: {
      totalRows: inbox.totalRows,
      fetched: byId.size,
      matched: matched.length,
      optOuts: { count: optOuts.length, senders: [...new Set(optOuts.map((message) => message.sender))].sort() },
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
