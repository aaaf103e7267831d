import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { createEmbeddedRunner } from "../../src/jobs/embedded-runner.ts";
import { silentLogger } from "./helpers.ts";
import { createPipelineHarness, samplePhoto } from "./pipeline-harness.ts";

// The first bytes of a real HEIC file (an ISO-BMFF `ftyp` box with the `heic` brand) and nothing else: cut off.
const HEIC = Buffer.concat([
  Buffer.from([0x00, 0x00, 0x00, 0x18]),
  Buffer.from("ftypheic", "ascii"),
  Buffer.from([0x00, 0x00, 0x00, 0x00]),
  Buffer.from("mif1heic", "ascii"),
  Buffer.alloc(64),
]);

describe("ingest-photos", { timeout: 180_000 }, () => {
  it("stores each dropped photo without metadata and answers the burst with one line naming the skipped one", async () => {
    const h = await createPipelineHarness();
    try {
      const withGps = await sharp(await samplePhoto(1))
        .withExif({ IFD0: { Make: "PhoneCo" }, IFD3: { GPSLatitudeRef: "N", GPSLatitude: "48/1 51/1 0/1" } })
        .jpeg()
        .toBuffer();
      h.chat.files.set("F1", withGps);
      h.chat.files.set("F2", await samplePhoto(2, "png"));
      h.chat.files.set("F3", HEIC);
      const runner = createEmbeddedRunner({
        db: h.db,
        functions: h.functions,
        logger: silentLogger,
        pollIntervalMs: 10,
        backoff: () => 0,
      });
      await runner.start();
      const data = {
        accountId: h.account.id,
        conversationId: h.conversation.id,
        target: h.target,
        files: [
          { platform: "playground" as const, fileId: "F1", name: "IMG_1.jpg" },
          { platform: "playground" as const, fileId: "F2", name: "screenshot.png" },
          { platform: "playground" as const, fileId: "F3", name: "IMG_3.heic" },
        ],
      };
      await runner.jobs.send({ name: "photos/dropped", data, id: "drop-1" });
      await runner.idle();

      const messages = h.chat.records.filter((r) => r.kind === "post");
      expect(messages).toHaveLength(1);
      expect(messages[0]?.text).toMatch(
        /^Got 2 photos \(2 in this collection\)\. 1 skipped: .*IMG_3\.heic is damaged or cut off/,
      );

      const photos = await h.store.listPhotosSinceLastMemory(h.conversation.id);
      expect(photos.map((p) => p.originalName)).toEqual(["IMG_1.jpg", "screenshot.png"]);
      for (const photo of photos) {
        expect(photo.blobKey).toBe(`${h.conversation.id}/photos/${photo.sha256}.jpg`);
        const meta = await sharp(await h.blobs.get(photo.blobKey)).metadata();
        expect(meta.format).toBe("jpeg");
        expect(meta.exif).toBeUndefined();
      }

      // The same photos dropped again (a new message): nothing new, one line again.
      await runner.jobs.send({
        name: "photos/dropped",
        data: { ...data, files: data.files.slice(0, 1) },
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

  it("retries a photo whose download fails, and names it as skipped once the retries are used up", async () => {
    const h = await createPipelineHarness();
    try {
      let attempts = 0;
      h.chat.files.set("OK", await samplePhoto(5));
      const download = h.chat.adapter.downloadFile.bind(h.chat.adapter);
      h.chat.adapter.downloadFile = async (file, options) => {
        if (file.fileId === "FLAKY") attempts++;
        return download(file, options);
      };
      const runner = createEmbeddedRunner({
        db: h.db,
        functions: h.functions,
        logger: silentLogger,
        pollIntervalMs: 10,
        backoff: () => 0,
      });
      await runner.start();
      await runner.jobs.send({
        name: "photos/dropped",
        data: {
          accountId: h.account.id,
          conversationId: h.conversation.id,
          target: h.target,
          files: [
            { platform: "playground", fileId: "OK", name: "IMG_5.jpg" },
            { platform: "playground", fileId: "FLAKY", name: "IMG_9.jpg" },
          ],
        },
      });
      await runner.idle();
      await runner.stop();
      expect(attempts).toBe(4); // the first try and 3 retries
      const messages = h.chat.records.filter((r) => r.kind === "post");
      expect(messages).toHaveLength(1);
      expect(messages[0]?.text).toMatch(/^Got 1 photo \(1 in this collection\)\. 1 skipped: IMG_9\.jpg: /);
    } finally {
      await h.close();
    }
  });
});
