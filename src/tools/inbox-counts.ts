import { PANEL } from '../api/panel.js';
import { formatCount } from './fields.js';

/** What a reading of the inbox got, beside what the API said it holds. */
export interface InboxCounts {
  /** Messages received, without duplicates. */
  fetched: number;
  /** What get-inbox reports as the inbox's size. */
  totalRows: number;
}

/** What the reader's answer means when the counts disagree: a clause each, following "so". */
export interface InboxCountMeaning {
  /** When fewer messages came than the API reports. */
  missing: string;
  /** When more came than it reports, so its count cannot be trusted. */
  surplus: string;
}

/** How many messages were read, as a clause: "3 of 5 inbox messages were read", never "30 of 5". */
export function inboxReadClause({ fetched, totalRows }: InboxCounts): string {
  return fetched > totalRows
    ? `${formatCount(fetched)} inbox messages were read (the API reports ${formatCount(totalRows)} in all)`
    : `${formatCount(fetched)} of ${formatCount(totalRows)} inbox messages were read`;
}

/**
 * The line every reader of the inbox writes when the messages it got do not match the count the
 * API reports, or none when they do. Fewer is INCOMPLETE; more is INCONSISTENT, never "5 of the 2".
 */
export function inboxCountLines(counts: InboxCounts, meaning: InboxCountMeaning): string[] {
  const { fetched, totalRows } = counts;
  if (fetched > totalRows) {
    return [
      `INCONSISTENT: the API returned ${formatCount(fetched)} messages but reports ${formatCount(totalRows)} in all, ` +
        `so its count cannot be trusted; ${meaning.surplus}. The panel (${PANEL}) has the full list.`,
    ];
  }
  if (fetched < totalRows) {
    return [
      `INCOMPLETE: the API returned only ${formatCount(fetched)} of the ${formatCount(totalRows)} messages it reports, ` +
        `and get-inbox has no documented paging, so ${meaning.missing}. The panel (${PANEL}) has the full list.`,
    ];
  }
  return [];
}
