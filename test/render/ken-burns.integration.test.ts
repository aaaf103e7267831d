/**
 * The Ken Burns motion, measured: a still of bright dots goes through the engine's own filter graph (real ffmpeg), and
 * every dot's centre in every frame is compared with where the planned crop puts it (error), and its move from the
 * frame before with the planned move (jump: what the eye sees as shake). Measured p95, error / jump: naive zoompan
 * over a still of the frame's size 2.8 / 2.2 px; zoompan over a 1.5–2× still 1.5–1.75 / 1.03–1.29 px; the engine's
 * scale-and-crop 0.73 / 1.12–1.21 px (each frame placed to the nearest output pixel).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PreparedPhoto } from "../../src/core/domain.ts";
import { segmentFilterGraph } from "../../src/core/render/filter-graph.ts";
import { planRender } from "../../src/core/render/index.ts";
import type { PlannedSlide, Rect } from "../../src/core/render/types.ts";
import { ffmpegStdout, scriptFor } from "./fixtures.ts";

const WIDTH = 3072;
const HEIGHT = 2048;
const SIGMA = 4;
const DOTS: [number, number][] = [];
for (let i = 0; i < 7; i++)
  for (let j = 0; j < 5; j++) DOTS.push([300 + i * 400 + 23.7 * j, 220 + j * 380 + 17.3 * i]);

let dir: string;
let photo: PreparedPhoto;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pm-kenburns-"));
  const pixels = Buffer.alloc(WIDTH * HEIGHT, 40);
  for (const [cx, cy] of DOTS)
    for (let y = Math.floor(cy - 4 * SIGMA); y <= cy + 4 * SIGMA; y++)
      for (let x = Math.floor(cx - 4 * SIGMA); x <= cx + 4 * SIGMA; x++) {
        const d2 = (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2;
        pixels[y * WIDTH + x] = 40 + Math.round(200 * Math.exp(-d2 / (2 * SIGMA ** 2)));
      }
  const path = join(dir, "dots.jpg");
  await sharp(pixels, { raw: { width: WIDTH, height: HEIGHT, channels: 1 } })
    .jpeg({ quality: 95 })
    .toFile(path);
  photo = {
    id: "dots",
    path,
    width: WIDTH,
    height: HEIGHT,
    takenAt: null,
    arrivalIndex: 0,
    focus: { x: 0.3, y: 0.6 },
  };
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const lerp = (a: Rect, b: Rect, p: number): Rect => ({
  x: a.x + (b.x - a.x) * p,
  y: a.y + (b.y - a.y) * p,
  w: a.w + (b.w - a.w) * p,
  h: a.h + (b.h - a.h) * p,
});

const percentile = (values: number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) * q)] as number;

describe("Ken Burns motion", () => {
  it.each([720, 1080] as const)(
    "puts every dot within a pixel of its planned place, frame after frame (%ip)",
    async (resolution) => {
      const plan = planRender([photo], scriptFor([photo], { title: "" }), "classic", {
        aspect: "16:9",
        resolution,
      });
      const slideIndex = plan.slides.findIndex((s) => s.kind === "photo");
      const slide = plan.slides[slideIndex] as PlannedSlide;
      expect(slide.texts).toEqual([]);
      const graph = segmentFilterGraph(plan, {
        index: 0,
        startFrame: 0,
        frames: slide.frames,
        slides: [{ slideIndex, offsetFrames: 0, frames: slide.frames, localStart: 0 }],
      });
      const raw = await ffmpegStdout([
        ...["-framerate", String(plan.fps), "-i", photo.path, "-filter_complex", graph],
        ...["-map", "[v]", "-pix_fmt", "gray", "-f", "rawvideo", "-"],
      ]);
      const { width: W, height: H } = plan;
      expect(raw.length).toBe(W * H * slide.frames);

      const { from, to } = slide.motion;
      const errors: number[] = [];
      const jumps: number[] = [];
      let previous: ({ x: number; y: number; dx: number; dy: number } | null)[] = [];
      for (let f = 0; f < slide.frames; f++) {
        const r = lerp(from, to, f / Math.max(1, slide.frames - 1));
        const scale = W / r.w;
        const radius = Math.ceil(4 * SIGMA * scale) + 2;
        const current = DOTS.map(([cx, cy]) => {
          // Where the crop puts the dot's centre, in output pixel indices (pixel centres at i + 0.5).
          const ix = (cx - r.x) * scale - 0.5;
          const iy = (cy - r.y) * (H / r.h) - 0.5;
          if (ix < radius || iy < radius || ix > W - 1 - radius || iy > H - 1 - radius) return null;
          let sx = 0;
          let sy = 0;
          let sum = 0;
          for (let y = Math.round(iy) - radius; y <= Math.round(iy) + radius; y++)
            for (let x = Math.round(ix) - radius; x <= Math.round(ix) + radius; x++) {
              const v = Math.max(0, (raw[f * W * H + y * W + x] as number) - 48);
              sx += v * x;
              sy += v * y;
              sum += v;
            }
          const found = { x: sx / sum, y: sy / sum, dx: sx / sum - ix, dy: sy / sum - iy };
          errors.push(Math.hypot(found.dx, found.dy));
          return found;
        });
        current.forEach((dot, d) => {
          const before = previous[d];
          // The frame-to-frame jump against the planned one: what the eye sees as shake.
          if (dot && before) jumps.push(Math.hypot(dot.dx - before.dx, dot.dy - before.dy));
        });
        previous = current;
      }
      expect(errors.length).toBeGreaterThan(slide.frames * 10);
      expect(percentile(errors, 0.95)).toBeLessThan(1);
      expect(percentile(jumps, 0.95)).toBeLessThan(1.35);
    },
  );
});
