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

/**
 * How sure an opt-out is. A clear one is RET alone, or beside at most two other words (a brand
 * keyword, a carrier prefix, a courtesy word: `ILT ACME RET`, `ret lütfen`). A possible one has
 * RET inside a longer text, which may mean it ("beni listeden çıkarın RET") or not ("RET değil,
 * RETURN istiyorum"), or beside a word that denies it ("RET değil", "ret yapmayın"), so a person
 * has to read it.
 */
export type OptOutKind = 'clear' | 'possible';

/** The most words, RET among them, that a clear opt-out has. */
export const MAX_CLEAR_OPT_OUT_WORDS = 3;

const RET_WORDS = new RegExp(RET_WORD.source, 'gv');
const HIDDEN_CHARACTERS = new RegExp(HIDDEN, 'gv');

/** Words that deny what stands beside them, folded as sender names are: "RET değil" and "ret yapmayın" are no clear opt-outs. */
const NEGATIONS = new Set(
  ['değil', 'yok', 'hayır', 'istemiyorum', 'istemiyoruz', 'yapma', 'yapmayın', 'yapmayınız', 'etme', 'etmeyin', 'etmeyiniz'].map(foldTurkishLetters),
);

/** Whether a word other than RET denies it, in any casing, with or without Turkish letters, hidden characters read away. */
function deniesRet(text: string): boolean {
  for (const word of text.replace(RET_WORDS, ' ').matchAll(JOINED_WORD)) {
    if (NEGATIONS.has(foldTurkishLetters(word[0].replace(HIDDEN_CHARACTERS, '')))) return true;
  }
  return false;
}
/** A word with its hidden characters read as joining it, the reading with the fewest words. */
const JOINED_WORD = new RegExp(`${VISIBLE_WORD_CHARACTER}(?:${HIDDEN}*${VISIBLE_WORD_CHARACTER})*`, 'gv');

/**
 * The kind of opt-out the raw text is, by the words a reader counts in it, or null when it is
 * none (exactly when isOptOutText is false). Words are counted in the reading that finds RET:
 * hidden characters join their neighbours except where they set RET apart (ACME\u200bRET is two
 * words, R\u200bET one), and punctuation, symbols and emoji are not words (`ret.`, `RET 🙏`).
 * That reading never has fewer words than the all-joined one, so a text past three words there
 * is possible at once, and a shorter one is read match by match: linear either way.
 */
export function optOutKindOf(raw: string): OptOutKind | null {
  const text = raw.normalize('NFKC');
  if (!RET_WORD.test(text)) return null;
  const words: Array<{ start: number; end: number }> = [];
  for (const word of text.matchAll(JOINED_WORD)) {
    if (words.length === MAX_CLEAR_OPT_OUT_WORDS) return 'possible';
    words.push({ start: word.index, end: word.index + word[0].length });
  }
  for (const ret of text.matchAll(RET_WORDS)) {
    const start = ret.index;
    const end = start + ret[0].length;
    // Each joined word that reaches before RET leaves a word before it, each that reaches past it one after it.
    const around = words.filter((word) => word.start < start).length + words.filter((word) => word.end > end).length;
    if (around + 1 <= MAX_CLEAR_OPT_OUT_WORDS) return deniesRet(text) ? 'possible' : 'clear';
  }
  return 'possible';
}

/** The same rule for text already cleaned, which has no hidden characters left to read both ways. */
export const isOptOut: TextPredicate = isOptOutText;

/** Longer inbox bodies are cut, in the text and the structured data alike, so a few messages cannot flood an answer. */
export const MAX_TEXT_CHARS = 1_000;

export interface CutText {
  text: string;
  textTruncated: boolean;
  /** Characters (code points) in the whole text. */
  textLength: number;
}

/**
 * A third-party text cut to MAX_TEXT_CHARS, by code points so a cut never splits a surrogate
 * pair, as a copy of its own. Counted in place, since an array of a long text's characters would
 * cost more than the text. V8 serves a slice as a view into its parent, which keeps the whole
 * parent alive: a listing of cut texts would then hold every long body it was cut from. Written
 * out to UTF-16 bytes and read back, the copy shares no memory with the text, and every code
 * unit, even a lone surrogate, survives as it was.
 */
export function cutText(text: string): CutText {
  let textLength = 0;
  let end = text.length;
  for (let index = 0; index < text.length; textLength += 1) {
    if (textLength === MAX_TEXT_CHARS) end = index;
    index += (text.codePointAt(index) as number) > 0xffff ? 2 : 1;
  }
  return { text: Buffer.from(text.slice(0, end), 'utf16le').toString('utf16le'), textTruncated: textLength > MAX_TEXT_CHARS, textLength };
}
