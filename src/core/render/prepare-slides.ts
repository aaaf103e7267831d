/**
 * Prepares the still ffmpeg animates for each slide with sharp: crop to the frame-aspect cover rect around the focus,
 * resize (2× oversampled for moving photos), bake the style's static grade in, blur and dim card backgrounds.
 * Doing this once per photo in libvips is far cheaper than grading every frame in ffmpeg.
 */
import sharp from "sharp";
import { extractRect, preparedSize } from "./filter-graph.ts";
import type { Grade, PlannedSlide, RenderPlan } from "./types.ts";

export async function prepareSlide(plan: RenderPlan, slide: PlannedSlide, output: string): Promise<void> {
  const e = extractRect(slide);
  const size = preparedSize(plan, slide);
  let image = sharp(slide.sourcePath, { failOn: "none" })
    .extract({ left: e.x, top: e.y, width: e.w, height: e.h })
    .resize(size.width, size.height, { fit: "fill", kernel: "lanczos3" });
  if (slide.background) image = image.blur(Math.max(0.3, (slide.background.blur * plan.height) / 1080));
  image = applyGrade(image, plan.grade, slide.background?.dim ?? 0);
  await image.jpeg({ quality: 92, chromaSubsampling: "4:2:0" }).toFile(output);
}

function applyGrade(image: sharp.Sharp, grade: Grade, dim: number): sharp.Sharp {
  let out = image;
  if (grade.saturation !== 1 || grade.brightness !== 1) {
    out = out.modulate({ saturation: grade.saturation, brightness: grade.brightness });
  }
  if (grade.sepia > 0) out = out.recomb(sepiaMatrix(grade.sepia));
  const keep = 1 - dim;
  const a = grade.tint.map((t) => t * grade.contrast * keep);
  const b = grade.tint.map((t) => t * 128 * (1 - grade.contrast) * keep);
  if (a.some((v) => v !== 1) || b.some((v) => v !== 0)) out = out.linear(a, b);
  return out;
}

/** Classic sepia matrix blended with identity by `amount`. */
function sepiaMatrix(
  amount: number,
): [[number, number, number], [number, number, number], [number, number, number]] {
  const sepia = [
    [0.393, 0.769, 0.189],
    [0.349, 0.686, 0.168],
    [0.272, 0.534, 0.131],
  ];
  const row = (i: number): [number, number, number] => {
    const r = sepia[i] as number[];
    return [0, 1, 2].map((j) => (i === j ? 1 - amount : 0) + amount * (r[j] as number)) as [
      number,
      number,
      number,
    ];
  };
  return [row(0), row(1), row(2)];
}
