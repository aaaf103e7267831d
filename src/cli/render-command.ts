/**
 * `photomemory render`: files and folders in, memory.mp4 + memory.jpg out. Every usable photo is used; every
 * unusable one is named with its reason. The video is written under a hidden partial name next to the target and
 * renamed only when complete, so a failed, interrupted or photo-less run never leaves a file behind.
 */
import { mkdir, mkdtemp, rename, rm, rmdir, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { isPhotoMemoryError } from "../core/errors.ts";
import { findMusicBeats } from "../core/render/beats/music-beats.ts";
import { planRender, type ResolvedFfmpeg, renderMemory, resolveFfmpeg } from "../core/render/index.ts";
import type { MusicBeats } from "../core/render/types.ts";
import { createOfflineScriptWriter } from "../core/script/offline-script-writer.ts";
import { formatBytes } from "./byte-size.ts";
import { collectInputs } from "./collect-inputs.ts";
import { type CliContext, EXIT, UsageError } from "./context.ts";
import { preparePhotos, type SkippedPhoto } from "./prepare-photos.ts";
import { createProgress } from "./progress-bar.ts";
import { parseRenderOptions, type RenderOptions } from "./render-options.ts";

export interface RenderSummary {
  output: string;
  poster: string;
  durationSeconds: number;
  bytes: number;
  width: number;
  height: number;
  style: string;
  title: string;
  photosUsed: number;
  photosSkipped: SkippedPhoto[];
}

export async function runRenderCommand(argv: readonly string[], ctx: CliContext): Promise<number> {
  let options: RenderOptions;
  try {
    options = parseRenderOptions(argv, ctx.cwd);
    if ((await stat(options.out).catch(() => null))?.isDirectory())
      throw new UsageError(`--out ${options.out} is a folder; give the video's file name, e.g. memory.mp4`);
    if (options.musicPath && !(await stat(options.musicPath).catch(() => null))?.isFile())
      throw new UsageError(`--music ${options.musicPath} is not a file`);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    ctx.stderr.write(`photomemory render: ${error.message}.\nRun "photomemory --help" for usage.\n`);
    return EXIT.usage;
  }
  return render(options, ctx);
}

async function render(options: RenderOptions, ctx: CliContext): Promise<number> {
  const progress = createProgress(ctx.stderr);
  const { files, missing } = await collectInputs(options.inputs, ctx.cwd);
  const skipped: SkippedPhoto[] = missing.map((file) => ({
    file,
    code: "photo.missing",
    reason: `${file} does not exist.`,
  }));
  const partialVideo = partialPath(options.out);
  const partialPoster = partialPath(options.poster);
  const workDir = await mkdtemp(path.join(os.tmpdir(), "photomemory-"));
  let createdDir: string | undefined;

  try {
    // Fail before the slow part when ffmpeg is missing or lacks what the engine needs.
    const ffmpeg = await resolveFfmpeg(ctx.env);
    progress.phase(`Preparing ${files.length} ${files.length === 1 ? "photo" : "photos"}`);
    const prepared = await preparePhotos(
      files,
      workDir,
      (done, total) => progress.update(total === 0 ? 1 : done / total),
      ctx.signal,
    );
    progress.done();
    skipped.push(...prepared.skipped);
    for (const skip of skipped) ctx.stderr.write(`Skipped ${skip.file}: ${skip.reason}\n`);

    if (prepared.photos.length === 0) {
      const message =
        files.length + missing.length === 0
          ? "No photos were given, so no video was made."
          : "None of the files is a usable photo, so no video was made.";
      return fail(ctx, options, { code: "render.no_photos", message }, skipped);
    }

    const script = await createOfflineScriptWriter().write({
      photos: prepared.photos,
      style: options.style,
      locale: "en",
      ...(options.title === undefined ? {} : { title: options.title }),
    });
    const plan = planRender(prepared.photos, script, options.style, {
      aspect: options.aspect,
      resolution: options.resolution,
      ...(options.musicPath === undefined
        ? {}
        : {
            musicPath: options.musicPath,
            musicBeats: await musicBeats(options.musicPath, ffmpeg, workDir, ctx),
          }),
      silent: options.silent,
    });

    createdDir = await mkdir(path.dirname(options.out), { recursive: true });
    progress.phase(
      `Rendering ${prepared.photos.length} ${prepared.photos.length === 1 ? "photo" : "photos"} (${options.style}, ${plan.width}×${plan.height})`,
    );
    const result = await renderMemory(plan, {
      videoPath: partialVideo,
      posterPath: partialPoster,
      workDir: path.join(workDir, "render"),
      signal: ctx.signal,
      onProgress: (fraction) => progress.update(fraction),
      ...(options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes }),
    });
    progress.done();
    await rename(partialVideo, options.out);
    await rename(partialPoster, options.poster);

    const summary: RenderSummary = {
      output: options.out,
      poster: options.poster,
      durationSeconds: result.durationSeconds,
      bytes: result.bytes,
      width: result.width,
      height: result.height,
      style: options.style,
      title: script.title,
      photosUsed: prepared.photos.length,
      photosSkipped: skipped,
    };
    if (options.json) ctx.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else ctx.stdout.write(`${describe(summary, ctx.cwd)}\n`);
    return EXIT.ok;
  } catch (error) {
    progress.done();
    await Promise.all([rm(partialVideo, { force: true }), rm(partialPoster, { force: true })]);
    await removeEmptyDirs(path.dirname(options.out), createdDir);
    if (ctx.signal.aborted) {
      ctx.stderr.write("Interrupted; no video was written.\n");
      return EXIT.interrupted;
    }
    if (isPhotoMemoryError(error))
      return fail(ctx, options, { code: error.code, message: error.message }, skipped);
    throw error;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

/**
 * The beats of `--music`, so the cuts land on them. A file ffmpeg cannot read is left to the render, which fails on
 * it with its own sentence.
 */
async function musicBeats(
  file: string,
  ffmpeg: ResolvedFfmpeg,
  workDir: string,
  ctx: CliContext,
): Promise<MusicBeats | undefined> {
  try {
    return await findMusicBeats(file, ffmpeg, { signal: ctx.signal, tmpDir: workDir });
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    return undefined;
  }
}

function fail(
  ctx: CliContext,
  options: RenderOptions,
  error: { code: string; message: string },
  skipped: SkippedPhoto[],
): number {
  ctx.stderr.write(`photomemory render: ${error.message}\n`);
  if (options.json) ctx.stdout.write(`${JSON.stringify({ error, photosSkipped: skipped }, null, 2)}\n`);
  return EXIT.failure;
}

/** Hidden name in the same folder, so the final rename is atomic; the extension stays so ffmpeg picks the format. */
function partialPath(target: string): string {
  const ext = path.extname(target);
  return path.join(path.dirname(target), `.${path.basename(target, ext)}.partial-${process.pid}${ext}`);
}

function describe(summary: RenderSummary, cwd: string): string {
  const where = shortPath(summary.output, cwd);
  const poster = shortPath(summary.poster, cwd);
  const skipped = summary.photosSkipped.length;
  return [
    `Wrote ${where}: "${summary.title}", ${summary.width}×${summary.height}, ${summary.durationSeconds.toFixed(1)} s, ${formatBytes(summary.bytes)}, style ${summary.style}.`,
    `${summary.photosUsed} ${summary.photosUsed === 1 ? "photo" : "photos"} used${skipped ? `, ${skipped} skipped` : ""}. Poster: ${poster}`,
  ].join("\n");
}

/** Relative to the working directory when inside it, else absolute. */
function shortPath(file: string, cwd: string): string {
  const relative = path.relative(cwd, file);
  return relative && !relative.startsWith("..") && !path.isAbsolute(relative) ? relative : file;
}

/** Undoes `mkdir -p` of the output folder after a failure: removes `dir` and its parents up to `createdTop`, if empty. */
async function removeEmptyDirs(dir: string, createdTop: string | undefined): Promise<void> {
  if (createdTop === undefined) return;
  for (let current = dir; current.startsWith(createdTop); current = path.dirname(current)) {
    const removed = await rmdir(current).then(
      () => true,
      () => false,
    );
    if (!removed || current === createdTop) return;
  }
}
