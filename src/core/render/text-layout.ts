/**
 * Prepares the words of titles and captions for drawing: control characters out, whitespace folded, and long text cut
 * (at a word, with an ellipsis) to what the look's lines can hold. Pure; Pango does the real wrapping and the text
 * image shrinks whatever still overflows (see text-image.ts).
 */

/** Noto Sans's average advance is ~0.55 em for Latin; a little generous, since the image shrinks what overflows. */
const AVERAGE_ADVANCE_EM = 0.5;

export function cleanText(text: string): string {
  const clean = text
    .replace(/\p{Cc}|\p{Cs}/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  // Only invisible characters (tags, joiners) would be an empty image: no text at all.
  return /[\p{L}\p{N}\p{P}\p{S}]/u.test(clean) ? clean : "";
}

/** How many characters `lines` lines of `sizePx` text can hold in `maxWidthPx`, about. */
export function capacity(sizePx: number, maxWidthPx: number, lines: number): number {
  return Math.max(8, Math.floor(maxWidthPx / (sizePx * AVERAGE_ADVANCE_EM))) * lines;
}

/** At most `max` grapheme clusters (an emoji or a Devanagari conjunct is one), cut at a word when one is near. */
export function capText(text: string, max: number): string {
  const graphemes = [...new Intl.Segmenter(undefined, { granularity: "grapheme" }).segment(text)].map(
    (s) => s.segment,
  );
  if (graphemes.length <= max) return text;
  const kept = graphemes.slice(0, Math.max(1, max - 1));
  const space = kept.lastIndexOf(" ");
  const cut = space >= kept.length * 0.6 ? kept.slice(0, space) : kept;
  return `${cut.join("").trimEnd()}…`;
}
