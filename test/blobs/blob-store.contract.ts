/** The BlobStore contract: one suite, run on local disk and on Supabase Storage (msw stand-in). */
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BlobStore } from "../../src/core/blobs/blob-store.ts";
import { isPhotoMemoryError } from "../../src/core/errors.ts";

async function errorCode(p: Promise<unknown>): Promise<unknown> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  return isPhotoMemoryError(e) ? e.code : e;
}

export const BAD_KEYS = [
  "../escape.jpg",
  "c_1/../../escape.jpg",
  "/etc/passwd",
  "c_1\\photos\\a.jpg",
  "c_1/a\0.jpg",
  "c_1//a.jpg",
  "",
  "c_1/.hidden",
  "c_1/ph otos/a.jpg",
  "c_1/café.jpg",
  "C:/windows/a.jpg",
];

export function blobStoreContract(
  name: string,
  make: () => Promise<{ blobs: BlobStore; close(): Promise<void> }>,
) {
  describe(`BlobStore contract on ${name}`, () => {
    let blobs: BlobStore;
    let close: () => Promise<void>;
    let work: string;

    beforeAll(async () => {
      ({ blobs, close } = await make());
      work = await mkdtemp(join(tmpdir(), "pm-blob-contract-"));
    });
    afterAll(async () => {
      await close?.();
      await rm(work, { recursive: true, force: true });
    });

    it("stores, reads back and overwrites an object under the same key", async () => {
      const key = `c_${randomBytes(4).toString("hex")}/photos/a1.jpg`;
      const first = new Uint8Array(randomBytes(2048));
      await blobs.put(key, first, "image/jpeg");
      expect(await blobs.exists(key)).toBe(true);
      expect(Buffer.from(await blobs.get(key)).equals(Buffer.from(first))).toBe(true);
      const second = new TextEncoder().encode("retried step writes again");
      await blobs.put(key, second, "image/jpeg");
      expect(new TextDecoder().decode(await blobs.get(key))).toBe("retried step writes again");
    });

    it("uploads a local file and downloads it to another file byte for byte", async () => {
      const key = `c_${randomBytes(4).toString("hex")}/videos/v1.mp4`;
      const source = join(work, "in.mp4");
      const bytes = randomBytes(300_000);
      await writeFile(source, bytes);
      await blobs.putFile(key, source, "video/mp4");
      const target = join(work, "nested", "out.mp4");
      await blobs.download(key, target);
      expect((await readFile(target)).equals(bytes)).toBe(true);
    });

    it("says not found for a missing object, and deleting it is fine", async () => {
      const key = `c_${randomBytes(4).toString("hex")}/photos/missing.jpg`;
      expect(await blobs.exists(key)).toBe(false);
      expect(await errorCode(blobs.get(key))).toBe("blob.not_found");
      expect(await errorCode(blobs.download(key, join(work, "never.jpg")))).toBe("blob.not_found");
      await blobs.delete(key);
    });

    it("deletes an object", async () => {
      const key = `c_${randomBytes(4).toString("hex")}/posters/p.jpg`;
      await blobs.put(key, new Uint8Array([1, 2, 3]), "image/jpeg");
      await blobs.delete(key);
      expect(await blobs.exists(key)).toBe(false);
      expect(await errorCode(blobs.get(key))).toBe("blob.not_found");
    });

    it("refuses keys that could escape or confuse the store", async () => {
      const body = new Uint8Array([1]);
      for (const key of BAD_KEYS) {
        expect(await errorCode(blobs.put(key, body, "image/jpeg")), key).toBe("blob.invalid_key");
        expect(await errorCode(blobs.get(key)), key).toBe("blob.invalid_key");
        expect(await errorCode(blobs.exists(key)), key).toBe("blob.invalid_key");
        expect(await errorCode(blobs.delete(key)), key).toBe("blob.invalid_key");
        expect(await errorCode(blobs.signedUrl(key, 60)), key).toBe("blob.invalid_key");
      }
    });
  });
}
