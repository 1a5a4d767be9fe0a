import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InboxMessage } from '../src/api/schemas.js';
import { isOptOutText } from '../src/reporting/text.js';
import { connect } from './support/harness.js';

/**
 * Opt-out detection on raw inbound text. For compliance it errs toward flagging: compatibility
 * forms, punctuation between words and hidden characters that may join or split a word must
 * not hide a RET, while longer words that merely contain RET stay unflagged.
 */

const FLAGGED = [
  'ＲＥＴ',
  'ｒｅｔ',
  'ILT ACME ＲＥＴ',
  'ACME-RET',
  'ACME/RET',
  'RET:ACME',
  'ACME.RET.',
  '(RET)',
  'ACME_RET',
  'R\u200bET',
  'ACME\u200bRET',
  'RET\u200bACME',
  'ACME\u200bR\u200bET',
  'R\u00adET',
  'R\u0000ET',
  'RE\ufe0fT',
  'R\u2060E\u200dT',
  'İPTAL\u200bret',
  'Ürünü iade (RETURN) etmek istiyorum, RET değil',
  'ILT AHKTEST RET',
];

const NOT_FLAGGED = [
  'RETURN',
  'İADE',
  'ＲＥＴＵＲＮ',
  'RE\u200bTURN',
  'TRET',
  'BRET ACME',
  'R E T',
  'R-E-T',
  '\u202eTER\u202c',
  'RET1',
  'evet',
  '',
];

describe('isOptOutText', () => {
  it.each(FLAGGED)('%j is an opt-out', (text) => {
    expect(isOptOutText(text)).toBe(true);
  });

  it.each(NOT_FLAGGED)('%j is not an opt-out', (text) => {
    expect(isOptOutText(text)).toBe(false);
  });

  it('reads a huge text in linear time', () => {
    const huge = `${'Çok uzun bir mesaj, teşekkürler 🙏 '.repeat(60_000)}`;
    const started = performance.now();
    expect(isOptOutText(huge)).toBe(false);
    expect(isOptOutText(`${huge}\u200bRET`)).toBe(true);
    expect(performance.now() - started).toBeLessThan(1_500);
  });
});

/** Hidden characters a reader cannot see, and separators the rule must split at. */
const HIDDEN = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad', '\u034f', '\ufe0f', '\u0000', '\u001b', '\u{e0041}'];
const SEPARATORS = [' ', '\n', '\t', '-', '/', ':', '.', ',', '(', ')', '"', '!', '?', '_', '+', '*', '\u00a0', '\u3000', '😀'];
const casing = fc.tuple(fc.boolean(), fc.boolean(), fc.boolean()).map(([r, e, t]) => `${r ? 'R' : 'r'}${e ? 'E' : 'e'}${t ? 'T' : 't'}`);
const word = fc.stringMatching(/^[A-Za-zÇĞİÖŞÜçğıöşü]{1,8}$/);
const hiddenRun = fc.array(fc.constantFrom(...HIDDEN), { maxLength: 2 }).map((run) => run.join(''));

/** Full-width forms of printable ASCII, which NFKC maps back. */
const fullWidth = (text: string) => text.replace(/[!-~]/g, (character) => String.fromCharCode(character.charCodeAt(0) + 0xfee0));

describe('isOptOutText properties', () => {
  it('RET with hidden characters inside it, between separated words, is always flagged', () => {
    fc.assert(
      fc.property(word, word, casing, fc.constantFrom(...SEPARATORS), fc.constantFrom(...SEPARATORS), hiddenRun, hiddenRun, (before, after, ret, left, right, first, second) => {
        expect(isOptOutText(`${before}${left}${ret[0]}${first}${ret[1]}${second}${ret[2]}${right}${after}`)).toBe(true);
      }),
    );
  });

  it('a word glued to RET by punctuation or by a hidden character is flagged', () => {
    fc.assert(
      fc.property(word, casing, fc.constantFrom(...SEPARATORS, ...HIDDEN), fc.boolean(), (other, ret, glue, retFirst) => {
        expect(isOptOutText(retFirst ? `${ret}${glue}${other}` : `${other}${glue}${ret}`)).toBe(true);
      }),
    );
  });

  it('full-width text is read as its ASCII form', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z .:\-/]{0,20}$/), (text) => {
        expect(isOptOutText(fullWidth(text))).toBe(isOptOutText(text));
      }),
    );
  });

  it('RET inside a longer run of letters, with nothing between, is never flagged: the run is one word', () => {
    fc.assert(
      fc.property(word, word, casing, fc.integer({ min: 0, max: 2 }), (before, after, ret, sides) => {
        const text = sides === 0 ? `${before}${ret}` : sides === 1 ? `${ret}${after}` : `${before}${ret}${after}`;
        expect(isOptOutText(text)).toBe(false);
      }),
    );
  });

  /**
   * Ground truth by brute force: every way of reading each hidden character, as nothing or as a
   * space, split into words at anything that is not a letter, mark or digit.
   */
  function someReadingSaysRet(text: string): boolean {
    const normal = text.normalize('NFKC');
    const characters = [...normal];
    const hiddenAt = characters.flatMap((character, index) => (HIDDEN.includes(character) ? [index] : []));
    for (let mask = 0; mask < 2 ** hiddenAt.length; mask += 1) {
      const reading = characters.map((character, index) => {
        const bit = hiddenAt.indexOf(index);
        return bit < 0 ? character : mask & (1 << bit) ? ' ' : '';
      });
      const words = reading.join('').split(/[^\p{L}\p{M}\p{N}]+/u);
      if (words.some((candidate) => candidate.toUpperCase() === 'RET' || candidate.toLocaleUpperCase('tr-TR') === 'RET')) return true;
    }
    return false;
  }

  it('flags a text exactly when some reading of its hidden characters has the word RET', () => {
    const alphabet = fc.constantFrom('R', 'E', 'T', 'r', 'e', 't', 'A', 'İ', 'ı', ' ', '-', '.', ...HIDDEN.slice(0, 4));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 12 }), (characters) => {
        const text = characters.join('');
        fc.pre(characters.filter((character) => HIDDEN.includes(character)).length <= 8);
        expect(isOptOutText(text)).toBe(someReadingSaysRet(text));
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('read_inbox flags opt-outs from the raw text', () => {
  it('marks each message by the rule, and counts the opt-out senders', async () => {
    const texts = [...FLAGGED, ...NOT_FLAGGED];
    const inbox: InboxMessage[] = texts.map((text, index) => ({
      id: String(1_000 + index),
      date: `2026-04-22 10:${String(index).padStart(2, '0')}:00`,
      sender: `+9053200000${String(index).padStart(2, '0')}`,
      number: '+908501234567',
      text,
    }));
    const server = await connect({ fake: { account: { orders: [], inbox } } });
    try {
      const result = await server.mcp.callTool({ name: 'read_inbox', arguments: { limit: 500 } });
      const content = result.structuredContent as { messages: Array<{ id: string; optOut: boolean }>; optOuts: { count: number; senders: string[] } };
      const flagged = new Map(content.messages.map((message) => [message.id, message.optOut]));
      expect(texts.map((_, index) => flagged.get(String(1_000 + index)))).toEqual(texts.map((_, index) => index < FLAGGED.length));
      expect(content.optOuts).toEqual({
        count: FLAGGED.length,
        distinctSenders: FLAGGED.length,
        senders: inbox.slice(0, FLAGGED.length).map((message) => message.sender).sort(),
      });
    } finally {
      await server.close();
    }
  });
});
