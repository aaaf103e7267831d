/**
 * A song's download at intake, as the chat's adapter fails it: a passing failure is retried after the configured wait
 * while retries remain and then rejected with its sentence; a file over the cap is named too large; another refusal
 * is named with the platform's words; a song from a chat no longer connected is rejected at once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PhotoMemoryError } from "../../src/core/errors.ts";
import { RetryAfterError } from "../../src/core/jobs/job-errors.ts";
import { ingestPendingSong } from "../../src/core/songs/index.ts";
import type { Db } from "../../src/core/store/index.ts";
import { migratedDb, silentLogger } from "./helpers.ts";
import { createPipelineHarness } from "./pipeline-harness.ts";

let db: Db;
let h: Awaited<ReturnType<typeof createPipelineHarness>>;
beforeAll(async () => {
  db = await migratedDb();
  h = await createPipelineHarness({ db, room: "song-downloads" });
});
afterAll(async () => {
  await h.close();
  await db.close();
});

const deps = () => ({
  store: h.store,
  blobs: h.blobs,
  chats: { playground: h.chat.adapter },
  logger: silentLogger,
  downloadRetryDelaysMs: [1_000, 4_000],
});

async function pendingSong(fileId: string, platform = "playground") {
  const { song } = await h.store.recordPendingSong({
    conversationId: h.conversation.id,
    kind: "song",
    fileId,
    name: `${fileId}.mp3`,
    source: { platform, fileId, name: `${fileId}.mp3` },
  });
  return song;
}

/** Makes the chat's next downloads fail with `error`. */
function failDownloads(error: Error) {
  h.chat.adapter.downloadFile = async () => {
    throw error;
  };
}

describe("a song's download at intake", () => {
  it("retries a passing failure after the configured wait, then rejects the song with its sentence", async () => {
    failDownloads(
      new PhotoMemoryError("download.failed", "The platform answered 502 when the file was fetched."),
    );
    const song = await pendingSong("flaky");
    for (const [attempt, wait] of [
      [0, 1_000],
      [1, 4_000],
      [2, 4_000],
    ] as const) {
      const error = await ingestPendingSong(deps(), { songId: song.id, attempt, retries: 3 }).catch((e) => e);
      expect(error, `attempt ${attempt}`).toBeInstanceOf(RetryAfterError);
      expect((error as RetryAfterError).retryAfterMs).toBe(wait);
    }
    expect(await ingestPendingSong(deps(), { songId: song.id, attempt: 3, retries: 3 })).toEqual({
      status: "skipped",
      songId: song.id,
      code: "download.failed",
      reason: "“flaky.mp3” could not be downloaded from the chat; please send it again.",
    });
    expect(await h.store.getSong(song.id)).toMatchObject({
      status: "rejected",
      rejectCode: "download.failed",
    });
  });

  it("names a file over the cap as too large, and another refusal with the platform's words, without retrying", async () => {
    failDownloads(
      new PhotoMemoryError("download.too_large", "That file is larger than the 20 MB I can take."),
    );
    const big = await pendingSong("big");
    expect(await ingestPendingSong(deps(), { songId: big.id, attempt: 0, retries: 3 })).toMatchObject({
      status: "skipped",
      code: "song.too_large",
      reason: "“big.mp3” is larger than the 20 MB I can take.",
    });
    failDownloads(new PhotoMemoryError("download.gone", "The file is no longer available on the platform."));
    const gone = await pendingSong("gone");
    expect(await ingestPendingSong(deps(), { songId: gone.id, attempt: 0, retries: 3 })).toMatchObject({
      status: "skipped",
      code: "download.gone",
      reason: "“gone.mp3”: The file is no longer available on the platform.",
    });
  });

  it("rejects a song from a chat that is not connected any more, and leaves a settled one alone", async () => {
    const song = await pendingSong("elsewhere", "slack");
    const result = await ingestPendingSong(deps(), { songId: song.id, attempt: 0, retries: 3 });
    expect(result).toMatchObject({
      status: "skipped",
      code: "platform.failed",
      reason: "“elsewhere.mp3” could not be fetched: that chat is not connected any more.",
    });
    expect(await ingestPendingSong(deps(), { songId: song.id, attempt: 0, retries: 3 })).toEqual({
      status: "settled",
      songId: song.id,
    });
  });
});
