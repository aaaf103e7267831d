import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/core/store/index.ts";
import { createEmbeddedRunner } from "../../src/jobs/embedded-runner.ts";
import { migratedDb, silentLogger } from "./helpers.ts";
import { createFakeRenderer, createPipelineHarness, samplePhoto } from "./pipeline-harness.ts";

// The first bytes of a real HEIC file (an ISO-BMFF `ftyp` box with the `heic` brand) and nothing else: cut off.
const HEIC = Buffer.concat([
  Buffer.from([0x00, 0x00, 0x00, 0x18]),
  Buffer.from("ftypheic", "ascii"),
  Buffer.from([0x00, 0x00, 0x00, 0x00]),
  Buffer.from("mif1heic", "ascii"),
  Buffer.alloc(64),
]);

type Harness = Awaited<ReturnType<typeof createPipelineHarness>>;

// One database for the file; each test works in its own conversation.
let db: Db;
let rooms = 0;
beforeAll(async () => {
  db = await migratedDb();
});
afterAll(async () => {
  await db.close();
});
const harness = (options: Parameters<typeof createPipelineHarness>[0] = {}) =>
  createPipelineHarness({ ...options, db, room: `room-${++rooms}` });

function runnerFor(h: Harness, extra: { maxConcurrentRuns?: number } = {}) {
  return createEmbeddedRunner({
    db: h.db,
    functions: h.functions,
    logger: silentLogger,
    pollIntervalMs: 10,
    backoff: () => 0,
    ...extra,
  });
}

describe("ingest-photos", { timeout: 180_000 }, () => {
  it("stores each pending photo without metadata and answers the burst with one line naming the skipped one", async () => {
    const h = await harness();
    try {
      const withGps = await sharp(await samplePhoto(1))
        .withExif({ IFD0: { Make: "PhoneCo" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "48/1 51/1 0/1" } })
        .jpeg()
        .toBuffer();
      h.chat.files.set("F1", withGps);
      h.chat.files.set("F2", await samplePhoto(2, "png"));
      h.chat.files.set("F3", HEIC);
      const runner = runnerFor(h);
      await runner.start();
      const data = await h.dropFiles([
        { fileId: "F1", name: "IMG_1.jpg" },
        { fileId: "F2", name: "screenshot.png" },
        { fileId: "F3", name: "IMG_3.heic" },
      ]);
      // Pending photos are in the collection from the moment their message arrived.
      expect((await h.store.listPhotosSinceLastMemory(h.conversation.id)).map((p) => p.status)).toEqual([
        "pending",
        "pending",
        "pending",
      ]);
      await runner.jobs.send({ name: "photos/dropped", data, id: "drop-1" });
      await runner.idle();

      const messages = h.chat.records.filter((r) => r.kind === "post");
      expect(messages).toHaveLength(1);
      expect(messages[0]?.text).toMatch(
        /^Got 2 photos \(2 in this collection\)\. 1 skipped: .*IMG_3\.heic is damaged or cut off/,
      );

      const photos = await h.store.listPhotosSinceLastMemory(h.conversation.id);
      expect(photos.map((p) => [p.originalName, p.status])).toEqual([
        ["IMG_1.jpg", "ready"],
        ["screenshot.png", "ready"],
      ]);
      for (const photo of photos) {
        expect(photo.blobKey).toBe(`${h.conversation.id}/photos/${photo.sha256}.jpg`);
        const meta = await sharp(await h.blobs.get(String(photo.blobKey))).metadata();
        expect(meta.format).toBe("jpeg");
        expect(meta.exif).toBeUndefined();
      }

      // The same picture again in a new message (a new file id): nothing new, one line again.
      h.chat.files.set("F1-again", withGps);
      await runner.jobs.send({
        name: "photos/dropped",
        data: await h.dropFiles([{ fileId: "F1-again", name: "IMG_1.jpg" }]),
        id: "drop-2",
      });
      await runner.idle();
      await runner.stop();
      const last = h.chat.records.filter((r) => r.kind === "post").at(-1);
      expect(last?.text).toContain("No new photos (2 in this collection). IMG_1.jpg was already here.");
      expect(await h.store.listPhotosSinceLastMemory(h.conversation.id)).toHaveLength(2);
    } finally {
      await h.close();
    }
  });

  it("retries a download that failed once and keeps the photo; one that keeps failing is named, never marked done", async () => {
    const h = await harness();
    try {
      const attempts = new Map<string, number>();
      h.chat.files.set("OK", await samplePhoto(5));
      h.chat.files.set("FLAKY", await samplePhoto(6));
      const download = h.chat.adapter.downloadFile.bind(h.chat.adapter);
      h.chat.adapter.downloadFile = async (file, options) => {
        const n = (attempts.get(file.fileId) ?? 0) + 1;
        attempts.set(file.fileId, n);
        if (file.fileId === "GONE" || (file.fileId === "FLAKY" && n === 1)) {
          const { PhotoMemoryError } = await import("../../src/core/errors.ts");
          throw new PhotoMemoryError(
            "download.failed",
            "The platform answered 502 when the file was fetched.",
          );
        }
        return download(file, options);
      };
      const runner = runnerFor(h);
      await runner.start();
      await runner.jobs.send({
        name: "photos/dropped",
        data: await h.dropFiles([
          { fileId: "OK", name: "IMG_5.jpg" },
          { fileId: "FLAKY", name: "IMG_6.jpg" },
          { fileId: "GONE", name: "IMG_9.jpg" },
        ]),
      });
      await runner.idle();
      await runner.stop();
      expect(attempts.get("FLAKY")).toBe(2);
      expect(attempts.get("GONE")).toBe(4); // the first try and 3 retries
      const photos = await h.store.listPhotosSinceLastMemory(h.conversation.id);
      expect(photos.map((p) => p.originalName)).toEqual(["IMG_5.jpg", "IMG_6.jpg"]);
      const messages = h.chat.records.filter((r) => r.kind === "post");
      expect(messages).toHaveLength(1);
      expect(messages[0]?.text).toMatch(
        /^Got 2 photos \(2 in this collection\)\. 1 skipped: IMG_9\.jpg could not be downloaded from the chat; please send it again\./,
      );
    } finally {
      await h.close();
    }
  });

  it("reacts once per message, and only after a photo of it was accepted; a skipped file gets its sentence instead", async () => {
    const h = await harness({ ackEmoji: "👍" });
    try {
      h.chat.files.set("HEIC", HEIC);
      h.chat.files.set("A", await samplePhoto(7));
      h.chat.files.set("B", await samplePhoto(8));
      const runner = runnerFor(h);
      await runner.start();
      await runner.jobs.send({
        name: "photos/dropped",
        data: { ...(await h.dropFiles([{ fileId: "HEIC", name: "IMG_1.heic" }])), messageId: "msg-heic" },
      });
      await runner.jobs.send({
        name: "photos/dropped",
        data: {
          ...(await h.dropFiles([
            { fileId: "A", name: "a.jpg" },
            { fileId: "B", name: "b.jpg" },
          ])),
          messageId: "msg-two",
        },
      });
      await runner.idle();
      await runner.stop();
      const reactions = h.chat.records.filter((r) => r.kind === "reaction");
      expect(reactions.map((r) => [r.messageId, r.text])).toEqual([["msg-two", "👍"]]);
      const posts = h.chat.records.filter((r) => r.kind === "post").map((r) => r.text);
      expect(posts).toHaveLength(1);
      expect(posts[0]).toMatch(/IMG_1\.heic is damaged or cut off, so it cannot be read/);
    } finally {
      await h.close();
    }
  });

  it("keeps intake fast while a render holds the runner", async () => {
    let releaseRender: () => void = () => undefined;
    const rendering = new Promise<void>((resolve) => {
      releaseRender = resolve;
    });
    let renderStarted = false;
    const fake = createFakeRenderer({
      onRender: async () => {
        renderStarted = true;
        await rendering;
      },
    });
    const h = await harness({ renderer: fake.renderer });
    try {
      // One run at a time per function: before intake had its own slots, this photo waited for the render.
      const runner = runnerFor(h, { maxConcurrentRuns: 1 });
      await runner.start();
      const { data } = await h.requestMemory(2);
      await runner.jobs.send({ name: "memory/requested", data });
      for (let i = 0; i < 200 && !renderStarted; i++) await new Promise((r) => setTimeout(r, 25));
      expect(renderStarted).toBe(true);

      h.chat.files.set("NEW", await samplePhoto(9));
      const started = Date.now();
      await runner.jobs.send({
        name: "photos/dropped",
        data: await h.dropFiles([{ fileId: "NEW", name: "late.jpg" }]),
      });
      let answered: number | null = null;
      for (let i = 0; i < 400 && answered === null; i++) {
        if (h.chat.records.some((r) => r.kind === "post" && /Got 1 photo/.test(r.text ?? "")))
          answered = Date.now() - started;
        else await new Promise((r) => setTimeout(r, 25));
      }
      expect(answered).not.toBeNull();
      expect(answered ?? Number.POSITIVE_INFINITY).toBeLessThan(5_000);
      expect(h.chat.records.some((r) => r.kind === "video")).toBe(false);
      releaseRender();
      await runner.idle();
      await runner.stop();
      expect(h.chat.records.filter((r) => r.kind === "video")).toHaveLength(1);
    } finally {
      releaseRender();
      await h.close();
    }
  });
});

describe("render waits for photos still arriving", { timeout: 180_000 }, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  });
  afterAll(async () => {
    await h.close();
  });

  it("a memory asked for while photos download includes every one of them, and names the one that failed", async () => {
    const download = h.chat.adapter.downloadFile.bind(h.chat.adapter);
    h.chat.adapter.downloadFile = async (file, options) => {
      await new Promise((r) => setTimeout(r, 700));
      return download(file, options);
    };
    for (let i = 0; i < 4; i++) h.chat.files.set(`S${i}`, await samplePhoto(20 + i));
    h.chat.files.set("S4", HEIC);
    const data = await h.dropFiles(
      Array.from({ length: 5 }, (_, i) => ({
        fileId: `S${i}`,
        name: i === 4 ? "IMG_4.heic" : `IMG_${i}.jpg`,
      })),
    );
    const photos = await h.store.listPhotosSinceLastMemory(h.conversation.id);
    const { project, video } = await h.store.createProjectWithVideo({
      conversationId: h.conversation.id,
      requesterAccountId: h.account.id,
      style: "classic",
      photoIds: photos.map((p) => p.id),
      locale: "en",
      platform: "playground",
      requireInCollection: true,
    });
    const status = await h.chat.adapter.postMessage(h.target, { text: "🎞️ Making your memory…", progress: 0 });
    const runner = runnerFor(h);
    await runner.start();
    // The render is asked for first; the photos are still to be downloaded (700 ms each).
    await runner.jobs.send({
      name: "memory/requested",
      data: {
        accountId: h.account.id,
        conversationId: h.conversation.id,
        projectId: project.id,
        videoId: video.id,
        target: h.target,
        style: "classic",
        locale: "en",
        statusMessage: status,
      },
    });
    await runner.jobs.send({ name: "photos/dropped", data });
    await runner.idle();
    await runner.stop();
    expect(h.fake.calls).toHaveLength(1);
    expect(h.fake.calls[0]?.photos.map((p) => p.name)).toEqual([
      "IMG_0.jpg",
      "IMG_1.jpg",
      "IMG_2.jpg",
      "IMG_3.jpg",
    ]);
    const edits = h.chat.records.filter((r) => r.kind === "edit").map((r) => r.text ?? "");
    expect(edits.some((t) => /^⏳ [1-5] photos? still arriving…$/.test(t))).toBe(true);
    expect(edits.at(-1)).toMatch(
      /is ready\. 🎵 Music: the classic style.s own soundtrack\. Left out: IMG_4\.heic is damaged or cut off, so it cannot be read/,
    );
  });
});
