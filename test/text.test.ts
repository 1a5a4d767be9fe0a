import { describe, expect, it } from 'vitest';
import { cleanText, containsIgnoringCase, equalsIgnoringCase, hasInvisibleCharacters, isOptOut } from '../src/reporting/text.js';

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
