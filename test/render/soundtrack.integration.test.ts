/**
 * The music a memory gets by default and its ending, measured the way a listener and a viewer would meet them: the
 * real ffmpeg renders, ebur128 measures the loudness, frames are decoded and looked at.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PreparedPhoto, STYLE_NAMES } from "../../src/core/domain.ts";
import { planRender, probe, type RenderPlan, renderMemory } from "../../src/core/render/index.ts";
import { SCORES } from "../../src/core/render/soundtrack/scores.ts";
import { styleSoundtrack } from "../../src/core/render/soundtrack/soundtrack.ts";
import { beatSamples, synthesise } from "../../src/core/render/soundtrack/synth.ts";
import { ffmpegRun, integratedLufs, meanVolume } from "./audio-meter.ts";
import { ffmpegStdout, makePhotos, scriptFor } from "./fixtures.ts";

let dir: string;
let photos: PreparedPhoto[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pm-soundtrack-"));
  photos = (await makePhotos(join(dir, "photos"), 3)).map((p, i) => ({
    ...p,
    takenAt: new Date(Date.UTC(2025, 6, 14 + i, 10)),
  }));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** ffmpeg's stderr for an analysis run (`-f null`). */
const analyse = (args: string[]) => ffmpegRun([...args, "-f", "null", "-"]);

/** One decoded frame as grey levels. */
async function grey(file: string, frame: number): Promise<Buffer> {
  return ffmpegStdout([
    "-i",
    file,
    "-vf",
    `select=eq(n\\,${frame}),format=gray`,
    "-frames:v",
    "1",
    "-f",
    "rawvideo",
    "-",
  ]);
}

const mean = (pixels: Buffer) => pixels.reduce((a, v) => a + v, 0) / pixels.length;

describe("the style's soundtrack", () => {
  it.each(STYLE_NAMES)(
    "%s: a seamless loop at −16 LUFS, no clipping, no DC, nothing harsh up high",
    async (style) => {
      const wav = join(dir, `${style}.wav`);
      await writeFile(wav, await styleSoundtrack(style));
      expect(await integratedLufs(wav)).toBeCloseTo(-16, 0);
      const stats = await analyse(["-i", wav, "-af", "astats=measure_perchannel=none"]);
      const peak = Number(/Peak level dB:\s+(-?[\d.]+)/.exec(stats)?.[1]);
      const dc = Number(/DC offset:\s+(-?[\d.e-]+)/.exec(stats)?.[1]);
      expect(peak).toBeLessThan(-1);
      expect(peak).toBeGreaterThan(-12); // it is music, not a whisper
      expect(Math.abs(dc)).toBeLessThan(0.001);
      // Above 12 kHz (where aliasing and digital fizz would live) the music is at least 45 dB down.
      const whole = await meanVolume(wav, 0, 60);
      const high = await meanVolume(wav, 0, 60, "highpass=f=12000:poles=2,highpass=f=12000:poles=2,");
      expect(high).toBeLessThan(whole - 45);
    },
  );

  it.each(STYLE_NAMES)("%s: every part of the score is heard (drums included)", async (style) => {
    const score = SCORES[style];
    const rms = (samples: Float32Array) =>
      Math.sqrt(samples.reduce((sum, v) => sum + v * v, 0) / samples.length);
    const whole = rms((await synthesise(score)).left);
    for (const part of score.parts) {
      const solo = rms((await synthesise({ ...score, parts: [part] })).left);
      // A light clap sits ~34 dB under the mix; a part that never sounds is -Infinity dB.
      expect({ voice: part.voice, db: 20 * Math.log10(solo / whole) }).toEqual({
        voice: part.voice,
        db: expect.toSatisfy((db: number) => db > -40),
      });
    }
  });

  it.each(STYLE_NAMES)("%s: is the same every time and has its beat where the plan cuts", async (style) => {
    const score = SCORES[style];
    const [a, b] = await Promise.all([synthesise(score), synthesise(score)]);
    expect(Buffer.from(a.left.buffer).equals(Buffer.from(b.left.buffer))).toBe(true);
    // Every bar starts with an onset: the 60 ms after a downbeat are louder than the 60 ms before it.
    const rms = (from: number, to: number) => {
      let sum = 0;
      for (let i = from; i < to; i++) sum += (a.left[(i + a.left.length) % a.left.length] as number) ** 2;
      return Math.sqrt(sum / (to - from));
    };
    const window = 0.06 * a.sampleRate;
    const bar = beatSamples(score) * score.beatsPerBar;
    for (let start = 0; start < a.left.length; start += bar) {
      expect(rms(start, start + window)).toBeGreaterThan(rms(start - window, start) * 1.2);
    }
  });
});

describe("a memory with music and an ending (real ffmpeg)", { timeout: 240_000 }, () => {
  let plan: RenderPlan;
  let video: string;

  beforeAll(async () => {
    plan = planRender(photos, scriptFor(photos, { title: "Lisbon" }), "classic", {
      aspect: "16:9",
      resolution: 720,
      credit: true,
    });
    video = join(dir, "ending.mp4");
    await renderMemory(plan, { videoPath: video, posterPath: join(dir, "ending.jpg") });
  }, 240_000);

  it("has a soundtrack as long as the picture, at about −16 LUFS", async () => {
    const probed = await probe(video);
    const audio = probed.streams.find((s) => s.codecType === "audio");
    expect(audio?.codecName).toBe("aac");
    expect(audio?.durationSeconds).toBeCloseTo(plan.durationSeconds, 1);
    expect(probed.durationSeconds).toBeCloseTo(plan.durationSeconds, 1);
    const lufs = await integratedLufs(video);
    expect(Math.abs(lufs - -16)).toBeLessThanOrEqual(2);
    expect(await meanVolume(video, 2, 3)).toBeGreaterThan(-30);
  });

  it("fades the music out with the picture to black at the end", async () => {
    const fade = plan.fadeOutFrames / plan.fps;
    const before = await meanVolume(video, plan.durationSeconds - fade - 1.5, 1.5);
    const lastBit = await meanVolume(video, plan.durationSeconds - 0.4, 0.4);
    expect(lastBit).toBeLessThan(before - 15);
    const card = mean(await grey(video, plan.totalFrames - plan.fadeOutFrames - 2));
    const lastFrame = mean(await grey(video, plan.totalFrames - 1));
    expect(lastFrame).toBeLessThan(20);
    expect(card).toBeGreaterThan(lastFrame + 25);
  });

  it("shows a closing card with the title and dates in the closing frames", async () => {
    const closing = plan.slides[plan.slides.length - 1];
    if (!closing) throw new Error("no closing card");
    const frameNo = plan.totalFrames - plan.fadeOutFrames - 2;
    const pixels = await grey(video, frameNo);
    await writeFile(join(dir, "closing.gray"), pixels);
    // Each line of text is a band of bright strokes over the dimmed, blurred photo; between the lines there are none.
    const brightIn = (top: number, height: number) => {
      let count = 0;
      for (let y = top; y < top + height; y++)
        for (let x = 0; x < plan.width; x++) if ((pixels[y * plan.width + x] as number) > 200) count++;
      return count;
    };
    for (const text of closing.texts) {
      // Each block is drawn centred on its anchor, about 1.5 × each run's size tall per run.
      const half = Math.round(text.runs.reduce((sum, r) => sum + r.sizePx * 1.5, 0) / 2);
      const top = Math.max(0, text.centerY - half);
      const size = text.runs[0]?.sizePx ?? 0;
      expect(brightIn(top, Math.min(plan.height - top, 2 * half))).toBeGreaterThan(size * 2);
    }
    expect(brightIn(0, Math.round(plan.height * 0.15))).toBe(0);
  });
});
