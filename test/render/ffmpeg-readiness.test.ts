/**
 * ffmpeg is looked for at start, the way the render engine will look for it, and found again once it is installed:
 * real resolution against real files (a missing path, then a link to the machine's ffmpeg at that path).
 */
import { mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createFfmpegReadiness, type FfmpegResult } from "../../src/core/render/ffmpeg-readiness.ts";
import { resolveFfmpeg } from "../../src/core/render/ffmpeg-resolve.ts";

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe("ffmpeg readiness", () => {
  it("reports a missing ffmpeg with its fix, and ok once it is there, without a restart", async () => {
    const real = await resolveFfmpeg(process.env);
    const dir = await mkdtemp(path.join(tmpdir(), "pm-ffmpeg-"));
    dirs.push(dir);
    const ffmpegPath = path.join(dir, "ffmpeg");
    const results: FfmpegResult[] = [];
    const readiness = createFfmpegReadiness({
      env: { PATH: "", FFMPEG_PATH: ffmpegPath, FFPROBE_PATH: real.ffprobe },
      recheckMs: 0,
      onResult: (r) => results.push(r),
    });
    expect(readiness.current()).toEqual({ status: "checking" });
    const missing = await readiness.settled();
    expect(missing.status).toBe("missing");
    expect(missing.status === "missing" && missing.message).toMatch(
      /FFMPEG_PATH points to .*ffmpeg, which is not an executable file; fix the path or unset it/,
    );

    await symlink(real.ffmpeg, ffmpegPath);
    expect(readiness.current().status).toBe("missing"); // starts the re-check
    expect(await readiness.settled()).toEqual({ status: "ok", source: "FFMPEG_PATH" });
    expect(readiness.current()).toEqual({ status: "ok", source: "FFMPEG_PATH" });
    expect(results.map((r) => r.status)).toEqual(["missing", "ok"]);
  });

  it("does not look again before recheckMs has passed", async () => {
    const readiness = createFfmpegReadiness({
      env: { PATH: "", FFMPEG_PATH: "/nonexistent/ffmpeg" },
      recheckMs: 60_000,
    });
    await readiness.settled();
    expect(readiness.current().status).toBe("missing");
    // No check in flight: settled() answers at once with the same result.
    expect((await readiness.settled()).status).toBe("missing");
  });
});
