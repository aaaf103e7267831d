/**
 * renderMemory: executes a RenderPlan. Slides are prepared by sharp (the next segment's while ffmpeg encodes the
 * current one), each segment is one short ffmpeg process with a small filter graph, then the segments are joined
 * with `-c copy`, the soundtrack is added and the file is made faststart. Memory stays flat as photos are added.
 */
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, rename, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { PhotoMemoryError } from "../errors.ts";
import { AUDIO_BITRATE_KBPS, budgetFor, type VideoRate } from "./encoder.ts";
import { resolveFfmpeg } from "./ffmpeg-resolve.ts";
import { runFfmpeg } from "./ffmpeg-run.ts";
import { segmentArgs } from "./filter-graph.ts";
import { concatList, muxArgs, posterArgs } from "./mux.ts";
import { prepareSlide } from "./prepare-slides.ts";
import { probe } from "./probe.ts";
import { planSegments, type Segment } from "./segments.ts";
import type { RenderPlan } from "./types.ts";

export interface RenderOutput {
  videoPath: string;
  posterPath: string;
  /** Make the MP4 fit this many bytes (Discord: 10 MiB, Telegram: 50 MB), or throw render.too_large. */
  maxBytes?: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
  /** Scratch folder; a temporary one (removed afterwards) when absent. */
  workDir?: string;
  /** Called with each ffmpeg child's pid (the benchmark samples their memory). */
  onFfmpegSpawn?: (pid: number) => void;
}

export interface RenderResult {
  videoPath: string;
  posterPath: string;
  durationSeconds: number;
  bytes: number;
  width: number;
  height: number;
}

/** Re-encodes at most this many times when a maxBytes render still comes out too big. */
const MAX_SIZE_ATTEMPTS = 3;

export async function renderMemory(plan: RenderPlan, output: RenderOutput): Promise<RenderResult> {
  const { signal } = output;
  throwIfCancelled(signal);
  if (plan.slides.length === 0)
    throw new PhotoMemoryError("render.no_photos", "There are no photos to make a memory from.");
  checkFonts(plan);
  const { ffmpeg } = await resolveFfmpeg();
  const ownsWorkDir = output.workDir === undefined;
  const workDir = output.workDir ?? (await mkdtemp(join(tmpdir(), "photomemory-render-")));
  await mkdir(workDir, { recursive: true });
  const progress = monotonic(output.onProgress);

  try {
    const segments = planSegments(plan);
    await writeTexts(plan, workDir);
    const prepared = new Map<number, Promise<void>>();
    // One still at a time: libvips is multi-threaded already, and parallel decodes would stack their memory.
    let queue: Promise<void> = Promise.resolve();
    const prepare = (segment: Segment | undefined) => {
      for (const piece of segment?.slides ?? []) {
        if (!prepared.has(piece.slideIndex)) {
          const slide = plan.slides[piece.slideIndex];
          if (!slide) continue;
          const done = queue.then(() => prepareSlide(plan, slide, imagePath(workDir, piece.slideIndex)));
          queue = done.catch(() => {});
          prepared.set(piece.slideIndex, done);
        }
      }
    };

    let rate: VideoRate = { maxrateKbps: null };
    let audioKbps = AUDIO_BITRATE_KBPS;
    let shrink = 1;
    if (output.maxBytes !== undefined) {
      const budget = budgetFor(output.maxBytes, plan.durationSeconds, segments.length);
      if (!budget) throw tooLarge(plan, output.maxBytes);
      rate = { maxrateKbps: budget.videoKbps };
      audioKbps = budget.audioKbps;
    }

    const finalPath = join(workDir, "memory.mp4");
    for (let attempt = 1; ; attempt++) {
      const passes = output.maxBytes !== undefined ? MAX_SIZE_ATTEMPTS : 1;
      const share = (attempt - 1) / passes;
      const span = 1 / passes;
      await encodeSegments(
        plan,
        segments,
        { ffmpeg, workDir, rate, signal, prepare, prepared, output },
        (f) => progress(Math.min(0.98, share + span * f * 0.97)),
      );
      const list = join(workDir, "segments.txt");
      await writeFile(list, concatList(segments.map((s) => segmentPath(workDir, s.index))));
      await runFfmpeg({
        ffmpeg,
        args: muxArgs(plan, list, finalPath, audioKbps),
        ...(signal ? { signal } : {}),
        ...(output.onFfmpegSpawn ? { onSpawn: output.onFfmpegSpawn } : {}),
      });
      const bytes = (await stat(finalPath)).size;
      if (output.maxBytes === undefined || bytes <= output.maxBytes) break;
      if (attempt >= MAX_SIZE_ATTEMPTS) throw tooLarge(plan, output.maxBytes);
      shrink *= (output.maxBytes / bytes) * 0.92;
      const budget = budgetFor(output.maxBytes, plan.durationSeconds, segments.length, shrink);
      if (!budget) throw tooLarge(plan, output.maxBytes);
      rate = { maxrateKbps: budget.videoKbps };
      audioKbps = budget.audioKbps;
    }

    await runFfmpeg({
      ffmpeg,
      args: posterArgs(plan, finalPath, join(workDir, "poster.jpg")),
      ...(signal ? { signal } : {}),
    });
    await moveInto(finalPath, output.videoPath);
    await moveInto(join(workDir, "poster.jpg"), output.posterPath);
    const probed = await probe(output.videoPath);
    const bytes = (await stat(output.videoPath)).size;
    progress(1);
    return {
      videoPath: output.videoPath,
      posterPath: output.posterPath,
      durationSeconds: probed.durationSeconds,
      bytes,
      width: plan.width,
      height: plan.height,
    };
  } finally {
    if (ownsWorkDir) await rm(workDir, { recursive: true, force: true });
  }
}

interface EncodeContext {
  ffmpeg: string;
  workDir: string;
  rate: VideoRate;
  signal: AbortSignal | undefined;
  prepare: (segment: Segment | undefined) => void;
  prepared: Map<number, Promise<void>>;
  output: RenderOutput;
}

async function encodeSegments(
  plan: RenderPlan,
  segments: Segment[],
  ctx: EncodeContext,
  onFraction: (f: number) => void,
): Promise<void> {
  let doneFrames = 0;
  ctx.prepare(segments[0]);
  for (const [j, segment] of segments.entries()) {
    throwIfCancelled(ctx.signal);
    await Promise.all(segment.slides.map((p) => ctx.prepared.get(p.slideIndex)));
    // Prepare the next segment's stills in Node while ffmpeg encodes this one.
    ctx.prepare(segments[j + 1]);
    const files = {
      image: (i: number) => imagePath(ctx.workDir, i),
      textFile: (i: number, line: number) => textPath(ctx.workDir, i, line),
      output: segmentPath(ctx.workDir, segment.index),
    };
    await runFfmpeg({
      ffmpeg: ctx.ffmpeg,
      args: segmentArgs(plan, segment, files, ctx.rate),
      durationSeconds: segment.frames / plan.fps,
      onProgress: (f) => onFraction((doneFrames + f * segment.frames) / plan.totalFrames),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      ...(ctx.output.onFfmpegSpawn ? { onSpawn: ctx.output.onFfmpegSpawn } : {}),
    });
    doneFrames += segment.frames;
    onFraction(doneFrames / plan.totalFrames);
  }
}

async function writeTexts(plan: RenderPlan, workDir: string): Promise<void> {
  await Promise.all(
    plan.slides.flatMap((slide, i) =>
      slide.texts.map((t, line) => writeFile(textPath(workDir, i, line), t.text)),
    ),
  );
}

function checkFonts(plan: RenderPlan): void {
  for (const slide of plan.slides) {
    for (const text of slide.texts) {
      if (!existsSync(text.fontFile)) {
        throw new PhotoMemoryError(
          "render.font_missing",
          `The font ${text.fontFile} is missing: install Debian's fonts-dejavu-core (apt-get install fonts-dejavu-core).`,
        );
      }
    }
  }
}

const imagePath = (dir: string, slide: number) => join(dir, `slide-${slide}.jpg`);
const textPath = (dir: string, slide: number, line: number) => join(dir, `text-${slide}-${line}.txt`);
const segmentPath = (dir: string, index: number) => join(dir, `segment-${index}.mp4`);

async function moveInto(from: string, to: string): Promise<void> {
  await mkdir(dirname(to), { recursive: true });
  try {
    await rename(from, to);
  } catch {
    await copyFile(from, to);
    await rm(from, { force: true });
  }
}

function monotonic(onProgress?: (fraction: number) => void): (f: number) => void {
  let last = 0;
  return (f) => {
    const clamped = Math.min(1, Math.max(0, f));
    if (clamped <= last) return;
    last = clamped;
    onProgress?.(clamped);
  };
}

function throwIfCancelled(signal?: AbortSignal): void {
  if (signal?.aborted) {
    throw new PhotoMemoryError("render.cancelled", "The video render was cancelled.", {
      cause: signal.reason,
    });
  }
}

function tooLarge(plan: RenderPlan, maxBytes: number): PhotoMemoryError {
  const mb = (maxBytes / 1_000_000).toFixed(1);
  return new PhotoMemoryError(
    "render.too_large",
    `A ${Math.round(plan.durationSeconds)}-second memory cannot fit in ${mb} MB; use fewer photos or a larger limit.`,
  );
}
