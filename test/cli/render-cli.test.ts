/** Runs the real `photomemory` binary as a user would, on tiny generated photos, and checks the video with ffprobe. */
import { execFile, spawn } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HTML_LOGIN_PAGE, jpegWithExif, noise, noisyJpeg } from "../fixtures/generate-photos.ts";
import { iphoneHeic } from "../fixtures/iphone-heic.ts";

const run = promisify(execFile);
const BIN = fileURLToPath(new URL("../../bin/photomemory.js", import.meta.url));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function photomemory(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Result> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      cwd,
      env: { ...process.env, ...env },
      maxBuffer: 10 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

async function ffprobe(file: string): Promise<Array<Record<string, string>>> {
  const ffprobePath = process.env.FFPROBE_PATH || "ffprobe";
  const { stdout } = await run(ffprobePath, [
    "-v",
    "error",
    "-show_entries",
    "stream=codec_type,codec_name,profile,pix_fmt,width,height",
    "-of",
    "json",
    file,
  ]);
  return (JSON.parse(stdout) as { streams: Array<Record<string, string>> }).streams;
}

async function ffmpegLog(args: string[]): Promise<string> {
  const { stderr } = await run(process.env.FFMPEG_PATH || "ffmpeg", ["-hide_banner", "-nostats", ...args]);
  return stderr;
}

/** Integrated loudness (LUFS) of a video's audio, by ffmpeg's EBU R128 meter. */
async function loudness(file: string): Promise<number> {
  const log = await ffmpegLog(["-i", file, "-vn", "-af", "ebur128", "-f", "null", "-"]);
  return Number(/Integrated loudness:\s+I:\s+(-?[\d.]+) LUFS/.exec(log)?.[1]);
}

/** Mean level (dB) of a video's audio after `filter` (-Infinity for digital silence). */
async function audioLevel(file: string, filter?: string): Promise<number> {
  const af = filter ? `${filter},volumedetect` : "volumedetect";
  const log = await ffmpegLog(["-i", file, "-vn", "-af", af, "-f", "null", "-"]);
  const level = /mean_volume: (-?[\d.]+|-inf) dB/.exec(log)?.[1];
  return level === undefined || level === "-inf" ? -Infinity : Number(level);
}

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "photomemory-cli-"));
  const photos = path.join(dir, "photos");
  await mkdir(photos);
  await writeFile(path.join(photos, "01-beach.jpg"), await noisyJpeg(320, 240, 1));
  await writeFile(
    path.join(photos, "02-rotated.jpg"),
    await jpegWithExif(sharp(noise(320, 200, 2), { raw: { width: 320, height: 200, channels: 3 } }), {
      orientation: 6,
      dateTimeOriginal: "2025:07:15 12:00:00",
      gps: true,
    }),
  );
  // PNG bytes under a .jpg name: the bytes decide.
  await writeFile(
    path.join(photos, "03-actually-png.jpg"),
    await sharp(noise(300, 300, 3), { raw: { width: 300, height: 300, channels: 3 } })
      .png()
      .toBuffer(),
  );
  const good = await noisyJpeg(400, 300, 4);
  await writeFile(path.join(photos, "04-broken.jpg"), good.subarray(0, Math.floor(good.length / 2)));
  await writeFile(path.join(photos, "05-login.jpg"), HTML_LOGIN_PAGE);
  await copyFile(path.join(photos, "01-beach.jpg"), path.join(dir, "beach-again.jpg"));

  const bad = path.join(dir, "bad");
  await mkdir(bad);
  await writeFile(path.join(bad, "page.jpg"), HTML_LOGIN_PAGE);
  await writeFile(path.join(bad, "empty.jpg"), "");

  // An iPhone's folder: HEIC photos and the video half of a Live Photo.
  const iphone = path.join(dir, "iphone");
  await mkdir(iphone);
  await writeFile(
    path.join(iphone, "IMG_0001.HEIC"),
    await iphoneHeic({ width: 240, height: 320, dateTimeOriginal: "2025:07:14 18:30:00" }),
  );
  await writeFile(
    path.join(iphone, "IMG_0002.HEIC"),
    await iphoneHeic({ width: 300, height: 400, dateTimeOriginal: "2025:07:16 09:05:00" }),
  );
  await writeFile(
    path.join(iphone, "IMG_0002.MOV"),
    Buffer.concat([
      Buffer.from([0, 0, 0, 0x14]),
      Buffer.from("ftypqt  \0\0\0\0qt  ", "latin1"),
      Buffer.alloc(64),
    ]),
  );
});

afterAll(() => rm(dir, { recursive: true, force: true }));

describe("photomemory render", () => {
  it("renders every usable photo and names each skipped one with its reason", async () => {
    const result = await photomemory(
      ["render", "photos", "beach-again.jpg", "--json", "--resolution", "720", "--out", "out/memory.mp4"],
      dir,
    );
    expect(result.stderr).toContain("04-broken.jpg");
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as {
      output: string;
      bytes: number;
      width: number;
      height: number;
      photosUsed: number;
      photosSkipped: Array<{ file: string; code: string; reason: string }>;
    };
    expect(summary.output).toBe(path.join(dir, "out", "memory.mp4"));
    expect(summary.photosUsed).toBe(3);
    expect(summary.photosSkipped.map((s) => [path.basename(s.file), s.code])).toEqual([
      ["04-broken.jpg", "photo.truncated"],
      ["05-login.jpg", "photo.not_image"],
      ["beach-again.jpg", "photo.duplicate"],
    ]);
    expect(summary.photosSkipped[1]?.reason).toContain("HTML page");
    expect([summary.width, summary.height]).toEqual([1280, 720]);

    expect((await readdir(path.join(dir, "out"))).sort()).toEqual(["memory.jpg", "memory.mp4"]);
    const streams = await ffprobe(summary.output);
    const video = streams.find((s) => s.codec_type === "video");
    expect(video).toMatchObject({
      codec_name: "h264",
      profile: "High",
      pix_fmt: "yuv420p",
      width: 1280,
      height: 720,
    });
    expect(streams.find((s) => s.codec_type === "audio")?.codec_name).toBe("aac");
    // The style's own music plays, at the soundtrack loudness.
    expect(Math.abs((await loudness(summary.output)) - -16)).toBeLessThanOrEqual(2);
  }, 180_000); // a real render; generous because the test machine may be busy

  it("makes a silent video with --silent, and plays the user's own file with --music", async () => {
    const quiet = await photomemory(
      ["render", "photos/01-beach.jpg", "--silent", "--resolution", "720", "--out", "quiet.mp4"],
      dir,
    );
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(await audioLevel(path.join(dir, "quiet.mp4"))).toBeLessThan(-80);

    // A quiet 330 Hz tone: the video plays it (and no other music), brought up to the soundtrack loudness.
    await run(process.env.FFMPEG_PATH || "ffmpeg", [
      ...["-v", "error", "-f", "lavfi", "-i", "sine=frequency=330:duration=4", "-af", "volume=-30dB"],
      ...["-y", path.join(dir, "tone.wav")],
    ]);
    const own = await photomemory(
      ["render", "photos/01-beach.jpg", "--music", "tone.wav", "--resolution", "720", "--out", "own.mp4"],
      dir,
    );
    expect(own.code, own.stderr).toBe(0);
    const file = path.join(dir, "own.mp4");
    expect(Math.abs((await loudness(file)) - -16)).toBeLessThanOrEqual(2);
    const all = await audioLevel(file, "atrim=2:5");
    const tone = await audioLevel(file, "atrim=2:5,bandpass=f=330:width_type=q:w=8");
    expect(all - tone).toBeLessThan(3);

    const both = await photomemory(["render", "photos", "--silent", "--music", "tone.wav"], dir);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--silent and --music");
  }, 240_000);

  it("renders an iPhone folder of HEIC photos, dated from their EXIF, and skips the Live Photo video", async () => {
    const result = await photomemory(
      ["render", "iphone", "--json", "--resolution", "720", "--aspect", "9:16", "--out", "iphone.mp4"],
      dir,
    );
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout) as {
      title: string;
      photosUsed: number;
      photosSkipped: Array<{ file: string; code: string; reason: string }>;
    };
    expect(summary.photosUsed).toBe(2);
    expect(summary.title).toBe("14–16 July 2025");
    expect(summary.photosSkipped).toEqual([
      expect.objectContaining({ code: "photo.not_image", reason: expect.stringContaining("a video") }),
    ]);
  }, 180_000);

  it("exits non-zero and writes no file when no photo is usable", async () => {
    const result = await photomemory(["render", "bad", "missing.jpg", "--out", "none/memory.mp4"], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/no video was made/);
    expect(result.stderr).toContain("missing.jpg does not exist");
    expect(result.stderr).toContain("empty");
    const left = await readdir(path.join(dir, "none")).catch(() => []);
    expect(left).toEqual([]);
  });

  it("fails with the reason and leaves no file or folder when the video cannot fit --max-bytes", async () => {
    const result = await photomemory(
      ["render", "photos", "--max-bytes", "10k", "--out", "tiny/a/memory.mp4", "--json"],
      dir,
    );
    expect(result.code).toBe(1);
    expect((JSON.parse(result.stdout) as { error: { code: string } }).error.code).toBe("render.too_large");
    expect(await readdir(path.join(dir, "tiny")).catch(() => "no folder")).toBe("no folder");
  });

  it("leaves no file behind when interrupted with Ctrl-C", async () => {
    const child = spawn(process.execPath, [BIN, "render", "photos", "--out", "interrupted/memory.mp4"], {
      cwd: dir,
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes("Rendering")) child.kill("SIGINT");
    });
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(code).toBe(130);
    expect(stderr).toContain("no video was written");
    expect(await readdir(path.join(dir, "interrupted")).catch(() => [])).toEqual([]);
  });

  it("fails with the reason and writes no file when ffmpeg cannot be used", async () => {
    const fake = path.join(dir, "not-ffmpeg");
    await writeFile(fake, "#!/bin/sh\nexit 1\n", { mode: 0o755 });
    const result = await photomemory(["render", "photos", "--out", "broken/memory.mp4"], dir, {
      FFMPEG_PATH: fake,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/ffmpeg/i);
    expect(await readdir(path.join(dir, "broken")).catch(() => [])).toEqual([]);
  });

  it("exits 2 on a usage error", async () => {
    const result = await photomemory(["render", "photos", "--style", "sepia"], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--style must be one of");
    expect((await photomemory(["render", "photos", "--music", "nope.mp3"], dir)).code).toBe(2);
    expect((await photomemory(["frobnicate"], dir)).code).toBe(2);
  });

  it("prints help", async () => {
    const result = await photomemory(["--help"], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("photomemory render <files or folders…>");
  });
});
