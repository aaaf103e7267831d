/**
 * Step `render`: in a temp dir, fetches the normalised photos from the BlobStore, renders the memory (one render at
 * a time per instance, RENDER_CONCURRENCY), shows progress in the chat, and stores the MP4 and poster under
 * deterministic keys so a re-run overwrites instead of leaking. Returns keys and numbers, never bytes.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChatTarget, MessageRef } from "../../chat/chat-adapter.ts";
import type { Aspect, Resolution, Script, StyleName } from "../../domain.ts";
import { isPhotoMemoryError } from "../../errors.ts";
import { chatFor, type PipelineDeps } from "./deps.ts";
import { type PhotoRef, toPreparedPhoto } from "./photo-refs.ts";
import { createProgressReporter } from "./progress-reporter.ts";

export interface RenderedVideo {
  videoKey: string;
  posterKey: string;
  bytes: number;
  durationSeconds: number;
  width: number;
  height: number;
}

export function videoKeyOf(conversationId: string, videoId: string): string {
  return `${conversationId}/videos/${videoId}.mp4`;
}

export function posterKeyOf(conversationId: string, videoId: string): string {
  return `${conversationId}/posters/${videoId}.jpg`;
}

export interface RenderVideoInput {
  conversationId: string;
  videoId: string;
  photos: PhotoRef[];
  script: Script;
  style: StyleName;
  aspect?: Aspect | undefined;
  silent?: boolean | undefined;
  resolution?: Resolution | undefined;
  target: ChatTarget;
  statusMessage?: MessageRef | undefined;
  signal?: AbortSignal | undefined;
}

export async function renderVideo(
  deps: Pick<
    PipelineDeps,
    "store" | "blobs" | "chats" | "renderer" | "renderSemaphore" | "logger" | "tmpDir" | "now"
  >,
  input: RenderVideoInput,
): Promise<RenderedVideo> {
  const chat = chatFor(deps, input.target);
  const log = deps.logger.child({ videoId: input.videoId, conversationId: input.conversationId });
  return deps.renderSemaphore.use(async () => {
    const workDir = await mkdtemp(join(deps.tmpDir ?? tmpdir(), "photomemory-render-"));
    try {
      const photos = await Promise.all(
        input.photos.map(async (ref, i) => {
          const path = join(workDir, `photo-${String(i).padStart(3, "0")}.jpg`);
          await deps.blobs.download(ref.blobKey, path);
          return toPreparedPhoto(ref, path);
        }),
      );
      const progress = createProgressReporter({
        chat,
        target: input.target,
        statusMessage: input.statusMessage,
        text: `🎞️ Making your memory “${input.script.title}”…`,
        onShown: (fraction) => {
          deps.store.setVideoProgress(input.videoId, fraction).catch((error: unknown) => {
            log.warn({ err: error }, "could not record progress");
          });
        },
        onError: (error) => log.warn({ err: error }, "could not show progress in the chat"),
        stillMaking: async () => (await deps.store.getVideo(input.videoId))?.status === "processing",
        ...(deps.now ? { now: deps.now } : {}),
      });
      const videoPath = join(workDir, "memory.mp4");
      const posterPath = join(workDir, "memory.jpg");
      const base = {
        photos,
        script: input.script,
        style: input.style,
        aspect: input.aspect,
        silent: input.silent,
        resolution: input.resolution,
        videoPath,
        posterPath,
        workDir,
        signal: input.signal,
        onProgress: (fraction: number) => progress.report(fraction),
      };
      const maxBytes = chat.limits(input.target).maxUploadBytes;
      let result: Awaited<ReturnType<PipelineDeps["renderer"]["render"]>>;
      try {
        result = await deps.renderer.render({ ...base, maxBytes });
      } catch (error) {
        // Too large for this chat even when encoded smaller: render it anyway; deliver posts the share link instead.
        if (!isPhotoMemoryError(error, "render.too_large")) throw error;
        log.info({ maxBytes }, "video does not fit the chat's upload limit; it will be shared by link");
        result = await deps.renderer.render(base);
      }
      await progress.flush();
      const videoKey = videoKeyOf(input.conversationId, input.videoId);
      const posterKey = posterKeyOf(input.conversationId, input.videoId);
      await deps.blobs.putFile(videoKey, videoPath, "video/mp4");
      await deps.blobs.putFile(posterKey, posterPath, "image/jpeg");
      log.info({ bytes: result.bytes, durationSeconds: result.durationSeconds }, "memory rendered");
      return { videoKey, posterKey, ...result };
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  });
}
