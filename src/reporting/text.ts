/**
 * Equality ignoring case counts a match under either Turkish or plain case folding, so `ignore`
 * equals `IGNORE` (plain) and `bilgi` equals `BİLGİ` (Turkish). Upper-casing is used because Turkish
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

const PLAIN_LETTERS: Readonly<Record<string, string>> = { İ: 'I', Ş: 'S', Ğ: 'G', Ü: 'U', Ö: 'O', Ç: 'C' };
const TURKISH_CAPITALS = /[İŞĞÜÖÇ]/g;

/**
 * Text with case and Turkish letters folded away, for what a person types without Turkish
 * letters: plain upper-casing makes ı and i both I, NFC then joins an I and a combining dot (as
 * lower-cased İ turns out) back into İ, and İ, Ş, Ğ, Ü, Ö, Ç become I, S, G, U, O, C.
 */
export function foldTurkishLetters(text: string): string {
  return text.normalize('NFC').toUpperCase().normalize('NFC').replace(TURKISH_CAPITALS, (letter) => PLAIN_LETTERS[letter] ?? letter);
}

/**
 * Contains ignoring case and Turkish letters, for a text search a person types with or without
 * them: "siparis" finds "Siparişim", "BILGI" finds "bilgi" and "BİLGİ".
 */
export function containsIgnoringCase(fragment: string): TextPredicate {
  const folded = foldTurkishLetters(fragment);
  return (text) => foldTurkishLetters(text).includes(folded);
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

/**
 * Characters a reader cannot see, which may sit between two letters to join or split a word:
 * format characters (zero-width, bidi, tag), the other default-ignorables (variation
 * selectors, the combining grapheme joiner, Hangul fillers) and the controls that are not
 * whitespace.
 */
const HIDDEN = '[\\p{Cf}\\p{Default_Ignorable_Code_Point}[\\p{Cc}--[\\t\\n\\v\\f\\r\\x85]]]';
/** What a word is made of, as a reader sees it; everything else, punctuation too, ends a word. */
const VISIBLE_WORD_CHARACTER = '[[\\p{L}\\p{M}\\p{N}]--\\p{Default_Ignorable_Code_Point}]';

/**
 * RET as a whole word, hidden characters allowed between its letters and read as separators
 * around it. After NFKC only ASCII r, e and t fold to R, E and T under Turkish or plain rules,
 * so the letters need no other forms.
 */
const RET_WORD = new RegExp(
  `(?<!${VISIBLE_WORD_CHARACTER})${[...'RET'].map((letter) => `[${letter}${letter.toLowerCase()}]`).join(`${HIDDEN}*`)}(?!${VISIBLE_WORD_CHARACTER})`,
  'v',
);

/**
 * An opt-out: some word of the raw inbound text is RET in any casing. Compliance errs toward
 * flagging, so the text is NFKC-normalized (full-width ＲＥＴ counts), words end at punctuation
 * as well as whitespace (ACME-RET, RET:ACME), and each hidden character may either join its
 * neighbours or separate them, whichever reading finds RET: R\u200bET reads RET joined,
 * ACME\u200bRET reads ACME RET separated.
 */
export function isOptOutText(raw: string): boolean {
  return RET_WORD.test(raw.normalize('NFKC'));
}

/** The same rule for text already cleaned, which has no hidden characters left to read both ways. */
export const isOptOut: TextPredicate = isOptOutText;
