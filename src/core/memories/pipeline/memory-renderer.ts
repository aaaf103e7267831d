/** The production MemoryRenderer: pure planning (planRender) then ffmpeg (renderMemory). */
import { join } from "node:path";
import type { Logger } from "pino";
import { isPhotoMemoryError } from "../../errors.ts";
import { findMusicBeats } from "../../render/beats/music-beats.ts";
import { planRender, renderMemory, resolveFfmpeg } from "../../render/index.ts";
import type { MusicBeats } from "../../render/types.ts";
import type { MemoryRenderer, RenderInput } from "./deps.ts";

export function createMemoryRenderer(options: { credit: boolean; logger?: Logger }): MemoryRenderer {
  return {
    async render(input) {
      const song = input.silent ? undefined : input.song;
      const musicBeats = song?.kind === "song" ? await beatsOf(song, input, options.logger) : undefined;
      const plan = planRender(input.photos, input.script, input.style, {
        aspect: input.aspect ?? "16:9",
        resolution: input.resolution ?? 720,
        credit: options.credit,
        ...(input.silent ? { silent: true } : {}),
        // A song that cannot be played gives way to the style's soundtrack (the result says why).
        ...(song?.kind === "song" ? { musicPath: song.path, musicFallback: true, musicBeats } : {}),
        ...(song?.kind === "voice" ? { voiceOver: { path: song.path, seconds: song.seconds } } : {}),
      });
      const result = await renderMemory(plan, {
        videoPath: input.videoPath,
        posterPath: input.posterPath,
        workDir: join(input.workDir, "scratch"),
        ...(input.maxBytes !== undefined ? { maxBytes: input.maxBytes } : {}),
        ...(input.signal ? { signal: input.signal } : {}),
        ...(input.onProgress ? { onProgress: input.onProgress } : {}),
      });
      return {
        durationSeconds: result.durationSeconds,
        bytes: result.bytes,
        width: result.width,
        height: result.height,
        ...(result.audioFallback ? { songFallback: result.audioFallback } : {}),
      };
    },
  };
}

/**
 * The song's beats as intake found them; a song stored before intake looked for beats (or whose analysis failed) is
 * listened to here, once for this render. A song that cannot be analysed is played without cutting on its beats.
 */
async function beatsOf(
  song: NonNullable<RenderInput["song"]>,
  input: RenderInput,
  logger: Logger | undefined,
): Promise<MusicBeats | undefined> {
  if (song.beats) return song.beats;
  try {
    return await findMusicBeats(song.path, await resolveFfmpeg(), {
      signal: input.signal,
      tmpDir: input.workDir,
    });
  } catch (error) {
    if (isPhotoMemoryError(error, "render.cancelled")) throw error;
    logger?.warn({ err: error }, "song beats not found; its cuts keep the style's pace");
    return undefined;
  }
}
