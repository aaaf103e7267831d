/**
 * A style's static grade as one `lutyuv` that runs once per slide, before the still is looped: contrast and
 * brightness on luma, saturation and a warm/cool/sepia tint as a chroma gain and shift, card dimming on both.
 * It works on the still's limited-range yuv420p planes, right after the range conversion from the JPEG's full
 * range: that conversion's output is the filter's own, so the lut runs in place (on the decoder's frame, which
 * ffmpeg also keeps, it had to copy: +8 MB per 3072-pixel still). The grade is defined on full-range values and
 * mapped to limited range (luma 16–235, chroma 16–240 around 128), so it looks the same. Pure.
 */
import { num } from "./filter-escape.ts";
import type { Grade } from "./types.ts";

/** BT.601 (JPEG) chroma of an RGB offset: how much a tint moves U (blue-difference) and V (red-difference). */
function chromaShift(dr: number, dg: number, db: number): { du: number; dv: number } {
  const dy = 0.299 * dr + 0.587 * dg + 0.114 * db;
  return { du: 0.564 * (db - dy), dv: 0.713 * (dr - dy) };
}

/** Filters for the grade; `dim` darkens card backgrounds (0 = none). Empty when there is nothing to do. */
export function gradeFilters(grade: Grade, dim = 0): string[] {
  const keep = 1 - dim;
  // The tint as seen on a mid-grey pixel, plus the sepia matrix's warm cast (mid-grey → (173, 154, 120)).
  const tint = chromaShift((grade.tint[0] - 1) * 128, (grade.tint[1] - 1) * 128, (grade.tint[2] - 1) * 128);
  const sepia = chromaShift(45 * grade.sepia, 26 * grade.sepia, -8 * grade.sepia);
  const du = (tint.du + sepia.du) * keep;
  const dv = (tint.dv + sepia.dv) * keep;
  const chromaGain = grade.saturation * (1 - 0.85 * grade.sepia) * keep;
  const lumaGain = grade.brightness * grade.contrast * keep;
  const lumaOffset = 128 * (1 - grade.contrast) * keep;
  const neutral = chromaGain === 1 && lumaGain === 1 && lumaOffset === 0 && du === 0 && dv === 0;
  if (neutral) return [];
  // Full range y' = g·y + o becomes, on limited-range l = 16 + y·219/255: l' = g·l + 16·(1 − g) + o·219/255;
  // chroma c' = 128 + k·(c − 128) + s becomes 128 + k·(c − 128) + s·224/255.
  const y = `clip(val*${num(lumaGain)}+${num(16 * (1 - lumaGain) + (lumaOffset * 219) / 255, 2)}\\,16\\,235)`;
  const chroma = (shift: number) =>
    `clip(128+(val-128)*${num(chromaGain)}+${num((shift * 224) / 255, 2)}\\,16\\,240)`;
  return [`lutyuv=y=${y}:u=${chroma(du)}:v=${chroma(dv)}`];
}
