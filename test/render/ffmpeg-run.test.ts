import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { userMessage } from "../../src/core/errors.ts";
import { NonRetriableError } from "../../src/core/jobs/job-errors.ts";
import { asStepError } from "../../src/core/memories/pipeline/step-errors.ts";
import { ffmpegEnv } from "../../src/core/render/ffmpeg-run.ts";
import { resolveFfmpeg, runFfmpeg } from "../../src/core/render/index.ts";

describe("runFfmpeg", () => {
  it("reports monotonic progress up to 1", async () => {
    const { ffmpeg } = await resolveFfmpeg();
    const seen: number[] = [];
    await runFfmpeg({
      ffmpeg,
      args: ["-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-t", "2", "-f", "null", "-"],
      durationSeconds: 2,
      onProgress: (f) => seen.push(f),
    });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[seen.length - 1]).toBe(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1] as number);
  });

  it("kills ffmpeg and rejects with render.cancelled when aborted", async () => {
    const { ffmpeg } = await resolveFfmpeg();
    const controller = new AbortController();
    let pid = 0;
    const run = runFfmpeg({
      ffmpeg,
      // Endless input, realtime: it only stops when killed.
      args: ["-re", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-f", "null", "-"],
      durationSeconds: 3600,
      signal: controller.signal,
      onSpawn: (p) => {
        pid = p;
      },
      onProgress: () => controller.abort(),
    });
    await expect(run).rejects.toMatchObject({ code: "render.cancelled" });
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).toThrow(); // the process is gone
  });

  it("kills an ffmpeg that hangs (writes nothing) and rejects with render.stalled", async () => {
    const { ffmpeg } = await resolveFfmpeg();
    const dir = await mkdtemp(join(tmpdir(), "pm-stall-"));
    const fifo = join(dir, "input");
    execFileSync("mkfifo", [fifo]);
    let pid = 0;
    const started = performance.now();
    try {
      // Nobody ever writes to the FIFO: ffmpeg blocks opening its input, as a hung decoder or a dead NFS mount would.
      const run = runFfmpeg({
        ffmpeg,
        args: ["-f", "rawvideo", "-pix_fmt", "gray", "-s", "16x16", "-i", fifo, "-f", "null", "-"],
        stallTimeoutMs: 1500,
        onSpawn: (p) => {
          pid = p;
        },
      });
      await expect(run).rejects.toMatchObject({ code: "render.stalled" });
      expect(performance.now() - started).toBeLessThan(15_000);
      expect(() => process.kill(pid, 0)).toThrow();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("says the disk is full when ffmpeg cannot write its output (ENOSPC), and that is final", async () => {
    const { ffmpeg } = await resolveFfmpeg();
    const run = runFfmpeg({
      ffmpeg,
      args: [
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=320x240:rate=30",
        "-t",
        "2",
        "-f",
        "mpegts",
        "-y",
        "/dev/full",
      ],
    });
    const error = await run.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "disk.full" });
    expect(userMessage(error)).toMatch(/out of disk space/);
    expect(asStepError(error)).toBeInstanceOf(NonRetriableError);
  });

  it("rejects at once when the signal is already aborted", async () => {
    const { ffmpeg } = await resolveFfmpeg();
    await expect(
      runFfmpeg({ ffmpeg, args: ["-version"], signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ code: "render.cancelled" });
  });

  it("keeps ffmpeg's complaint for the error", async () => {
    const { ffmpeg } = await resolveFfmpeg();
    const error = await runFfmpeg({
      ffmpeg,
      args: ["-f", "lavfi", "-i", "testsrc2", "-vf", "nosuchfilter", "-f", "null", "-"],
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "render.ffmpeg_failed" });
    expect(String((error as Error).cause)).toMatch(/nosuchfilter/i);
  });
});

describe("ffmpegEnv", () => {
  it("keeps Node's environment but the malloc trim threshold meant for sharp", () => {
    const env = ffmpegEnv({ PATH: "/usr/bin", MALLOC_ARENA_MAX: "2", MALLOC_TRIM_THRESHOLD_: "131072" });
    expect(env).toEqual({ PATH: "/usr/bin", MALLOC_ARENA_MAX: "2" });
  });
});
