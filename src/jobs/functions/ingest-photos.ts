/**
 * `ingest-photos` on `photos/dropped`: one step per pending photo (`ingest-photo-<photoId>`: download, normalise,
 * store, mark ready or rejected), then one acknowledgement for the burst. A failed download is retried with short
 * waits (a memory may be waiting for the photo); when the retries are used up the photo is rejected with its reason,
 * never dropped silently. Intake has its own runner slots, so it keeps its latency while renders run.
 */
import { chatFor, type PipelineDeps, summarisePhotos } from "../../core/memories/pipeline/index.ts";
import { type IngestedPhoto, ingestPendingPhoto } from "../../core/photos/ingest.ts";
import { defineFunction } from "../define-function.ts";

export const INGEST_RETRIES = 3;

export function ingestPhotosFunction(deps: PipelineDeps) {
  return defineFunction({
    id: "ingest-photos",
    trigger: "photos/dropped",
    retries: INGEST_RETRIES,
    // One photo at a time per conversation: several 12 MP decodes at once multiply peak memory on a small machine.
    concurrency: { key: "conversationId", limit: 1 },
    // A photo dropped now may be what a waiting render needs: ahead of older queued intake on Inngest.
    runAheadSeconds: 600,
    async handler(ctx) {
      const { event, step } = ctx;
      const { data } = event;
      const results: IngestedPhoto[] = [];
      for (const photoId of data.photoIds) {
        results.push(
          await step.run(`ingest-photo-${photoId}`, () =>
            ingestPendingPhoto(deps, {
              photoId,
              attempt: ctx.attempt,
              retries: INGEST_RETRIES,
              signal: ctx.signal,
            }),
          ),
        );
      }
      const answer = await step.run("summary", () =>
        summarisePhotos(deps, {
          conversationId: data.conversationId,
          accountId: data.accountId,
          target: data.target,
          results,
          messageId: data.messageId,
          quiet: data.quiet,
        }),
      );
      return { photos: results.length, reacted: answer.reacted, summaryMessageId: answer.messageId };
    },
    async onFailure({ event, error, logger }) {
      logger.error({ err: error, conversationId: event.data.conversationId }, "photo intake failed");
      // Nothing stays pending for ever: a memory waiting for these photos learns they are not coming.
      let lost = 0;
      for (const photoId of event.data.photoIds) {
        const photo = await deps.store.getPhoto(photoId);
        if (photo?.status !== "pending") continue;
        const name = photo.originalName?.trim() || "A photo";
        await deps.store.rejectPendingPhoto(
          photoId,
          "intake.failed",
          `${name} could not be saved; please send it again.`,
        );
        lost++;
      }
      if (lost === 0) return;
      const target = event.data.target;
      await chatFor(deps, target).postMessage(target, {
        text: `I could not save ${lost === 1 ? "a photo" : `${lost} photos`}. Please send ${lost === 1 ? "it" : "them"} again.`,
      });
    },
  });
}
