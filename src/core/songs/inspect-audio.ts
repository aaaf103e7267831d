/**
 * What a song file really holds, asked of ffprobe and ffmpeg: its length, its tags (title, artist), and whether its
 * sound decodes at all and is not silence (a whole decode with the EBU R128 meter, ~1 s for a 4-minute MP3). Errors
 * are PhotoMemoryErrors with a sentence for the user.
 */
import { z } from "zod";
import { PhotoMemoryError } from "../errors.ts";
import type { ResolvedFfmpeg } from "../render/ffmpeg-resolve.ts";
import { runFfmpeg } from "../render/ffmpeg-run.ts";
import { ffprobeOutput } from "../render/probe.ts";

export interface AudioFacts {
  durationSeconds: number;
  codec: string;
  title: string | null;
  artist: string | null;
  /** Integrated loudness of the whole file (LUFS). */
  loudness: number;
}

const tags = z.record(z.string(), z.string()).optional();
const ffprobeJson = z.object({
  format: z.object({ duration: z.coerce.number().optional(), tags }).optional(),
  streams: z
    .array(
      z.object({
        codec_type: z.string().optional(),
        codec_name: z.string().optional(),
        duration: z.coerce.number().optional(),
        tags,
      }),
    )
    .default([]),
});

/** Quieter than this over the whole file is silence (a recording of nothing, a muted clip). */
const SILENT_LUFS = -60;

export async function inspectAudio(
  path: string,
  tools: ResolvedFfmpeg,
  options: { name: string; maxSeconds: number; signal?: AbortSignal },
): Promise<AudioFacts> {
  const unreadable = (cause?: unknown) =>
    new PhotoMemoryError(
      "song.unreadable",
      `${options.name} could not be played: the file is damaged or not a sound I can read.`,
      cause === undefined ? undefined : { cause },
    );
  const probed = await ffprobe(tools.ffprobe, path).catch((cause: unknown) => {
    throw unreadable(cause);
  });
  const stream = probed.streams.find((s) => s.codec_type === "audio");
  if (!stream) throw unreadable();
  const duration = probed.format?.duration ?? stream.duration ?? 0;
  if (!(duration > 0.5)) throw unreadable();
  if (duration > options.maxSeconds) {
    throw new PhotoMemoryError(
      "song.too_long",
      `${options.name} is ${Math.round(duration / 60)} minutes long; music for a memory can be up to ${Math.round(options.maxSeconds / 60)} minutes.`,
    );
  }
  const log = await runFfmpeg({
    ffmpeg: tools,
    args: [
      "-loglevel",
      "info",
      "-i",
      path,
      "-map",
      "0:a:0",
      "-vn",
      "-af",
      "ebur128=framelog=verbose",
      "-f",
      "null",
      "-",
    ],
    ...(options.signal ? { signal: options.signal } : {}),
  }).catch((cause: unknown) => {
    if ((cause as { code?: string }).code === "render.cancelled") throw cause;
    throw unreadable(cause);
  });
  const match = /I:\s+(-?[\d.]+|-inf) LUFS/.exec(log.stderrTail);
  const loudness = match?.[1] && match[1] !== "-inf" ? Number(match[1]) : Number.NEGATIVE_INFINITY;
  if (!(loudness > SILENT_LUFS)) {
    throw new PhotoMemoryError("song.unreadable", `${options.name} has no sound in it (it is silent).`);
  }
  const tag = (key: string) => {
    const all = { ...stream.tags, ...probed.format?.tags };
    const found = Object.entries(all)
      .find(([k]) => k.toLowerCase() === key)?.[1]
      ?.trim();
    return found ? found.slice(0, 200) : null;
  };
  return {
    durationSeconds: duration,
    codec: stream.codec_name ?? "",
    title: tag("title"),
    artist: tag("artist"),
    loudness,
  };
}

async function ffprobe(binary: string, path: string): Promise<z.infer<typeof ffprobeJson>> {
  return ffprobeJson.parse(JSON.parse(await ffprobeOutput(binary, path)));
}
