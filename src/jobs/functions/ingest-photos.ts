/**
 * `ingest-photos` on `photos/dropped`: one step per photo (`ingest-photo-<fileId>`: download, normalise, store,
 * record), then one summary line back to the chat for the whole burst.
 */
import { NonRetriableError } from "../../core/jobs/job-errors.ts";
import { chatFor, type PipelineDeps, summarisePhotos } from "../../core/memories/pipeline/index.ts";
import { type IngestedPhoto, ingestPhoto } from "../../core/photos/ingest.ts";
import { defineFunction } from "../define-function.ts";

export const INGEST_RETRIES = 3;

export function ingestPhotosFunction(deps: PipelineDeps) {
  return defineFunction({
    id: "ingest-photos",
    trigger: "photos/dropped",
    retries: INGEST_RETRIES,
    concurrency: { key: "conversationId", limit: 1 },
    async handler(ctx) {
      const { event, step } = ctx;
      const { data } = event;
      let chat: ReturnType<typeof chatFor>;
      try {
        chat = chatFor(deps, data.target);
      } catch (error) {
        throw new NonRetriableError((error as Error).message, { cause: error });
      }
      const results: IngestedPhoto[] = [];
      for (const file of data.files) {
        results.push(
          await step.run(`ingest-photo-${file.fileId}`, () =>
            ingestPhoto(
              { store: deps.store, blobs: deps.blobs, chat, logger: ctx.logger },
              {
                conversationId: data.conversationId,
                accountId: data.accountId,
                file,
                finalAttempt: ctx.attempt >= INGEST_RETRIES,
                signal: ctx.signal,
              },
            ),
          ),
        );
      }
      if (data.quiet && results.every((r) => r.status !== "skipped")) return { photos: results.length };
      const summary = await step.run("summary", () =>
        summarisePhotos(deps, {
          conversationId: data.conversationId,
          accountId: data.accountId,
          target: data.target,
          results,
        }),
      );
      return { photos: results.length, summaryMessageId: summary.messageId };
    },
    async onFailure({ event, error, logger }) {
      logger.error({ err: error, conversationId: event.data.conversationId }, "photo intake failed");
      const target = event.data.target;
      await chatFor(deps, target).postMessage(target, {
        text: `I could not save ${event.data.files.length === 1 ? "that photo" : "those photos"}. Please send ${event.data.files.length === 1 ? "it" : "them"} again.`,
      });
    },
  });
}
