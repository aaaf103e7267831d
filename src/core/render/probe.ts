/** ffprobe as JSON: what tests and callers need to know about a rendered file. */
import { spawn } from "node:child_process";
import { z } from "zod";
import { PhotoMemoryError } from "../errors.ts";
import { resolveFfmpeg } from "./ffmpeg-resolve.ts";

export interface ProbedStream {
  index: number;
  codecType: string;
  codecName: string;
  profile?: string;
  pixFmt?: string;
  width?: number;
  height?: number;
  /** Average frame rate in frames per second (video). */
  fps?: number;
  sampleRate?: number;
  channels?: number;
  durationSeconds?: number;
}

export interface ProbeResult {
  durationSeconds: number;
  sizeBytes: number;
  formatName: string;
  streams: ProbedStream[];
}

const num = z.union([z.string(), z.number()]).transform((v) => Number(v));
const ffprobeJson = z.object({
  format: z.object({ duration: num.optional(), size: num.optional(), format_name: z.string().default("") }),
  streams: z.array(
    z.object({
      index: z.number(),
      codec_type: z.string().default(""),
      codec_name: z.string().default(""),
      profile: z.string().optional(),
      pix_fmt: z.string().optional(),
      width: z.number().optional(),
      height: z.number().optional(),
      avg_frame_rate: z.string().optional(),
      sample_rate: num.optional(),
      channels: z.number().optional(),
      duration: num.optional(),
    }),
  ),
});

/** ffprobe's JSON (format and streams) for a file, as text; rejects with ffprobe's own error line. */
export function ffprobeOutput(ffprobe: string, file: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const child = spawn(
      ffprobe,
      ["-v", "error", "-print_format", "json", "-show_format", "-show_streams", file],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(stderr.trim() || `ffprobe exit ${code}`)),
    );
  });
}

export async function probe(file: string, options: { ffprobe?: string } = {}): Promise<ProbeResult> {
  const ffprobe = options.ffprobe ?? (await resolveFfmpeg()).ffprobe;
  const out = await ffprobeOutput(ffprobe, file).catch((cause: unknown) => {
    throw new PhotoMemoryError("render.ffmpeg_failed", `ffprobe could not read ${file}.`, { cause });
  });
  const parsed = ffprobeJson.parse(JSON.parse(out));
  return {
    durationSeconds: parsed.format.duration ?? 0,
    sizeBytes: parsed.format.size ?? 0,
    formatName: parsed.format.format_name,
    streams: parsed.streams.map((s) => ({
      index: s.index,
      codecType: s.codec_type,
      codecName: s.codec_name,
      ...(s.profile !== undefined ? { profile: s.profile } : {}),
      ...(s.pix_fmt !== undefined ? { pixFmt: s.pix_fmt } : {}),
      ...(s.width !== undefined ? { width: s.width } : {}),
      ...(s.height !== undefined ? { height: s.height } : {}),
      ...(s.avg_frame_rate ? { fps: rate(s.avg_frame_rate) } : {}),
      ...(s.sample_rate !== undefined ? { sampleRate: s.sample_rate } : {}),
      ...(s.channels !== undefined ? { channels: s.channels } : {}),
      ...(s.duration !== undefined ? { durationSeconds: s.duration } : {}),
    })),
  };
}

function rate(r: string): number {
  const [n, d] = r.split("/").map(Number);
  return n !== undefined && d ? n / d : Number(n ?? 0);
}
