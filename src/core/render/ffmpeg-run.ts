/** A small typed wrapper over child_process.spawn for ffmpeg: progress, cancellation, and the stderr tail for errors. */
import { spawn } from "node:child_process";
import { PhotoMemoryError } from "../errors.ts";
import { ProgressParser } from "./progress.ts";

/** The binary to run: a path, or a resolved ffmpeg whose own global options (its CPU flags) go first. */
export type FfmpegBinary = string | { ffmpeg: string; globalArgs: readonly string[] };

export interface RunFfmpegOptions {
  ffmpeg: FfmpegBinary;
  /** Arguments after the global ones this wrapper adds (-hide_banner -nostats -progress pipe:1). */
  args: string[];
  /** Planned output duration, for progress = out_time / duration. */
  durationSeconds?: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
  /**
   * ffmpeg is killed when it writes nothing (no progress, no error) for this long: a hung process must not hold a
   * render slot until someone cancels. Default STALL_TIMEOUT_MS.
   */
  stallTimeoutMs?: number;
  /** Called with the child's pid once it runs (the benchmark samples its memory). */
  onSpawn?: (pid: number) => void;
}

export interface RunFfmpegResult {
  /** The last ~50 lines ffmpeg wrote to stderr. */
  stderrTail: string;
}

const TAIL_LINES = 50;
/** -progress writes a block every 0.5 s while ffmpeg works; a minute of silence is a hung process, even on a busy machine. */
export const STALL_TIMEOUT_MS = 60_000;
const DISK_FULL = /No space left on device|ENOSPC/i;

/**
 * The environment ffmpeg runs in: Node's, without MALLOC_TRIM_THRESHOLD_. That variable is there for sharp (see
 * .env.example), but setting it also switches off glibc's dynamic mmap threshold, and the Ken Burns scaling
 * allocates its buffers anew for every frame: each frame then maps and faults in fresh pages (measured with the
 * earlier zoompan Ken Burns: 40 k page faults for a 90-frame 1080p segment instead of 26 k). MALLOC_ARENA_MAX stays.
 */
export function ffmpegEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const { MALLOC_TRIM_THRESHOLD_: _forNode, ...rest } = env;
  return rest;
}

export function runFfmpeg(options: RunFfmpegOptions): Promise<RunFfmpegResult> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(cancelled(signal.reason));
  const binary =
    typeof options.ffmpeg === "string" ? { ffmpeg: options.ffmpeg, globalArgs: [] } : options.ffmpeg;
  return new Promise((resolve, reject) => {
    const child = spawn(
      binary.ffmpeg,
      [
        ...binary.globalArgs,
        "-hide_banner",
        "-nostats",
        "-loglevel",
        "error",
        "-progress",
        "pipe:1",
        ...options.args,
      ],
      { stdio: ["ignore", "pipe", "pipe"], env: ffmpegEnv() },
    );
    if (child.pid !== undefined) options.onSpawn?.(child.pid);
    const tail: string[] = [];
    let partial = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      const lines = (partial + chunk).split("\n");
      partial = lines.pop() ?? "";
      tail.push(...lines.filter((l) => l.trim() !== ""));
      if (tail.length > TAIL_LINES) tail.splice(0, tail.length - TAIL_LINES);
    });
    const parser = new ProgressParser(options.durationSeconds ?? 0, (f) => options.onProgress?.(f));
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => parser.feed(chunk));

    let stalled = false;
    const stallMs = options.stallTimeoutMs ?? STALL_TIMEOUT_MS;
    const watchdog = setTimeout(() => {
      stalled = true;
      child.kill("SIGKILL");
    }, stallMs);
    const alive = () => {
      watchdog.refresh();
    };
    child.stdout.on("data", alive);
    child.stderr.on("data", alive);

    let aborted = false;
    const onAbort = () => {
      aborted = true;
      child.kill("SIGKILL");
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    const stderrTail = () => [...tail, partial].filter((l) => l.trim() !== "").join("\n");

    child.on("error", (cause) => {
      clearTimeout(watchdog);
      signal?.removeEventListener("abort", onAbort);
      reject(
        new PhotoMemoryError(
          "render.ffmpeg_missing",
          `ffmpeg (${binary.ffmpeg}) could not be started: install it (apt-get install ffmpeg) or set FFMPEG_PATH.`,
          { cause },
        ),
      );
    });
    child.on("close", (code, killedBy) => {
      clearTimeout(watchdog);
      signal?.removeEventListener("abort", onAbort);
      if (aborted) return reject(cancelled(signal?.reason));
      const detail = stderrTail() || `exit ${code ?? killedBy}`;
      // ffmpeg 5.1 exits 0 when writing the output fails with ENOSPC ("Error writing trailer … No space left on
      // device"), leaving a cut-off file: its complaint is checked whatever the exit code.
      if (code === 0 && !DISK_FULL.test(detail)) return resolve({ stderrTail: stderrTail() });
      if (stalled)
        return reject(
          new PhotoMemoryError(
            "render.stalled",
            `ffmpeg wrote nothing for ${Math.round(stallMs / 1000)} s and was killed; the render is retried.`,
            { cause: new Error(detail) },
          ),
        );
      if (DISK_FULL.test(detail))
        return reject(
          new PhotoMemoryError(
            "disk.full",
            "ffmpeg ran out of disk space while rendering: free space on the render folder's disk (TMPDIR / DATA_DIR).",
            { cause: new Error(detail) },
          ),
        );
      reject(
        new PhotoMemoryError(
          "render.ffmpeg_failed",
          `ffmpeg failed while rendering the video (${code === null ? `killed by ${killedBy}` : `exit code ${code}`}).`,
          { cause: new Error(detail) },
        ),
      );
    });
  });
}

function cancelled(cause: unknown): PhotoMemoryError {
  return new PhotoMemoryError("render.cancelled", "The video render was cancelled.", { cause });
}
