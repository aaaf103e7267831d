/** Escaping for values inside an ffmpeg filter graph (option level, then graph level), per ffmpeg-filters(1). */

export function filterValue(value: string): string {
  const optionLevel = value.replace(/[\\':]/g, (c) => `\\${c}`);
  return optionLevel.replace(/[\\'[\],;]/g, (c) => `\\${c}`);
}

/** Formats a number for a filter expression: fixed precision, no exponent, no trailing noise. */
export function num(value: number, digits = 4): string {
  const fixed = value.toFixed(digits);
  return fixed.includes(".") ? fixed.replace(/\.?0+$/, "") : fixed;
}
