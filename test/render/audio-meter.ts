/**
 * Listening to rendered audio with the resolved ffmpeg: integrated loudness by the EBU R128 meter, mean level over a
 * stretch (optionally through a band-pass around a tone, or with it cut out), and quiet tones made the way a chat
 * would send them.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { resolveFfmpeg } from "../../src/core/render/index.ts";

/** Runs ffmpeg with `args`; resolves with its stderr (where its meters write), rejects with the end of it. */
export async function ffmpegRun(args: string[]): Promise<string> {
  const { ffmpeg } = await resolveFfmpeg();
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, ["-hide_banner", "-nostats", ...args], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      err += d;
    });
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(err) : reject(new Error(err.slice(-800)))));
  });
}

export async function integratedLufs(file: string): Promise<number> {
  const out = await ffmpegRun(["-i", file, "-vn", "-af", "ebur128", "-f", "null", "-"]);
  const match = /Integrated loudness:\s+I:\s+(-?[\d.]+) LUFS/.exec(out);
  if (!match?.[1]) throw new Error(`no loudness in ${out.slice(-500)}`);
  return Number(match[1]);
}

/** Mean level (dB) of the audio between `from` and `from + seconds`, after `filters`. */
export async function meanVolume(file: string, from: number, seconds: number, filters = ""): Promise<number> {
  const out = await ffmpegRun([
    "-ss",
    String(from),
    "-t",
    String(seconds),
    "-i",
    file,
    "-vn",
    "-af",
    `${filters}volumedetect`,
    "-f",
    "null",
    "-",
  ]);
  const match = /mean_volume: (-?[\d.]+|-inf) dB/.exec(out);
  return match?.[1] === undefined || match[1] === "-inf" ? -Infinity : Number(match[1]);
}

/** Filters keeping a narrow band around `hz` (a tone's pitch). */
export const around = (hz: number) => `bandpass=f=${hz}:width_type=q:w=8,bandpass=f=${hz}:width_type=q:w=8,`;
/** Filters cutting a band around `hz` out. */
export const without = (hz: number) =>
  `bandreject=f=${hz}:width_type=q:w=2,bandreject=f=${hz}:width_type=q:w=2,`;

/** A sine tone written to `dir/name` at `volume`, with `output` options (codec, tags; the container by the name). */
export async function writeTone(
  dir: string,
  name: string,
  tone: { frequency: number; seconds: number; volume: number },
  output: string[],
): Promise<string> {
  const path = join(dir, name);
  await ffmpegRun([
    "-v",
    "error",
    "-f",
    "lavfi",
    "-i",
    `sine=frequency=${tone.frequency}:duration=${tone.seconds}:sample_rate=44100`,
    "-af",
    `volume=${tone.volume}`,
    ...output,
    "-y",
    path,
  ]);
  return path;
}

/** An ID3 header, then `bytes` of noise: it looks like an MP3 by its first bytes and decodes to nothing. */
export function brokenMp3(bytes: number, offset = 0): Buffer {
  const junk = Buffer.alloc(bytes);
  for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919 + offset) % 251;
  return Buffer.concat([Buffer.from("ID3\x04\x00\x00\x00\x00\x00\x00", "latin1"), junk]);
}
