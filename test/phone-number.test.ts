import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizePhoneNumber, readNumberInput } from '../src/api/phone-number.js';
import { expectedNumber } from './support/ground-truth.js';
import { PHONE_FORMS_OF_5325556677 } from './support/phone-forms.js';

describe('phone numbers', () => {
  it.each([
    [5321234567, '+905321234567'],
    ['5321234567', '+905321234567'],
    ['05321234567', '+905321234567'],
    ['905321234567', '+905321234567'],
    ['+905321234567', '+905321234567'],
    ['+90 532 123 45 67', '+905321234567'],
    ['0090 532 123 45 67', '+905321234567'],
    ['(0532) 123 45 67', '+905321234567'],
    ['2121234567', '+902121234567'],
    ['+447911123456', '+447911123456'],
  ] as const)('writes %j in E.164 as %s', (raw, e164) => {
    expect(normalizePhoneNumber(raw)).toEqual({ number: e164, isPhoneNumber: true });
  });

  it.each([['7889'], [7889], ['ACME MARKET'], ['eMarka Test'], ['53211'], ['call 05321234567'], ['+9O5321234567'], ['']])(
    'keeps %j exactly as received, flagged as not a phone number',
    (raw) => {
      expect(normalizePhoneNumber(raw)).toEqual({ number: String(raw), isPhoneNumber: false });
    },
  );

  it('gives one form for a Turkish mobile number whatever form it arrives in', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 99_999_999 }), fc.integer({ min: 0, max: 5 }), (operator, rest, form) => {
        const digits = `5${operator}${String(rest).padStart(8, '0')}`;
        const written = [Number(digits), digits, `0${digits}`, `90${digits}`, `+90${digits}`, `+90 ${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6, 8)} ${digits.slice(8)}`][form] ?? digits;
        expect(normalizePhoneNumber(written)).toEqual(expectedNumber(written));
        expect(normalizePhoneNumber(written).number).toBe(`+90${digits}`);
      }),
      { numRuns: 300 },
    );
  });
});

describe('a number as people type it', () => {
  it.each(PHONE_FORMS_OF_5325556677)('reads %j as the phone number +905325556677', (typed) => {
    expect(readNumberInput(typed)).toEqual({ kind: 'phone-number', number: '+905325556677' });
  });

  it.each(['7889', '444', '123456', ' 4455 '])('reads %j as a short code', (typed) => {
    expect(readNumberInput(typed)).toEqual({ kind: 'short-code', code: typed.trim() });
  });

  it.each([
    ['0532 555', 7],
    ['0532', 4],
    ['12', 2],
    ['1', 1],
    ['1234567', 7],
    ['+7889', 4],
    ['0532 555 66 77 88', 13],
    ['+90 532 555 66 77 8', 13],
    ['0132 555 66 77', 11],
  ])('refuses %j, counting its %i digits', (typed, digits) => {
    expect(readNumberInput(typed)).toEqual({
      kind: 'malformed',
      problem:
        `it is not a valid phone number (${digits} digit${digits === 1 ? '' : 's'} in all; a Turkish number has 10 after the 0 or +90, ` +
        'as in 0532 555 66 77 or +90 532 555 66 77), and not a short code (3 to 6 digits, the first not 0, as in 7889)',
    });
  });

  it.each(['ACME', 'İŞ BANKASI', 'call 05325556677', '0532 555 66 77 (cep)', '+9O5325556677'])('leaves %j to the caller: not written like a number', (typed) => {
    expect(readNumberInput(typed)).toEqual({ kind: 'not-a-number' });
  });
});
