/**
 * Framing through the real intake and the real ffmpeg render: a face near a photo's edge stays whole in every frame
 * (checked by running the face detector on the rendered frames), and a photo of the other orientation is shown whole
 * (its coloured edge bands all show in every frame), at 16:9 and 9:16.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Aspect, PreparedPhoto } from "../../src/core/domain.ts";
import { closeFaceDetector, detectFaces, normalisePhoto } from "../../src/core/photos/index.ts";
import { type PlannedSlide, planRender, renderMemory } from "../../src/core/render/index.ts";
import { ffmpegStdout, scriptFor } from "./fixtures.ts";

/** A public-domain NASA portrait (see test/fixtures/faces/README.md). */
const ASTRONAUT = fileURLToPath(new URL("../fixtures/faces/astronaut.jpg", import.meta.url));
const BAND = 48;

let dir: string;
let photos: PreparedPhoto[];

const block = (width: number, height: number, colour: string) =>
  sharp({ create: { width, height, channels: 3, background: colour } })
    .png()
    .toBuffer();

/**
 * "land": 4:3, the astronaut in the top-left corner (beside a cyan band), a yellow band on the right edge.
 * "port": 3:4, the astronaut mirrored in the top-right corner (under a magenta band), a green band at the bottom.
 * Big enough that the detector still finds her face when the photo is shown whole, small in the frame.
 */
async function scenes(): Promise<Record<"land" | "port", Buffer>> {
  const astronaut = await sharp(ASTRONAUT).resize(800, 800).toBuffer();
  const mirrored = await sharp(ASTRONAUT).resize(750, 750).flop().toBuffer();
  const land = await sharp(await block(1600, 1200, "#6b7f5a"))
    .composite([
      { input: await block(BAND, 1200, "#00ffff"), left: 0, top: 0 },
      { input: await block(BAND, 1200, "#ffff00"), left: 1600 - BAND, top: 0 },
      { input: astronaut, left: BAND, top: 0 },
    ])
    .jpeg({ quality: 90 })
    .toBuffer();
  const port = await sharp(await block(1200, 1600, "#6b7f5a"))
    .composite([
      { input: await block(1200, BAND, "#ff00ff"), left: 0, top: 0 },
      { input: await block(1200, BAND, "#00ff00"), left: 0, top: 1600 - BAND },
      { input: mirrored, left: 450, top: BAND },
    ])
    .jpeg({ quality: 90 })
    .toBuffer();
  return { land, port };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pm-framing-"));
  photos = [];
  for (const [id, bytes] of Object.entries(await scenes())) {
    const normalised = await normalisePhoto(bytes, { name: `${id}.jpg` });
    const path = join(dir, `${id}.jpg`);
    await writeFile(path, normalised.jpeg);
    photos.push({
      id,
      path,
      width: normalised.width,
      height: normalised.height,
      takenAt: null,
      arrivalIndex: photos.length,
      focus: normalised.focus,
      faces: normalised.faces,
    });
  }
}, 120_000);
afterAll(async () => {
  await closeFaceDetector();
  await rm(dir, { recursive: true, force: true });
});

type Rgb = (x: number, y: number) => [number, number, number];
const isColour = {
  cyan: ([r, g, b]: [number, number, number]) => r < 90 && g > 190 && b > 190,
  yellow: ([r, g, b]: [number, number, number]) => r > 190 && g > 190 && b < 90,
  magenta: ([r, g, b]: [number, number, number]) => r > 190 && g < 90 && b > 190,
  green: ([r, g, b]: [number, number, number]) => r < 90 && g > 190 && b < 90,
};

/** The frames of a photo slide that no transition touches. */
function heldFrames(plan: { slides: PlannedSlide[] }, slide: PlannedSlide): [number, number] {
  const index = plan.slides.indexOf(slide);
  const incoming = plan.slides[index - 1]?.transitionOut?.frames ?? 0;
  return [slide.startFrame + incoming, slide.startFrame + slide.frames - (slide.transitionOut?.frames ?? 0)];
}

describe.each(["16:9", "9:16"] as Aspect[])("framing at %s", (aspect) => {
  it("keeps the face near the edge whole in every frame and shows the other orientation whole", async () => {
    expect(photos.map((p) => p.faces?.length)).toEqual([1, 1]); // the detector found the astronaut at intake
    const plan = planRender(photos, scriptFor(photos, { title: "Faces" }), "classic", {
      aspect,
      resolution: 720,
    });
    const video = join(dir, `framing-${aspect.replace(":", "x")}.mp4`);
    await renderMemory(plan, {
      videoPath: video,
      posterPath: join(dir, `poster-${aspect.replace(":", "x")}.jpg`),
    });

    const step = 4;
    const raw = await ffmpegStdout([
      "-i",
      video,
      "-vf",
      `select=not(mod(n\\,${step})),format=rgb24`,
      "-fps_mode",
      "passthrough",
      "-f",
      "rawvideo",
      "-",
    ]);
    const frameBytes = plan.width * plan.height * 3;
    expect(raw.length).toBe(Math.ceil(plan.totalFrames / step) * frameBytes);

    const slides = plan.slides.filter((s) => s.kind === "photo");
    // One slide is cropped (the face near its edge must survive the Ken Burns) and one is shown whole.
    expect(slides.filter((s) => s.fit).map((s) => s.photoId)).toEqual([aspect === "16:9" ? "port" : "land"]);
    let checked = 0;
    for (const slide of slides) {
      const [first, end] = heldFrames(plan, slide);
      for (let n = Math.ceil(first / step) * step; n < end; n += step) {
        const frame = raw.subarray((n / step) * frameBytes, (n / step + 1) * frameBytes);
        const rgb: Rgb = (x, y) => {
          const i = (y * plan.width + x) * 3;
          return [frame[i] as number, frame[i + 1] as number, frame[i + 2] as number];
        };
        // A photo shown whole is small in the frame, and the detector looks at 512 px: it gets the quarter of the
        // frame's central square where that photo has her (top right of "port", top left of "land").
        const side = Math.min(plan.width, plan.height);
        const square = { left: (plan.width - side) / 2, top: (plan.height - side) / 2 };
        const quarter = {
          left: square.left + (slide.photoId === "port" ? side / 2 : 0),
          top: square.top,
          width: side / 2,
          height: side / 2,
        };
        const png = await sharp(frame, { raw: { width: plan.width, height: plan.height, channels: 3 } })
          .extract(slide.fit ? quarter : { left: 0, top: 0, width: plan.width, height: plan.height })
          .png({ compressionLevel: 1 })
          .toBuffer();
        const faces = await detectFaces(png);
        // Whole: the detector finds the face, and its box does not run into the frame's edge.
        const whole = faces.filter(
          (f) => f.x > 0.005 && f.y > 0.005 && f.x + f.w < 0.995 && f.y + f.h < 0.995,
        );
        expect(whole, `${slide.photoId} frame ${n}: a whole face`).not.toHaveLength(0);
        if (slide.fit && slide.photoId === "port") {
          // The centre column runs through the portrait from its top band to its bottom band.
          const column = Array.from({ length: plan.height }, (_, y) => rgb(plan.width / 2, y));
          expect(column.some(isColour.magenta), `frame ${n}: the portrait's top`).toBe(true);
          expect(column.some(isColour.green), `frame ${n}: the portrait's bottom`).toBe(true);
        }
        if (slide.fit && slide.photoId === "land") {
          const row = Array.from({ length: plan.width }, (_, x) => rgb(x, Math.round(plan.height / 2)));
          expect(row.some(isColour.cyan), `frame ${n}: the landscape's left edge`).toBe(true);
          expect(row.some(isColour.yellow), `frame ${n}: the landscape's right edge`).toBe(true);
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(30);
  }, 240_000);
});

describe("modern pairs", () => {
  it("shows two portraits side by side in a landscape frame, both whole in every frame", async () => {
    // Two portraits told apart by their bands: magenta over green, and cyan over yellow.
    const portrait = async (id: string, top: string, bottom: string) => {
      const path = join(dir, `${id}.jpg`);
      await sharp(await block(1200, 1600, "#6b7f5a"))
        .composite([
          { input: await block(1200, BAND, top), left: 0, top: 0 },
          { input: await block(1200, BAND, bottom), left: 0, top: 1600 - BAND },
        ])
        .jpeg({ quality: 90 })
        .toFile(path);
      return { id, path, width: 1200, height: 1600, takenAt: null, arrivalIndex: 0 } satisfies PreparedPhoto;
    };
    const pair = [
      await portrait("left", "#ff00ff", "#00ff00"),
      await portrait("right", "#00ffff", "#ffff00"),
    ];
    const plan = planRender(pair, scriptFor(pair), "modern", {
      aspect: "16:9",
      resolution: 720,
      silent: true,
    });
    const slide = plan.slides.find((s) => s.kind === "photo") as PlannedSlide;
    expect(plan.slides.filter((s) => s.kind === "photo")).toHaveLength(1);
    const video = join(dir, "pair.mp4");
    await renderMemory(plan, { videoPath: video, posterPath: join(dir, "pair.jpg") });

    const [first, end] = heldFrames(plan, slide);
    const frameBytes = plan.width * plan.height * 3;
    const raw = await ffmpegStdout([
      "-i",
      video,
      "-vf",
      `select=between(n\\,${first}\\,${end - 1}),format=rgb24`,
      "-fps_mode",
      "passthrough",
      "-f",
      "rawvideo",
      "-",
    ]);
    expect(raw.length).toBe((end - first) * frameBytes);
    for (let n = 0; n < end - first; n += 3) {
      const frame = raw.subarray(n * frameBytes, (n + 1) * frameBytes);
      const colours = (x0: number, x1: number) => {
        const seen = new Set<string>();
        for (let y = 0; y < plan.height; y += 2) {
          for (let x = x0; x < x1; x += 4) {
            const i = (y * plan.width + x) * 3;
            const rgb: [number, number, number] = [
              frame[i] as number,
              frame[i + 1] as number,
              frame[i + 2] as number,
            ];
            for (const [name, test] of Object.entries(isColour)) if (test(rgb)) seen.add(name);
          }
        }
        return [...seen].sort();
      };
      // Each half of the frame holds one whole portrait: both of its bands, none of the other's.
      expect(colours(0, plan.width / 2), `frame ${first + n}, left half`).toEqual(["green", "magenta"]);
      expect(colours(plan.width / 2, plan.width), `frame ${first + n}, right half`).toEqual([
        "cyan",
        "yellow",
      ]);
    }
  }, 240_000);
});
