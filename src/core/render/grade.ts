/**
 * A style's static grade as ffmpeg filters that run once per slide (before the still is looped): a colour matrix
 * for saturation and sepia, then a per-channel lookup for brightness, contrast, tint and the dimming of cards. Pure.
 */
import { num } from "./filter-escape.ts";
import type { Grade } from "./types.ts";

type Matrix = [number, number, number][];

const identity = (): Matrix => [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
];

function multiply(a: Matrix, b: Matrix): Matrix {
  return a.map((row) =>
    [0, 1, 2].map((j) => row.reduce((s, v, k) => s + v * ((b[k] as number[])[j] as number), 0)),
  ) as Matrix;
}

/** Rec. 601 luma weights: a saturation of 0 leaves grey with the same brightness. */
function saturationMatrix(s: number): Matrix {
  const luma = [0.299, 0.587, 0.114];
  return [0, 1, 2].map((i) =>
    [0, 1, 2].map((j) => (1 - s) * (luma[j] as number) + (i === j ? s : 0)),
  ) as Matrix;
}

/** The classic sepia matrix blended with identity by `amount`. */
function sepiaMatrix(amount: number): Matrix {
  const sepia: Matrix = [
    [0.393, 0.769, 0.189],
    [0.349, 0.686, 0.168],
    [0.272, 0.534, 0.131],
  ];
  return sepia.map((row, i) => row.map((v, j) => amount * v + (i === j ? 1 - amount : 0))) as Matrix;
}

/** Filters (RGB in, RGB out) for the grade; `dim` darkens card backgrounds (0 = none). Empty when neutral. */
export function gradeFilters(grade: Grade, dim = 0): string[] {
  const filters: string[] = [];
  let m = identity();
  if (grade.saturation !== 1) m = saturationMatrix(grade.saturation);
  if (grade.sepia > 0) m = multiply(sepiaMatrix(grade.sepia), m);
  if (m.some((row, i) => row.some((v, j) => v !== (i === j ? 1 : 0)))) {
    const names = ["r", "g", "b"];
    const parts = m.flatMap((row, i) => row.map((v, j) => `${names[i]}${names[j]}=${num(v, 4)}`));
    filters.push(`colorchannelmixer=${parts.join(":")}`);
  }
  const keep = 1 - dim;
  const scale = grade.tint.map((t) => t * keep * grade.contrast * grade.brightness);
  const offset = grade.tint.map((t) => t * keep * 128 * (1 - grade.contrast));
  if (scale.some((v) => v !== 1) || offset.some((v) => v !== 0)) {
    const channel = (i: number) => `val*${num(scale[i] as number, 4)}+${num(offset[i] as number, 2)}`;
    filters.push(`lutrgb=r=${channel(0)}:g=${channel(1)}:b=${channel(2)}`);
  }
  return filters;
}
