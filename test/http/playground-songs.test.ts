/**
 * Songs in the playground, through the running service's HTTP routes: a sound file sent to `POST …/songs` is checked
 * by the same song intake as a chat's and answered with the same sentence, the newest one wins, the photos listing
 * names it while it is checked and once it is ready, and a file over the chats' 20 MB cap is refused while most of it
 * is unread.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { createSilentLogger } from "../../src/core/log.ts";
import { SONG_MAX_BYTES } from "../../src/core/songs/index.ts";
import { type Service, startService } from "../../src/main.ts";
import { playgroundClient } from "../e2e/service-helpers.ts";
import { noisyJpeg } from "../fixtures/generate-photos.ts";
import { toneWav } from "../fixtures/generate-sounds.ts";

let service: Service;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "pm-playground-songs-"));
  service = await startService(loadConfig({ PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir }), {
    logger: createSilentLogger(),
  });
}, 180_000);
afterAll(async () => {
  await service?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function sendSong(
  base: string,
  file: { name: string; bytes: Uint8Array; field?: string; type?: string },
): Promise<Response> {
  const form = new FormData();
  form.append(
    file.field ?? "song",
    new File([file.bytes as BlobPart], file.name, { type: file.type ?? "audio/wav" }),
  );
  form.append("user", "ada");
  return fetch(`${base}/songs`, { method: "POST", body: form });
}

interface Listing {
  photos: { name: string }[];
  song: { name: string; kind: string; status: string } | null;
}

describe("songs in the playground", () => {
  it("takes a song as a chat does: answered once checked, shown as the next memory's music, the newest wins", {
    timeout: 120_000,
  }, async () => {
    const chat = playgroundClient(service.url, "songs");
    const base = `${service.url}/playground/api/conversations/${await chat.conversation()}`;
    const listing = async () => (await (await fetch(`${base}/photos`)).json()) as Listing;

    const first = await sendSong(base, { name: "tone.wav", bytes: toneWav(440) });
    expect(first.status).toBe(202);
    expect(((await first.json()) as { song: { status: string } }).song.status).toBe("pending");
    await chat.waitFor((ms) =>
      ms.some(
        (m) =>
          m.text ===
          "🎵 Got “tone.wav”: it will be the music of the next memory. (`/memory silent` makes one without music.)",
      ),
    );
    expect((await listing()).song).toEqual({
      id: expect.any(String),
      name: "“tone.wav”",
      kind: "song",
      status: "ready",
    });

    expect((await sendSong(base, { name: "second.wav", bytes: toneWav(660) })).status).toBe(202);
    await chat.waitFor((ms) =>
      ms.some((m) => m.text.includes("Got “second.wav”") && m.text.includes("It replaces “tone.wav”.")),
    );
    expect((await listing()).song?.name).toBe("“second.wav”");

    // Not a sound file: named with why, and the next memory keeps the song it had.
    await sendSong(base, { name: "beach.jpg", bytes: await noisyJpeg(320, 240, 5), type: "image/jpeg" });
    await chat.waitFor((ms) =>
      ms.some(
        (m) =>
          m.text ===
          "🎵 “beach.jpg” is not a sound file (it looks like a photo). The next memory keeps “second.wav”.",
      ),
    );
    expect((await listing()).song?.name).toBe("“second.wav”");

    // A voice note: its own field, its own answer.
    expect((await sendSong(base, { name: "note.wav", bytes: toneWav(300), field: "voice" })).status).toBe(
      202,
    );
    await chat.waitFor((ms) => ms.some((m) => m.text.startsWith("🎙️ Got your voice note (0:03)")));
    expect((await listing()).song).toMatchObject({ kind: "voice", status: "ready" });
    const userLines = (await chat.messages()).filter((m) => m.from === "user").map((m) => m.text);
    expect(userLines).toEqual(["🎵 tone.wav", "🎵 second.wav", "🎵 beach.jpg", "🎙️ note.wav"]);
  });

  it("refuses a song over 20 MB with 413 before reading it all, and a request without one or with two with 400", async () => {
    const chat = playgroundClient(service.url, "songs-refused");
    const base = `${service.url}/playground/api/conversations/${await chat.conversation()}`;

    // Streamed so the test sees how much of the body the server pulled before answering.
    let pulled = 0;
    const boundary = "----pmsong";
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="song"; filename="long.mp3"\r\nContent-Type: audio/mpeg\r\n\r\n`,
    );
    const chunk = Buffer.alloc(256 * 1024, 0x61);
    const total = SONG_MAX_BYTES * 3;
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(head);
        if (sent >= total) {
          controller.enqueue(Buffer.from(`\r\n--${boundary}--\r\n`));
          controller.close();
          return;
        }
        sent += chunk.length;
        pulled += chunk.length;
        controller.enqueue(chunk);
      },
    });
    const tooLarge = await fetch(`${base}/songs`, {
      method: "POST",
      body,
      headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
      duplex: "half",
    } as RequestInit);
    expect(tooLarge.status).toBe(413);
    expect(((await tooLarge.json()) as { message: string }).message).toBe(
      "long.mp3 is over 20 MB; songs can be at most 20 MB. Nothing from this upload was added.",
    );
    expect(pulled).toBeLessThan(total / 2);

    const none = new FormData();
    none.append("user", "ada");
    const empty = await fetch(`${base}/songs`, { method: "POST", body: none });
    expect(empty.status).toBe(400);

    const two = new FormData();
    two.append("song", new File([toneWav(440) as BlobPart], "a.wav"));
    two.append("song", new File([toneWav(550) as BlobPart], "b.wav"));
    const twice = await fetch(`${base}/songs`, { method: "POST", body: two });
    expect(twice.status).toBe(400);
    expect(((await twice.json()) as { message: string }).message).toBe("Send one song at a time.");
    expect(((await (await fetch(`${base}/photos`)).json()) as Listing).song).toBeNull();
  });
});
