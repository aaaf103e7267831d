/**
 * renderMemory: executes a RenderPlan. Each segment (a few photos) is one short ffmpeg process with a small filter
 * graph; the soundtrack is encoded and the poster taken while the segments render, so the last step only joins
 * segments and soundtrack with `-c copy` and makes the file faststart. No process ever holds more than a few
 * photos, so memory stays flat as photos are added.
 */
import { copyFile, mkdir, mkdtemp, open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { isPhotoMemoryError, PhotoMemoryError } from "../errors.ts";
import { audioArgs, type Loudness, loudnessArgs, parseLoudness } from "./audio-args.ts";
import { AUDIO_BITRATE_KBPS, budgetFor, type VideoRate } from "./encoder.ts";
import { type ResolvedFfmpeg, resolveFfmpeg } from "./ffmpeg-resolve.ts";
import { runFfmpeg } from "./ffmpeg-run.ts";
import { segmentArgs } from "./filter-graph.ts";
import { loadFontCatalog, resolvePlanFonts } from "./fonts.ts";
import { muxArgs, posterSegment } from "./mux.ts";
import { probe } from "./probe.ts";
import { planSegments, type Segment } from "./segments.ts";
import { styleSoundtrack } from "./soundtrack/soundtrack.ts";
import { renderTextImage } from "./text-image.ts";
import type { PlannedAudio, RenderPlan } from "./types.ts";

export interface RenderOutput {
  videoPath: string;
  posterPath: string;
  /** Make the MP4 fit this many bytes (Discord: 10 MiB, Telegram: 50 MB), or throw render.too_large. */
  maxBytes?: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
  /** Scratch folder; a temporary one (removed afterwards) when absent. */
  workDir?: string;
  /** The binaries to use, e.g. `await resolveFfmpeg(env)` from the caller; resolved from process.env when absent. */
  ffmpeg?: ResolvedFfmpeg;
}

export interface RenderResult {
  videoPath: string;
  posterPath: string;
  durationSeconds: number;
  bytes: number;
  width: number;
  height: number;
  /** What the video's soundtrack is: the plan's, or the style's own when the user's file could not be played. */
  audio: PlannedAudio["kind"];
  /** Why the user's file was replaced by the style's soundtrack (then `audio` is "soundtrack"). */
  audioFallback?: string;
}

/** A size budget at or above this video bitrate is no constraint for CRF output; the file size is still checked. */
const UNCONSTRAINED_VIDEO_KBPS = 50_000;

/** Re-encodes at most this many times when a maxBytes render still comes out too big. */
const MAX_SIZE_ATTEMPTS = 3;

export async function renderMemory(plan: RenderPlan, output: RenderOutput): Promise<RenderResult> {
  const { signal } = output;
  throwIfCancelled(signal);
  if (plan.slides.length === 0)
    throw new PhotoMemoryError("render.no_photos", "There are no photos to make a memory from.");
  // Fonts are checked before any work: a missing one is a clear error, never tofu in a finished video.
  const fonts = resolvePlanFonts(plan, await loadFontCatalog());
  const tools = output.ffmpeg ?? (await resolveFfmpeg());
  const ownsWorkDir = output.workDir === undefined;
  const workDir = resolve(output.workDir ?? (await mkdtemp(join(tmpdir(), "photomemory-render-"))));
  await mkdir(workDir, { recursive: true });
  const progress = monotonic(output.onProgress);

  try {
    const segments = planSegments(plan);
    await writeTextImages(plan, workDir, fonts);
    let rate: VideoRate = { maxrateKbps: null };
    let audioKbps = AUDIO_BITRATE_KBPS;
    let shrink = 1;
    if (output.maxBytes !== undefined) {
      const budget = budgetFor(output.maxBytes, plan.durationSeconds, segments.length);
      if (!budget) throw tooLarge(plan, output.maxBytes);
      // A limit far above anything CRF produces (the playground's) needs no VBV: it only slows x264 down.
      rate = { maxrateKbps: budget.videoKbps >= UNCONSTRAINED_VIDEO_KBPS ? null : budget.videoKbps };
      audioKbps = budget.audioKbps;
    }

    const soundtrack = createSoundtrackJob(plan, tools, workDir);
    const finalPath = join(workDir, "memory.mp4");
    const posterPath = join(workDir, "poster.jpg");
    const poster = { path: posterPath, segment: posterSegment(plan, segments)?.index ?? 0 };
    let encodedAudioKbps: number | null = null;
    for (let attempt = 1; ; attempt++) {
      // Most renders take one pass: it gets 90 % of the bar; a rare re-encode for size moves through the rest.
      const share = attempt === 1 ? 0 : 1 - 0.1 / (attempt - 1);
      const span = attempt === 1 ? 0.9 : 0.05 / (attempt - 1);
      const audioPath = join(workDir, `audio-${audioKbps}.m4a`);
      const kbps = audioKbps;
      // The soundtrack is encoded in a process slot among the segments, so nothing is left to encode after them.
      const sideJobs =
        encodedAudioKbps === audioKbps
          ? []
          : [(stop: AbortSignal) => soundtrack.encode(audioPath, kbps, stop)];
      await encodeSegments(plan, segments, { tools, workDir, rate, signal, poster }, sideJobs, (f) =>
        progress(Math.min(0.98, share + span * f * 0.97)),
      );
      encodedAudioKbps = audioKbps;
      const joined = join(workDir, "video.mpegts");
      await appendFiles(
        segments.map((s) => segmentPath(workDir, s.index)),
        joined,
      );
      await runFfmpeg({
        ffmpeg: tools,
        args: muxArgs(plan, joined, audioPath, finalPath),
        ...(signal ? { signal } : {}),
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

    await moveInto(finalPath, output.videoPath);
    await moveInto(posterPath, output.posterPath);
    const probed = await probe(output.videoPath, { ffprobe: tools.ffprobe });
    const bytes = (await stat(output.videoPath)).size;
    progress(1);
    return {
      videoPath: output.videoPath,
      posterPath: output.posterPath,
      durationSeconds: probed.durationSeconds,
      bytes,
      width: plan.width,
      height: plan.height,
      audio: soundtrack.used.audio,
      ...(soundtrack.used.fallback ? { audioFallback: soundtrack.used.fallback } : {}),
    };
  } finally {
    if (ownsWorkDir) await rm(workDir, { recursive: true, force: true });
  }
}

interface EncodeContext {
  tools: ResolvedFfmpeg;
  workDir: string;
  rate: VideoRate;
  signal: AbortSignal | undefined;
  /** The segment that also writes the poster, and where. */
  poster: { segment: number; path: string };
}

/** Two segment processes at a time, one x264 thread each: keeps both cores busy with flat memory. */
export const PARALLEL_SEGMENTS = 2;

async function encodeSegments(
  plan: RenderPlan,
  segments: Segment[],
  ctx: EncodeContext,
  /** Short ffmpeg jobs that share the process slots, at the tail of the queue (stopped with the render). */
  sideJobs: ((stop: AbortSignal) => Promise<void>)[],
  onFraction: (f: number) => void,
): Promise<void> {
  // A failing job stops the others at once (Promise.all reports the first failure); the caller's signal stops all.
  const stop = new AbortController();
  const onAbort = () => stop.abort(ctx.signal?.reason);
  ctx.signal?.addEventListener("abort", onAbort, { once: true });
  // Longest first, short jobs last (LPT): the two slots then run out of work at nearly the same moment instead of
  // one idling through the other's last full segment (~1 s of one core on a 20-photo 1080p render).
  const queue: (((stop: AbortSignal) => Promise<void>) | Segment)[] = [
    ...[...segments].sort((a, b) => b.frames - a.frames),
    ...sideJobs,
  ];
  const done = new Map<number, number>();
  const report = () => onFraction([...done.values()].reduce((a, b) => a + b, 0) / plan.totalFrames);
  let next = 0;
  const worker = async () => {
    for (let j = next++; j < queue.length; j = next++) {
      const task = queue[j] as ((stop: AbortSignal) => Promise<void>) | Segment;
      throwIfCancelled(ctx.signal);
      if (typeof task === "function") {
        await task(stop.signal);
        continue;
      }
      const segment = task;
      const files = {
        textImage: (i: number, t: number) => textPath(ctx.workDir, i, t),
        output: segmentPath(ctx.workDir, segment.index),
        ...(segment.index === ctx.poster.segment ? { poster: ctx.poster.path } : {}),
      };
      await runFfmpeg({
        ffmpeg: ctx.tools,
        args: segmentArgs(plan, segment, files, ctx.rate),
        durationSeconds: segment.frames / plan.fps,
        onProgress: (f) => {
          done.set(segment.index, f * segment.frames);
          report();
        },
        signal: stop.signal,
      });
      done.set(segment.index, segment.frames);
      report();
    }
  };
  try {
    await Promise.all(
      Array.from({ length: Math.min(PARALLEL_SEGMENTS, queue.length) }, () =>
        worker().catch((error: unknown) => {
          stop.abort(error);
          throw error;
        }),
      ),
    );
  } finally {
    ctx.signal?.removeEventListener("abort", onAbort);
  }
}

/**
 * The soundtrack's encoding, run in a process slot among the segments: a user's file is measured first (once per
 * render, kept for a re-encode at another bitrate). When a chat's song or voice note cannot be played (ffmpeg cannot
 * decode it, or it is silent), the style's own soundtrack takes its place and `used` says why.
 */
function createSoundtrackJob(plan: RenderPlan, tools: ResolvedFfmpeg, workDir: string) {
  const used: { audio: PlannedAudio["kind"]; fallback?: string } = { audio: plan.audio.kind };
  let current = plan;
  let measured: Promise<Loudness | null> | null = null;
  const encodeWith = async (p: RenderPlan, output: string, kbps: number, stop: AbortSignal) => {
    const source = await soundtrackSource(p, workDir);
    const analysis = loudnessArgs(p, source);
    if (analysis && !measured) {
      measured = runFfmpeg({ ffmpeg: tools, args: analysis, signal: stop }).then((r) => {
        const found = parseLoudness(r.stderrTail);
        if (!found)
          throw new PhotoMemoryError("render.audio_unreadable", "It has no sound that could be measured.");
        return found;
      });
    }
    const loudness = analysis && measured ? await measured : null;
    await runFfmpeg({ ffmpeg: tools, args: audioArgs(p, source, output, kbps, loudness), signal: stop });
  };
  return {
    used,
    async encode(output: string, kbps: number, stop: AbortSignal): Promise<void> {
      try {
        await encodeWith(current, output, kbps, stop);
      } catch (error) {
        const style = fallbackStyle(current);
        if (
          !style ||
          stop.aborted ||
          isPhotoMemoryError(error, "render.cancelled") ||
          isPhotoMemoryError(error, "disk.full")
        )
          throw error;
        used.audio = "soundtrack";
        used.fallback = isPhotoMemoryError(error, "render.audio_unreadable")
          ? "has no sound"
          : "could not be played";
        const fadeOutSeconds = current.audio.kind === "silence" ? 0 : current.audio.fadeOutSeconds;
        current = { ...current, audio: { kind: "soundtrack", style, fadeOutSeconds } };
        await encodeWith(current, output, kbps, stop);
      }
    },
  };
}

/** The style whose soundtrack replaces a user's file that cannot be played; null when that must fail the render. */
function fallbackStyle(plan: RenderPlan) {
  if (plan.audio.kind === "music") return plan.audio.fallback ?? null;
  if (plan.audio.kind === "voice") return plan.audio.style;
  return null;
}

/** The file the soundtrack is made from: the style's loop written into the work folder (under a voice note too), the user's music, or none. */
async function soundtrackSource(plan: RenderPlan, workDir: string): Promise<string | null> {
  if (plan.audio.kind === "music") return plan.audio.path;
  if (plan.audio.kind === "silence") return null;
  const path = join(workDir, `soundtrack-${plan.audio.style}.wav`);
  await writeFile(path, await styleSoundtrack(plan.audio.style));
  return path;
}

/** Each text block as a small PNG (a few ms each; sharp runs them on libuv's small thread pool). */
async function writeTextImages(
  plan: RenderPlan,
  workDir: string,
  fonts: ReturnType<typeof resolvePlanFonts>,
): Promise<void> {
  const jobs = plan.slides.flatMap((slide, i) =>
    slide.texts.map((text, t) => ({ text, path: textPath(workDir, i, t) })),
  );
  await Promise.all(jobs.map(async (job) => writeFile(job.path, await renderTextImage(job.text, fonts))));
}

const textPath = (dir: string, slide: number, text: number) => join(dir, `text-${slide}-${text}.png`);
const segmentPath = (dir: string, index: number) => join(dir, `segment-${index}.mpegts`);

/** Writes the files' bytes one after another into `to` (one segment in memory at a time: a few MB). */
async function appendFiles(from: string[], to: string): Promise<void> {
  const out = await open(to, "w");
  try {
    for (const file of from) await out.write(await readFile(file));
  } finally {
    await out.close();
  }
}

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
