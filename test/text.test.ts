import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_TEXT_CHARS, cleanText, containsIgnoringCase, cutText, equalsIgnoringCase, hasInvisibleCharacters, isOptOut } from '../src/reporting/text.js';

describe('opt-out detection', () => {
  it.each([
    'ILT AHKTEST RET',
    'ret',
    'RET ACME',
    'Ret.',
    'acme ret',
    'rEt',
    '"RET"',
    'İPTAL RET!',
    'ILT KARGOTAKIP rEt',
  ])('%j is an opt-out', (text) => {
    expect(isOptOut(cleanText(text))).toBe(true);
  });

  it.each(['RETURN', 'iade etmek istiyorum', 'TRET', 'RETRET', 'R E T', 'BRET ACME', ''])('%j is not an opt-out', (text) => {
    expect(isOptOut(cleanText(text))).toBe(false);
  });

  it('finds RET hidden by zero-width and bidi characters once the text is cleaned', () => {
    expect(isOptOut(cleanText('R\u200bET'))).toBe(true);
    expect(isOptOut(cleanText('\u202eRET\u202c'))).toBe(true);
    expect(isOptOut(cleanText('ACME\nRET'))).toBe(true);
  });
});

describe('case-insensitive matching under Turkish or plain folding', () => {
  it('matches plain and Turkish casings', () => {
    expect(containsIgnoringCase('ignore')('Please Ignore this')).toBe(true);
    expect(containsIgnoringCase('bilgi')('BİLGİ SMS')).toBe(true);
    expect(containsIgnoringCase('BİLGİ')('bilgi sms')).toBe(true);
    expect(containsIgnoringCase('ısı')('ISI')).toBe(true);
    expect(containsIgnoringCase('kargo')('KARGOTAKIP')).toBe(true);
    expect(containsIgnoringCase('xyz')('KARGOTAKIP')).toBe(false);
  });

  it('compares whole values for exact matching', () => {
    expect(equalsIgnoringCase('acme bilgi')('ACME BİLGİ')).toBe(true);
    expect(equalsIgnoringCase('emarka test')('eMarka Test')).toBe(true);
    expect(equalsIgnoringCase('ACME')('ACME MARKET')).toBe(false);
  });
});

describe('cleanText', () => {
  it('removes controls, zero-width, bidi and tag characters and keeps one line', () => {
    expect(cleanText('a\u0000b\u0007c')).toBe('abc');
    expect(cleanText('line1\nline2\r\n\tline3')).toBe('line1 line2 line3');
    expect(cleanText('\u202eevil\u202c \u2066x\u2069 \u200b\u200d\ufeff')).toBe('evil x');
    expect(cleanText('tag\u{E0041}\u{E0042}s')).toBe('tags');
    expect(cleanText('Merhaba 👋 şükran')).toBe('Merhaba 👋 şükran');
  });

  it('flags strings that carry such characters', () => {
    expect(hasInvisibleCharacters('ACME\u0000')).toBe(true);
    expect(hasInvisibleCharacters('\u202eACME')).toBe(true);
    expect(hasInvisibleCharacters('AC\u200bME')).toBe(true);
    expect(hasInvisibleCharacters('ACME BİLGİ 👋')).toBe(false);
  });
});

describe('cutText', () => {
  /** The rule by the plainest means: the text's code points, the first thousand of them. */
  function cutByCodePoints(text: string) {
    const characters = Array.from(text);
    return { text: characters.slice(0, MAX_TEXT_CHARS).join(''), textTruncated: characters.length > MAX_TEXT_CHARS, textLength: characters.length };
  }

  it.each([
    ['empty', ''],
    ['exactly the limit', 'a'.repeat(1_000)],
    ['one past it', 'a'.repeat(1_001)],
    ['surrogate pairs across the cut', '😀'.repeat(1_001)],
    ['a pair that would straddle the cut', `x${'😀'.repeat(999)}ab`],
    ['lone surrogates, kept as they are', '\ud800'.repeat(1_005)],
    ['29,000 Turkish letters', 'ş'.repeat(29_000)],
  ])('cuts %s by code points', (_, text) => {
    expect(cutText(text)).toEqual(cutByCodePoints(text));
  });

  it('cuts any text as its code points would, lone surrogates included', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 980, maxLength: 1_020 }), fc.string({ unit: 'binary', maxLength: 30 }), (text, short) => {
        expect(cutText(text)).toEqual(cutByCodePoints(text));
        expect(cutText(short)).toEqual(cutByCodePoints(short));
      }),
      { numRuns: 300 },
    );
  });
});
