/** Real ffmpeg renders of small generated photos, inspected with ffprobe. */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Aspect, PreparedPhoto, StyleName } from "../../src/core/domain.ts";
import { loadFontCatalog, resolvePlanFonts } from "../../src/core/render/fonts.ts";
import {
  planRender,
  probe,
  type RenderPlan,
  renderMemory,
  resolveFfmpeg,
} from "../../src/core/render/index.ts";
import { renderTextImage } from "../../src/core/render/text-image.ts";
import { ffmpegStdout, makePhotos, scriptFor } from "./fixtures.ts";

let dir: string;
let photos: PreparedPhoto[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pm-render-"));
  photos = await makePhotos(join(dir, "photos"), 3);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const tricky = `Grandma's "café": 100%, [really] \\ über-fun; 50% off`;

function planFor(style: StyleName, aspect: Aspect, use = photos, musicPath?: string): RenderPlan {
  const script = scriptFor(use, { captions: { "photo-1": tricky }, closing: "À bientôt: see you, 100%!" });
  return planRender(use, script, style, { aspect, resolution: 720, ...(musicPath ? { musicPath } : {}) });
}

/** Top-level MP4 boxes in file order (to check faststart: moov before mdat). */
async function topLevelBoxes(file: string): Promise<string[]> {
  const handle = await open(file, "r");
  try {
    const { size } = await handle.stat();
    const boxes: string[] = [];
    let offset = 0;
    const header = Buffer.alloc(16);
    while (offset + 8 <= size) {
      await handle.read(header, 0, 16, offset);
      let length = header.readUInt32BE(0);
      const type = header.toString("latin1", 4, 8);
      if (length === 1) length = Number(header.readBigUInt64BE(8));
      if (length < 8) break;
      boxes.push(type);
      offset += length;
    }
    return boxes;
  } finally {
    await handle.close();
  }
}

/** Loudest sample in a window of the file's audio, in dB. */
async function maxVolume(file: string, from: number, seconds: number): Promise<number> {
  const { ffmpeg } = await resolveFfmpeg();
  const args = [
    "-hide_banner",
    "-ss",
    String(from),
    "-t",
    String(seconds),
    "-i",
    file,
    "-vn",
    "-af",
    "volumedetect",
    "-f",
    "null",
    "-",
  ];
  const stderr = await new Promise<string>((resolve, reject) => {
    const child = spawn(ffmpeg, args, { stdio: ["ignore", "ignore", "pipe"] });
    let out = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      out += d;
    });
    child.on("error", reject);
    child.on("close", () => resolve(out));
  });
  const match = /max_volume: (-?[\d.]+|-inf) dB/.exec(stderr);
  return match?.[1] === undefined || match[1] === "-inf" ? -Infinity : Number(match[1]);
}

/** Mean luma (0–255) of one frame of a video, decoded by ffmpeg. */
async function meanLuma(file: string, frame: number, crop?: string): Promise<number> {
  const filters = [`select=eq(n\\,${frame})`, ...(crop ? [crop] : []), "format=gray"].join(",");
  const pixels = await ffmpegStdout(["-i", file, "-vf", filters, "-frames:v", "1", "-f", "rawvideo", "-"]);
  if (pixels.length === 0) throw new Error(`frame ${frame} not found in ${file}`);
  return pixels.reduce((sum, v) => sum + v, 0) / pixels.length;
}

async function expectPlayableMemory(plan: RenderPlan, name: string) {
  const videoPath = join(dir, `${name}.mp4`);
  const posterPath = join(dir, `${name}.jpg`);
  const progress: number[] = [];
  const result = await renderMemory(plan, { videoPath, posterPath, onProgress: (f) => progress.push(f) });
  const probed = await probe(videoPath);
  const video = probed.streams.find((s) => s.codecType === "video");
  const audio = probed.streams.find((s) => s.codecType === "audio");
  expect(video).toMatchObject({
    codecName: "h264",
    profile: "High",
    pixFmt: "yuv420p",
    width: plan.width,
    height: plan.height,
  });
  expect(video?.fps).toBeCloseTo(30, 1);
  expect(audio?.codecName).toBe("aac");
  expect(probed.durationSeconds).toBeGreaterThan(plan.durationSeconds - 0.1);
  expect(probed.durationSeconds).toBeLessThan(plan.durationSeconds + 0.1);
  const boxes = await topLevelBoxes(videoPath);
  expect(boxes.indexOf("moov")).toBeGreaterThanOrEqual(0);
  expect(boxes.indexOf("moov")).toBeLessThan(boxes.indexOf("mdat"));
  const poster = await sharp(posterPath).metadata();
  expect(poster).toMatchObject({ format: "jpeg", width: plan.width, height: plan.height });
  // The poster is the video's own frame at the middle of the title card (taken from the segment holding it).
  const posterLuma = (await sharp(posterPath).greyscale().raw().toBuffer()).reduce((a, v) => a + v, 0);
  // (within JPEG and luma-weight differences: a frame of a photo slide would be tens of levels away)
  const titleLuma = await meanLuma(videoPath, plan.posterFrame);
  expect(Math.abs(posterLuma / (plan.width * plan.height) - titleLuma)).toBeLessThan(4);
  expect(result).toMatchObject({ videoPath, posterPath, width: plan.width, height: plan.height });
  expect(result.bytes).toBeGreaterThan(10_000);
  expect(progress[progress.length - 1]).toBe(1);
  for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThan(progress[i - 1] as number);
  return { result, probed };
}

// Generous per-test timeouts: the machine's two cores are shared, and a render is several ffmpeg runs.
describe("renderMemory (real ffmpeg)", { timeout: 240_000 }, () => {
  // Every style, and between them every aspect ratio.
  it.each([
    ["classic", "16:9"],
    ["modern", "9:16"],
    ["cinematic", "1:1"],
    ["vintage", "16:9"],
  ] as const)(
    "renders %s at %s: H.264 High, yuv420p, 30 fps, AAC, faststart, poster",
    async (style, aspect) => {
      // Two photos (one landscape, one portrait with a tricky caption) keep the suite quick.
      const use = style === "classic" ? photos : photos.slice(0, 2);
      await expectPlayableMemory(planFor(style, aspect, use), `${style}-${aspect.replace(":", "x")}`);
    },
  );

  it("loops a short soundtrack to the video's length and fades it out", async () => {
    const { ffmpeg } = await resolveFfmpeg();
    const music = join(dir, "tone.m4a");
    await new Promise<void>((resolve, reject) => {
      const child = spawn(ffmpeg, [
        "-v",
        "error",
        "-f",
        "lavfi",
        "-i",
        "sine=frequency=440:duration=3",
        "-c:a",
        "aac",
        "-y",
        music,
      ]);
      child.on("error", reject);
      child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))));
    });
    const plan = planFor("modern", "1:1", photos.slice(0, 2), music);
    expect(plan.durationSeconds).toBeGreaterThan(8); // several times the 3-second tone
    const { probed } = await expectPlayableMemory(plan, "music");
    const audio = probed.streams.find((s) => s.codecType === "audio");
    expect(audio?.durationSeconds).toBeCloseTo(plan.durationSeconds, 0);
    // Well after the tone's first 3 seconds it is still playing (looped), and it is quiet at the very end.
    expect(await maxVolume(join(dir, "music.mp4"), plan.durationSeconds - 6, 1)).toBeGreaterThan(-30);
    expect(await maxVolume(join(dir, "music.mp4"), plan.durationSeconds - 0.1, 0.1)).toBeLessThan(-35);
  });

  it("cross-fades two photos: the old one until the fade, an even mix halfway, then the new one alone", async () => {
    const flat = await Promise.all(
      [40, 210].map(async (grey, i) => {
        const path = join(dir, `flat-${i}.jpg`);
        await sharp({
          create: { width: 640, height: 480, channels: 3, background: { r: grey, g: grey, b: grey } },
        })
          .jpeg()
          .toFile(path);
        return { ...(photos[0] as PreparedPhoto), id: `flat-${i}`, path, width: 640, height: 480 };
      }),
    );
    const plan = planRender(flat, scriptFor(flat), "classic", { aspect: "16:9", resolution: 720 });
    await expectPlayableMemory(plan, "fade");
    const dark = plan.slides[1];
    const d = dark?.transitionOut?.frames ?? 0;
    if (!dark || d < 10) throw new Error("expected a classic fade between the photos");
    const fadeStart = dark.startFrame + dark.frames - d;
    const video = join(dir, "fade.mp4");
    const before = await meanLuma(video, fadeStart - 3);
    const halfway = await meanLuma(video, fadeStart + Math.floor(d / 2));
    const after = await meanLuma(video, fadeStart + d + 3);
    // Flat photos come back within a couple of levels of their grey; a residue of the old photo after the fade
    // (a merge left on at a low weight) would pull the new one down by several levels.
    expect(Math.abs(before - 40)).toBeLessThan(3);
    expect(Math.abs(after - 210)).toBeLessThan(3);
    expect(Math.abs(halfway - 125)).toBeLessThan(12);
  });

  it("darkens the corners of a vintage memory, not its centre", async () => {
    const path = join(dir, "flat-grey.jpg");
    const grey = { r: 200, g: 200, b: 200 };
    await sharp({ create: { width: 640, height: 480, channels: 3, background: grey } })
      .jpeg()
      .toFile(path);
    const flat = [{ ...(photos[0] as PreparedPhoto), id: "flat-grey", path, width: 640, height: 480 }];
    const plan = planRender(flat, scriptFor(flat), "vintage", { aspect: "16:9", resolution: 720 });
    await expectPlayableMemory(plan, "vignette");
    const slide = plan.slides[1];
    if (!slide) throw new Error("expected a photo slide");
    const frame = slide.startFrame + Math.floor(slide.frames / 2);
    const centre = await meanLuma(join(dir, "vignette.mp4"), frame, "crop=64:64:(iw-64)/2:(ih-64)/2");
    const corner = await meanLuma(join(dir, "vignette.mp4"), frame, "crop=64:64:0:0");
    expect(corner).toBeLessThan(centre * 0.75);
    expect(centre).toBeGreaterThan(120); // graded and toned, but not darkened in the middle
  });

  it("shows the title image on the title card and the caption over the moving photo, where the plan puts them", async () => {
    const script = scriptFor(photos, {
      title: "Ünïcode <b>&</b> समुद्र 海 🎉",
      captions: { "photo-1": "مرحبا بالبحر 🌊 — a day by the sea" },
    });
    const plan = planRender(photos, script, "classic", { aspect: "16:9", resolution: 720 });
    await expectPlayableMemory(plan, "typography");
    const video = join(dir, "typography.mp4");
    const fonts = resolvePlanFonts(plan, await loadFontCatalog());
    const captioned = plan.slides.findIndex((s) => s.photoId === "photo-1" && s.kind === "photo");
    const slide = plan.slides[captioned];
    if (!slide) throw new Error("expected the captioned slide");
    for (const [block, frame] of [
      [plan.slides[0]?.texts[0], plan.posterFrame],
      [slide.texts[0], slide.startFrame + Math.floor(slide.frames / 2)],
    ] as const) {
      if (!block) throw new Error("expected a text block");
      const image = await sharp(await renderTextImage(block, fonts))
        .raw()
        .toBuffer({ resolveWithObject: true });
      const { width: w, height: h } = image.info;
      const x = Math.floor((plan.width - w) / 2);
      const y = Math.floor(Math.max(block.minTop, Math.min(block.maxBottom - h, block.centerY - h / 2)));
      const luma = await ffmpegStdout([
        ...["-i", video, "-vf", `select=eq(n\\,${frame}),format=gray`, "-frames:v", "1"],
        ...["-f", "rawvideo", "-"],
      ]);
      expect(luma.length).toBe(plan.width * plan.height);
      // The frame is bright where the image has solid white text and darker around it (shadow, photo), exactly at
      // the planned place: moved by a few pixels, the match falls apart.
      const contrastAt = (dx: number, dy: number) => {
        let [ink, inkN, clear, clearN] = [0, 0, 0, 0];
        for (let j = 0; j < h; j++)
          for (let i = 0; i < w; i++) {
            const alpha = image.data[(j * w + i) * 4 + 3] as number;
            const white = (image.data[(j * w + i) * 4] as number) > 230;
            const v = luma[(y + j + dy) * plan.width + x + i + dx] as number;
            if (alpha > 250 && white) [ink, inkN] = [ink + v, inkN + 1];
            else if (alpha < 5) [clear, clearN] = [clear + v, clearN + 1];
          }
        return ink / inkN - clear / clearN;
      };
      const placed = contrastAt(0, 0);
      expect(placed).toBeGreaterThan(60);
      for (const [dx, dy] of [
        [8, 0],
        [-8, 0],
        [0, 8],
      ] as const)
        expect(placed - contrastAt(dx, dy)).toBeGreaterThan(20);
    }
  });

  it("plays the style's soundtrack by default, and keeps a silent memory silent", async () => {
    expect(await maxVolume(join(dir, "classic-16x9.mp4"), 1, 2)).toBeGreaterThan(-20);
    const one = photos.slice(0, 1);
    const plan = planRender(one, scriptFor(one), "classic", {
      aspect: "16:9",
      resolution: 720,
      silent: true,
    });
    await expectPlayableMemory(plan, "silent");
    expect(await maxVolume(join(dir, "silent.mp4"), 0, plan.durationSeconds)).toBeLessThan(-80);
  });

  it("fits maxBytes by lowering the bitrate", async () => {
    const plan = planFor("classic", "16:9");
    const unlimited = (await probe(join(dir, "classic-16x9.mp4"))).sizeBytes;
    const maxBytes = Math.floor(unlimited * 0.6);
    expect(maxBytes).toBeGreaterThan(450_000); // a limit a 14-second memory can meet, but only at a lower bitrate
    const result = await renderMemory(plan, {
      videoPath: join(dir, "small.mp4"),
      posterPath: join(dir, "small.jpg"),
      maxBytes,
    });
    expect(result.bytes).toBeLessThanOrEqual(maxBytes);
    expect(result.durationSeconds).toBeCloseTo(plan.durationSeconds, 0);
  });

  it("says render.too_large when a limit cannot be met, and writes no file", async () => {
    const videoPath = join(dir, "impossible.mp4");
    await expect(
      renderMemory(planFor("classic", "16:9"), {
        videoPath,
        posterPath: join(dir, "impossible.jpg"),
        maxBytes: 20_000,
      }),
    ).rejects.toMatchObject({ code: "render.too_large" });
    expect(existsSync(videoPath)).toBe(false);
  });

  it("stops with render.cancelled when aborted, and writes no file", async () => {
    const controller = new AbortController();
    const videoPath = join(dir, "cancelled.mp4");
    const render = renderMemory(planFor("classic", "16:9"), {
      videoPath,
      posterPath: join(dir, "cancelled.jpg"),
      signal: controller.signal,
      onProgress: (f) => {
        if (f > 0.05) controller.abort();
      },
    });
    await expect(render).rejects.toMatchObject({ code: "render.cancelled" });
    expect(existsSync(videoPath)).toBe(false);
  });
});
