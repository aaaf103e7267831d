/**
 * `ingest-song` on `song/dropped`: fetch, check and store the song (`ingest-song`, retried with short waits when its
 * download fails for a passing reason), then one line in the chat (`answer`). A song never stays pending: when the
 * retries are used up it is rejected with its reason.
 */
import { chatFor, type PipelineDeps } from "../../core/memories/pipeline/index.ts";
import { acknowledgeSong, ingestPendingSong } from "../../core/songs/index.ts";
import { defineFunction } from "../define-function.ts";

export const SONG_RETRIES = 3;

export function ingestSongFunction(deps: PipelineDeps) {
  return defineFunction({
    id: "ingest-song",
    trigger: "song/dropped",
    retries: SONG_RETRIES,
    concurrency: { key: "conversationId", limit: 1 },
    // A song sent now may be what a waiting render plays.
    runAheadSeconds: 600,
    async handler(ctx) {
      const { event, step } = ctx;
      const { data } = event;
      const result = await step.run("ingest-song", () =>
        ingestPendingSong(deps, {
          songId: data.songId,
          attempt: ctx.attempt,
          retries: SONG_RETRIES,
          signal: ctx.signal,
        }),
      );
      const answer = await step.run("answer", () =>
        acknowledgeSong(deps, {
          result,
          conversationId: data.conversationId,
          target: data.target,
          replacesSongId: data.replacesSongId,
        }),
      );
      return { status: result.status, answered: answer.text !== null };
    },
    async onFailure({ event, error, logger }) {
      logger.error({ err: error, conversationId: event.data.conversationId }, "song intake failed");
      const song = await deps.store.rejectPendingSong(
        event.data.songId,
        "intake.failed",
        "The song could not be saved; please send it again.",
      );
      if (!song) return;
      const target = event.data.target;
      await chatFor(deps, target).postMessage(target, {
        text: "🎵 I could not save your song. Please send it again.",
      });
    },
  });
}
