import type { IletimerkeziApi } from '../api/client.js';
import { dayOfTimestamp } from './calendar.js';
import type { DayRange } from './date-range.js';
import { matchingIfGiven } from './filters.js';
import { type Listing, type SortKey, compareNewestFirst } from './listing.js';
import { cleanText, containsIgnoringCase, equalsIgnoringCase, isOptOutText } from './text.js';

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
}

export const messageKey = (message: CleanMessage): SortKey => ({ at: message.date, id: message.id });

/** Reads the whole inbox (get-inbox has no paging), then filters and sorts it newest first. */
export async function readInbox(api: IletimerkeziApi, query: InboxQuery, signal?: AbortSignal): Promise<Listing<CleanMessage, InboxMeta>> {
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
  const matchesSender = matchingIfGiven(query.sender, equalsIgnoringCase);
  const matchesText = matchingIfGiven(query.contains, containsIgnoringCase);
  const { range } = query;
  const matched = [...byId.values()]
    .filter((message) => {
      const day = dayOfTimestamp(message.date);
      return (
        (!range || (day >= range.start && day <= range.end)) &&
        (!query.optOutOnly || message.optOut) &&
        matchesSender(message.sender) &&
        matchesText(message.text)
      );
    })
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
    },
  };
}
