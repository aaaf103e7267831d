/**
 * `render-memory` on `memory/requested`: load-photos → write-script → render → publish → deliver. One render per
 * account at a time (concurrency key) and per instance at most RENDER_CONCURRENCY (the semaphore in the render step);
 * cancelled by `memory/cancelled` with the same videoId; when the retries are used up the video is marked failed and
 * the user gets the reason and a Retry button. Every step returns ids and keys only.
 */
import {
  deliverVideo,
  failMemory,
  finalOnKnownErrors,
  loadPhotos,
  type PipelineDeps,
  publishVideo,
  renderVideo,
  writeScript,
} from "../../core/memories/pipeline/index.ts";
import { defineFunction } from "../define-function.ts";

export const RENDER_RETRIES = 3;

export function renderMemoryFunction(deps: PipelineDeps) {
  return defineFunction({
    id: "render-memory",
    trigger: "memory/requested",
    retries: RENDER_RETRIES,
    concurrency: { key: "accountId", limit: 1 },
    cancelOn: { event: "memory/cancelled", match: "videoId" },
    async handler(context) {
      const { event, step, signal, logger } = context;
      const data = event.data;
      const log = logger.child({
        videoId: data.videoId,
        projectId: data.projectId,
        conversationId: data.conversationId,
      });
      const loaded = await step.run("load-photos", () =>
        finalOnKnownErrors(() =>
          loadPhotos(deps, {
            projectId: data.projectId,
            videoId: data.videoId,
            target: data.target,
            statusMessage: data.statusMessage,
            signal,
          }),
        ),
      );
      if (loaded.kind === "stopped") {
        log.info({ status: loaded.status }, "memory not made: the video had already ended");
        return { videoId: data.videoId, status: loaded.status };
      }
      const script = await step.run("write-script", () =>
        finalOnKnownErrors(() =>
          writeScript(deps, {
            projectId: data.projectId,
            photos: loaded.photos,
            style: data.style,
            locale: data.locale,
            title: data.title,
            signal,
            attempt: context.attempt,
          }),
        ),
      );
      const rendered = await step.run("render", () =>
        finalOnKnownErrors(() =>
          renderVideo(deps, {
            conversationId: data.conversationId,
            videoId: data.videoId,
            photos: loaded.photos,
            script,
            style: data.style,
            aspect: data.aspect,
            silent: data.silent,
            songId: data.songId,
            resolution: data.resolution,
            target: data.target,
            statusMessage: data.statusMessage,
            signal,
          }),
        ),
      );
      const published = await step.run("publish", () =>
        finalOnKnownErrors(() => publishVideo(deps, { videoId: data.videoId, rendered })),
      );
      if (!published.published) {
        log.info("memory cancelled before delivery");
        return { videoId: data.videoId, status: "cancelled" };
      }
      const delivered = await step.run("deliver", () =>
        finalOnKnownErrors(() =>
          deliverVideo(deps, {
            videoId: data.videoId,
            target: data.target,
            title: script.title,
            shareUrl: published.shareUrl,
            statusMessage: data.statusMessage,
            leftOut: loaded.leftOut,
            curationNote: data.curationNote,
            music: rendered.music,
          }),
        ),
      );
      return {
        videoId: data.videoId,
        status: "completed",
        messageId: delivered.messageId,
        via: delivered.via,
      };
    },
    async onFailure({ event, error, step }) {
      await step.run("mark-failed-and-tell", () =>
        failMemory(deps, {
          videoId: event.data.videoId,
          target: event.data.target,
          title: event.data.title,
          error,
          statusMessage: event.data.statusMessage,
        }),
      );
    },
  });
}
