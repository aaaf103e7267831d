/**
 * Captions over a pure-white photo (snow, a sky, a white wall), rendered by ffmpeg and read back from the video: the
 * caption's letters must stand out from what surrounds them by WCAG's 4.5:1, in every style.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STYLE_NAMES, type StyleName } from "../../src/core/domain.ts";
import { loadFontCatalog, resolvePlanFonts } from "../../src/core/render/fonts.ts";
import { type PlannedText, planRender, type RenderPlan, renderMemory } from "../../src/core/render/index.ts";
import { renderTextImage } from "../../src/core/render/text-image.ts";
import { ffmpegStdout, scriptFor } from "./fixtures.ts";

let dir: string;
let white: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pm-caption-contrast-"));
  white = join(dir, "snow.jpg");
  await sharp({ create: { width: 1600, height: 1200, channels: 3, background: "#ffffff" } })
    .jpeg({ quality: 90 })
    .toFile(white);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** WCAG relative luminance of an sRGB pixel. */
function luminance(r: number, g: number, b: number): number {
  const lin = (v: number) => {
    const c = v / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/**
 * Where the caption's letters are, from its own image: solid pixels in the text's colour are letters; the surround is
 * the letters' box widened by a third of the text size, less the letters and two pixels around them (their
 * anti-aliased edges).
 */
async function captionMasks(block: PlannedText, plan: RenderPlan) {
  const fonts = resolvePlanFonts(plan, await loadFontCatalog());
  const { data, info } = await sharp(await renderTextImage(block, fonts))
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width: w, height: h } = info;
  const textRed = Number.parseInt(block.runs[0]?.color.slice(1, 3) ?? "ff", 16);
  const at = (i: number, j: number, c: number) => data[(j * w + i) * 4 + c] as number;
  const letter = (i: number, j: number) => at(i, j, 3) > 250 && at(i, j, 0) >= textRed * 0.92;
  const inked = (i: number, j: number) => at(i, j, 3) > 60 && at(i, j, 0) > textRed * 0.5;
  let [left, top, right, bottom] = [w, h, 0, 0];
  for (let j = 0; j < h; j++)
    for (let i = 0; i < w; i++)
      if (letter(i, j))
        [left, top, right, bottom] = [
          Math.min(left, i),
          Math.min(top, j),
          Math.max(right, i),
          Math.max(bottom, j),
        ];
  const reach = Math.round((block.runs[0]?.sizePx ?? 30) / 3);
  const letters: [number, number][] = [];
  const surround: [number, number][] = [];
  for (let j = Math.max(0, top - reach); j <= Math.min(h - 1, bottom + reach); j++)
    for (let i = Math.max(0, left - reach); i <= Math.min(w - 1, right + reach); i++) {
      if (letter(i, j)) letters.push([i, j]);
      let near = false;
      for (let dj = -2; dj <= 2 && !near; dj++)
        for (let di = -2; di <= 2 && !near; di++) {
          const [x, y] = [i + di, j + dj];
          near = x >= 0 && y >= 0 && x < w && y < h && inked(x, y);
        }
      if (!near) surround.push([i, j]);
    }
  const x = Math.floor((plan.width - w) / 2);
  const y = Math.floor(Math.max(block.minTop, Math.min(block.maxBottom - h, block.centerY - h / 2)));
  return { letters, surround, x, y };
}

/** The caption's contrast in the rendered video: mean luminance of its letters against that of their surround. */
async function captionContrast(style: StyleName): Promise<number> {
  const photo = { id: "snow", path: white, width: 1600, height: 1200, takenAt: null, arrivalIndex: 0 };
  const script = scriptFor([photo], { captions: { snow: "Fresh snow at the lake, 100% worth the climb" } });
  const plan = planRender([photo], script, style, { aspect: "16:9", resolution: 720, silent: true });
  const video = join(dir, `${style}.mp4`);
  await renderMemory(plan, { videoPath: video, posterPath: join(dir, `${style}.jpg`) });
  const slide = plan.slides.find((s) => s.kind === "photo" && s.texts.length > 0);
  const block = slide?.texts[0];
  if (!slide || !block) throw new Error("expected a captioned photo slide");
  const frame = slide.startFrame + Math.floor(slide.frames / 2);
  const rgb = await ffmpegStdout([
    ...["-i", video, "-vf", `select=eq(n\\,${frame})`, "-frames:v", "1"],
    ...["-pix_fmt", "rgb24", "-f", "rawvideo", "-"],
  ]);
  expect(rgb.length).toBe(plan.width * plan.height * 3);
  const { letters, surround, x, y } = await captionMasks(block, plan);
  expect(letters.length).toBeGreaterThan(500);
  expect(surround.length).toBeGreaterThan(letters.length);
  const mean = (pixels: [number, number][]) =>
    pixels.reduce((sum, [i, j]) => {
      const p = ((y + j) * plan.width + x + i) * 3;
      return sum + luminance(rgb[p] as number, rgb[p + 1] as number, rgb[p + 2] as number);
    }, 0) / pixels.length;
  return (mean(letters) + 0.05) / (mean(surround) + 0.05);
}

// Generous timeouts: the two cores are shared, and each case is a whole (short) render.
describe("captions on a bright photo", { timeout: 240_000 }, () => {
  it.each(STYLE_NAMES)(
    "%s: the caption's letters keep 4.5:1 contrast with their surround on a white photo",
    async (style) => {
      const contrast = await captionContrast(style);
      expect(contrast).toBeGreaterThanOrEqual(4.5);
    },
  );
});
