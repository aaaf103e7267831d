/** Wraps caption and title text into centred lines that fit the frame. Pure; widths are estimated per glyph. */

/** DejaVu's average advance is ~0.6 em for Sans, a little more for bold/uppercase; we err on the wide side. */
const AVERAGE_ADVANCE_EM = 0.62;

export function wrapText(text: string, sizePx: number, maxWidthPx: number, maxLines = 3): string[] {
  const clean = text.replace(/\s+/g, " ").trim();
  if (clean === "") return [];
  const perLine = Math.max(8, Math.floor(maxWidthPx / (sizePx * AVERAGE_ADVANCE_EM)));
  const lines: string[] = [];
  let current = "";
  for (const word of clean.split(" ")) {
    const pieces = chop(word, perLine);
    for (const piece of pieces) {
      if (current === "") current = piece;
      else if (current.length + 1 + piece.length <= perLine) current = `${current} ${piece}`;
      else {
        lines.push(current);
        current = piece;
      }
    }
  }
  if (current !== "") lines.push(current);
  if (lines.length <= maxLines) return lines;
  const kept = lines.slice(0, maxLines);
  const last = kept[maxLines - 1] ?? "";
  kept[maxLines - 1] = `${last.slice(0, Math.max(1, perLine - 1)).trimEnd()}…`;
  return kept;
}

function chop(word: string, perLine: number): string[] {
  const chars = Array.from(word);
  if (chars.length <= perLine) return [word];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += perLine) out.push(chars.slice(i, i + perLine).join(""));
  return out;
}
