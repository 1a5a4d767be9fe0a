/**
 * Text matching counts a match under either Turkish or plain case folding, so `ignore` finds
 * `Ignore` (plain) and `bilgi` finds `BİLGİ` (Turkish). Upper-casing is used because Turkish
 * lower-casing of İ produces a combining dot under plain rules.
 */
function foldings(text: string): [string, string] {
  const normal = text.normalize('NFC');
  return [normal.toLocaleUpperCase('tr-TR'), normal.toUpperCase()];
}

export type TextPredicate = (text: string) => boolean;

export function equalsIgnoringCase(expected: string): TextPredicate {
  const [turkish, plain] = foldings(expected);
  return (text) => {
    const [textTurkish, textPlain] = foldings(text);
    return textTurkish === turkish || textPlain === plain;
  };
}

export function containsIgnoringCase(fragment: string): TextPredicate {
  const [turkish, plain] = foldings(fragment);
  return (text) => {
    const [textTurkish, textPlain] = foldings(text);
    return textTurkish.includes(turkish) || textPlain.includes(plain);
  };
}

/** Line breaks and other whitespace controls become spaces; the rest is removed. */
const WHITESPACE_CONTROL = '[\\t\\n\\v\\f\\r\\u0085\\u2028\\u2029]';
/** Other controls (Cc) and format characters (Cf): zero-width, bidi overrides, tag characters. */
const INVISIBLE = '[\\p{Cc}\\p{Cf}]';
const WHITESPACE_CONTROLS = new RegExp(WHITESPACE_CONTROL, 'gu');
const INVISIBLES = new RegExp(INVISIBLE, 'gu');
const ANY_UNSAFE = new RegExp(`${WHITESPACE_CONTROL}|${INVISIBLE}`, 'u');

/** Third-party text made safe to show: no controls, no zero-width or bidi tricks, one line. */
export function cleanText(text: string): string {
  return text.normalize('NFC').replace(WHITESPACE_CONTROLS, ' ').replace(INVISIBLES, '').replace(/ {2,}/g, ' ').trim();
}

/** True when a string carries characters that cleanText would remove or change. */
export function hasInvisibleCharacters(text: string): boolean {
  return ANY_UNSAFE.test(text);
}

const isRet = equalsIgnoringCase('RET');
const EDGE_PUNCTUATION = /^[\p{P}\p{S}]+|[\p{P}\p{S}]+$/gu;

/** An opt-out: any whitespace-separated word of the cleaned text, punctuation trimmed, is RET. */
export function isOptOut(cleanedText: string): boolean {
  return cleanedText.split(/\s+/).some((word) => isRet(word.replace(EDGE_PUNCTUATION, '')));
}
