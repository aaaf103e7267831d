/**
 * A song sent to the chat, end to end through the job functions with the real render engine: `ingest-song` fetches,
 * checks and stores it and says so once; `/memory` then plays it (the real ffmpeg, listened to with ebur128 and a
 * band-pass around its pitch) and the final status names it. A damaged file is named to the user at intake; one that
 * only fails at render time still gives a memory, with the style's music and a status saying why.
 */
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/core/store/index.ts";
import { createEmbeddedRunner } from "../../src/jobs/embedded-runner.ts";
import { around, brokenMp3, integratedLufs, meanVolume, writeTone } from "../render/audio-meter.ts";
import { migratedDb, silentLogger } from "./helpers.ts";
import { createPipelineHarness } from "./pipeline-harness.ts";

let db: Db;
beforeAll(async () => {
  db = await migratedDb();
});
afterAll(async () => {
  await db.close();
});

/** An MP3 of a quiet tone with ID3 tags, as a phone would send a song. */
async function songFile(dir: string, frequency: number): Promise<Buffer> {
  const tags = ["-metadata", "title=Summer Tone", "-metadata", "artist=The Sines"];
  const path = await writeTone(dir, `song-${frequency}.mp3`, { frequency, seconds: 5, volume: 0.15 }, [
    ...tags,
    "-c:a",
    "libmp3lame",
  ]);
  return readFile(path);
}

/** An ID3 header, then noise: it looks like an MP3 by its first bytes and decodes to nothing. */
const brokenSong = () => brokenMp3(48 * 1024, 13);

/** A pipeline with the real renderer in its own room, and an embedded runner over its functions. */
async function realPipeline(room: string) {
  const h = await createPipelineHarness({ renderer: "real", db, room });
  const runner = createEmbeddedRunner({
    db,
    functions: h.functions,
    logger: silentLogger,
    pollIntervalMs: 10,
  });
  return { h, runner };
}

type Pipeline = Awaited<ReturnType<typeof realPipeline>>;

/** A song the chat sent (a file the chat stand-in holds), recorded pending and taken in by `ingest-song`. */
async function sendSong(h: Pipeline["h"], runner: Pipeline["runner"], fileId: string, name: string) {
  const replaced = await h.store.nextSong(h.conversation.id);
  const { song } = await h.store.recordPendingSong({
    conversationId: h.conversation.id,
    kind: "song",
    fileId,
    name,
    source: { platform: "playground", fileId, name },
  });
  await runner.jobs.send({
    name: "song/dropped",
    data: {
      accountId: h.account.id,
      conversationId: h.conversation.id,
      target: h.target,
      songId: song.id,
      ...(replaced ? { replacesSongId: replaced.id } : {}),
    },
  });
  await runner.idle();
  return song;
}

/** `/memory` with the song: the memory is made at −16 LUFS ±2 whatever it plays; its video file. */
async function renderMemoryWith(h: Pipeline["h"], runner: Pipeline["runner"], title: string, songId: string) {
  const { data, video } = await h.requestMemory(2, title, { songId });
  await runner.jobs.send({ name: "memory/requested", data });
  await runner.idle();
  const row = await h.store.getVideo(video.id);
  expect(row?.status).toBe("completed");
  const file = h.blobs.localPath?.(row?.videoKey ?? "") ?? "";
  expect(Math.abs((await integratedLufs(file)) - -16)).toBeLessThanOrEqual(2);
  return file;
}

describe("a song sent to the chat, through intake and a real render", { timeout: 300_000 }, () => {
  it("is checked and stored, answered once, and plays in the next memory at −16 LUFS; the status names it", async () => {
    const { h, runner } = await realPipeline("song-room");
    try {
      h.chat.files.set("tg-song-1", await songFile(h.dir, 660));
      await runner.start();
      const song = await sendSong(h, runner, "tg-song-1", "tone.mp3");
      const stored = await h.store.getSong(song.id);
      expect(stored).toMatchObject({
        status: "ready",
        title: "Summer Tone",
        performer: "The Sines",
        mimeType: "audio/mpeg",
      });
      expect(stored?.durationSeconds).toBeCloseTo(5, 0);
      // Listened to for beats once, at intake: a steady tone has none, so its cuts keep the style's pace.
      expect(stored?.beats).toMatchObject({ beats: [], bpm: null });
      expect(stored?.beats?.loopSeconds).toBeCloseTo(5, 1);
      const answers = h.chat.records.filter((r) => r.kind === "post").map((r) => r.text);
      expect(answers).toEqual([
        "🎵 Got “Summer Tone” by The Sines: it will be the music of the next memory. (`/memory silent` makes one without music.)",
      ]);
      expect((await h.store.nextSong(h.conversation.id))?.id).toBe(song.id);

      const file = await renderMemoryWith(h, runner, "With our song", song.id);
      // The song, not the style's music: a narrow band around 660 Hz holds the sound.
      const whole = await meanVolume(file, 2, 3);
      expect(whole).toBeGreaterThan(-30);
      expect(await meanVolume(file, 2, 3, around(660))).toBeGreaterThan(whole - 3);
      const final = h.chat.records.filter((r) => r.kind === "edit").at(-1)?.text ?? "";
      expect(final).toContain("🎵 Music: “Summer Tone” by The Sines.");
      // A memory took it: the next one has the style's music again.
      expect(await h.store.nextSong(h.conversation.id)).toBeNull();
    } finally {
      await runner.stop();
      await h.close();
    }
  });

  it("a damaged song is named to the user at intake and the earlier song stays; one that fails only at render gives the style's music and says why", async () => {
    const { h, runner } = await realPipeline("broken-room");
    try {
      h.chat.files.set("good", await songFile(h.dir, 440));
      h.chat.files.set("broken", brokenSong());
      await runner.start();
      const good = await sendSong(h, runner, "good", "good.mp3");
      const broken = await sendSong(h, runner, "broken", "holiday.mp3");
      expect((await h.store.getSong(broken.id))?.status).toBe("rejected");
      const said = h.chat.records.filter((r) => r.kind === "post").map((r) => r.text ?? "");
      expect(said[1]).toBe(
        "🎵 “holiday.mp3” could not be played: the file is damaged or not a sound I can read. The next memory keeps “Summer Tone” by The Sines.",
      );
      expect((await h.store.nextSong(h.conversation.id))?.id).toBe(good.id);

      // A file that passed intake but cannot be decoded at render time (its stored bytes went bad).
      const stored = await h.store.getSong(good.id);
      await h.blobs.put(stored?.blobKey ?? "", brokenSong(), "audio/mpeg");
      const file = await renderMemoryWith(h, runner, "Still a memory", good.id);
      expect(await meanVolume(file, 2, 3)).toBeGreaterThan(-30);
      const final = h.chat.records.filter((r) => r.kind === "edit").at(-1)?.text ?? "";
      expect(final).toContain(
        "🎵 “Summer Tone” by The Sines could not be played, so it has the classic style's own music.",
      );
    } finally {
      await runner.stop();
      await h.close();
    }
  });
});
