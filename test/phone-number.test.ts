import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizePhoneNumber } from '../src/api/phone-number.js';
import { expectedNumber } from './support/ground-truth.js';

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
