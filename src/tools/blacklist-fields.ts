import * as z from 'zod';
import { BLACKLIST_SHARED_FOR_MS, type Blacklist } from '../reporting/blacklist.js';
import { timestampToIso, toTimestamp } from '../reporting/calendar.js';
import { timestampForText } from './fields.js';

/**
 * When the blacklist behind an answer was read, as every tool that reads it says so: a walk is
 * shared for a few minutes, so an answer may rest on one an earlier call made.
 */

const SHARED_MINUTES = BLACKLIST_SHARED_FOR_MS / 60_000;

/** What a reused reading means for the answer. */
export const REUSED_MEANING = `readings are shared for ${SHARED_MINUTES} minutes, so a number blocked or unblocked since then is not seen here`;

export const blacklistReadOutput = z
  .object({
    at: z.string().describe('When the blacklist was read, ISO 8601 with the Istanbul offset.'),
    reused: z
      .boolean()
      .describe(`True when an earlier call's reading (of the last ${SHARED_MINUTES} minutes) was reused: a change to the blacklist since then is not seen.`),
  })
  .describe('The blacklist reading behind the answer.');

export type BlacklistRead = z.infer<typeof blacklistReadOutput>;

export function blacklistReadField(walk: Pick<Blacklist, 'readAt' | 'reused'>): BlacklistRead {
  return { at: timestampToIso(toTimestamp(new Date(walk.readAt))), reused: walk.reused };
}

/** The note an answer carries when it rests on an earlier call's reading; none for a fresh one. */
export function reusedBlacklistLines(read: BlacklistRead | null): string[] {
  if (!read?.reused) return [];
  return [`The blacklist was read at ${timestampForText(read.at)} by an earlier call and reused: ${REUSED_MEANING}.`];
}
