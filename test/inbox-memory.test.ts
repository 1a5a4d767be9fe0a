import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LONG_INBOX, RET_EVERY, longInbox, measureInboxMemory } from './support/inbox-memory.js';

const SERVER = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/**
 * The built server over the long inbox the memory bench uses (see support/inbox-memory.ts): what
 * it keeps of each 29 KB text is cut, yet the answer still reads every text whole. Its memory
 * growth is a target, so `npm run bench` holds it; a suite shared with other work on two cores
 * measured it 5 MiB apart from run to run.
 */
describe.skipIf(process.platform !== 'linux')('read_inbox over 500 texts of 29,000 characters', () => {
  it('answers exactly from texts cut to what it shows, with opt-outs read from the whole texts', async () => {
    const inbox = longInbox();
    const run = await measureInboxMemory(SERVER, inbox, 2);

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
