import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LONG_INBOX, RET_EVERY, longInbox, measureInboxMemory } from './support/inbox-memory.js';

const SERVER = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/**
 * Memory of the built server over a long inbox (see support/inbox-memory.ts). Reading the body
 * whole and keeping the 29 KB texts in each cursor's snapshot grew it by about 260 MiB; read
 * message by message and kept cut to what an answer serves, it grows by about 65.
 */
describe.skipIf(process.platform !== 'linux')('read_inbox over 500 texts of 29,000 characters', () => {
  it(`grows the server by less than ${LONG_INBOX.maxGrowthMiB} MiB over ${LONG_INBOX.calls} calls, and answers exactly`, async () => {
    const inbox = longInbox();
    const run = await measureInboxMemory(SERVER, inbox);
    expect(run.growthMiB).toBeLessThan(LONG_INBOX.maxGrowthMiB);

    const newest = inbox.at(-1);
    const possible = inbox.filter((_, index) => index % RET_EVERY === RET_EVERY - 1);
    expect(run.last).toMatchObject({
      totalRows: LONG_INBOX.messages,
      fetched: LONG_INBOX.messages,
      matched: LONG_INBOX.messages,
      truncated: true,
      messages: [{ id: newest?.id, text: newest?.text.slice(0, 1_000), textTruncated: true, textLength: LONG_INBOX.textChars }],
      optOuts: { count: 0, distinctSenders: 0, senders: [] },
      // Their RET is past the cut: read from the whole text, not from what is kept.
      possibleOptOuts: { count: possible.length, distinctSenders: possible.length, senders: possible.map((message) => message.sender).sort().slice(0, 1) },
    });
  }, 120_000);
});
