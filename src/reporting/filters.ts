import type { TextPredicate } from './text.js';

/** A filter argument the caller may leave out: left out, it lets everything through. */
export function matchingIfGiven(expected: string | undefined, predicateFor: (expected: string) => TextPredicate): TextPredicate {
  return expected === undefined ? () => true : predicateFor(expected);
}
