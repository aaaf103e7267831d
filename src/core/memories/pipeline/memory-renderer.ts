/** The production MemoryRenderer: pure planning (planRender) then ffmpeg (renderMemory). */
import { join } from "node:path";
import { planRender, renderMemory } from "../../render/index.ts";
import type { MemoryRenderer } from "./deps.ts";

export function createMemoryRenderer(options: { credit: boolean }): MemoryRenderer {
  return {
    async render(input) {
      const plan = planRender(input.photos, input.script, input.style, {
        aspect: input.aspect ?? "16:9",
        resolution: input.resolution ?? 720,
        credit: options.credit,
        ...(input.silent ? { silent: true } : {}),
        // A song that cannot be played gives way to the style's soundtrack (the result says why).
        ...(input.song?.kind === "song" ? { musicPath: input.song.path, musicFallback: true } : {}),
        ...(input.song?.kind === "voice"
          ? { voiceOver: { path: input.song.path, seconds: input.song.seconds } }
          : {}),
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
