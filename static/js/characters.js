// Counting an answer's characters as a person sees them, by the kiosk's own rule.
//
// The kiosk folds a words answer (NFC, control characters to spaces, runs of spaces to one,
// no space at either end: `clean_words` in workshop/results.py) and counts its grapheme
// clusters (Unicode UAX #29, Python's `regex` `\X`). `Intl.Segmenter` implements the same
// rule, so "🤗💞 hugs 👨‍👩‍👧" is 9 here and there, where `.length` says 18 and code points 13.

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
// JavaScript's \s also matches U+FEFF, Python's does not: leave it out so both fold alike.
const SPACES = /[^\S\ufeff]+/g;

const segmenter = typeof Intl !== "undefined" && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : null;

/** Whether counts are exact; without Intl.Segmenter they are code points (at least as many). */
export const exactCount = segmenter !== null;

/** The answer as the kiosk will store it. */
export function foldAnswer(text) {
  return text.normalize("NFC").replace(CONTROL, " ").replace(SPACES, " ").replace(/^ | $/g, "");
}

/** How many characters a person sees in `text`. */
export function countCharacters(text) {
  if (!segmenter) return Array.from(text).length;
  let count = 0;
  for (const _ of segmenter.segment(text)) count += 1;
  return count;
}
