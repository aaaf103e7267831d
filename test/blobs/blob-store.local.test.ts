import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalBlobStore } from "../../src/core/blobs/local-blob-store.ts";
import { isPhotoMemoryError } from "../../src/core/errors.ts";
import { blobStoreContract } from "./blob-store.contract.ts";

blobStoreContract("local disk", async () => {
  const root = await mkdtemp(join(tmpdir(), "pm-blobs-"));
  return { blobs: createLocalBlobStore({ root }), close: () => rm(root, { recursive: true, force: true }) };
});

describe("local BlobStore on disk", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "pm-blobs-local-"));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it("keeps objects under its root, leaves no temp files, and gives no signed URL", async () => {
    const blobs = createLocalBlobStore({ root: join(root, "blobs") });
    await blobs.put("c_1/photos/a.jpg", new Uint8Array(randomBytes(64)), "image/jpeg");
    expect(blobs.localPath?.("c_1/photos/a.jpg")).toBe(join(root, "blobs", "c_1", "photos", "a.jpg"));
    expect(await readdir(join(root, "blobs", ".tmp"))).toEqual([]);
    expect(await blobs.signedUrl("c_1/photos/a.jpg", 60)).toBeNull();
  });

  it("leaves the previous object intact when a write fails half way", async () => {
    const blobs = createLocalBlobStore({ root: join(root, "atomic") });
    await blobs.put("c_1/videos/v.mp4", new TextEncoder().encode("good"), "video/mp4");
    const err = await blobs
      .putFile("c_1/videos/v.mp4", join(root, "does-not-exist.mp4"), "video/mp4")
      .catch((e) => e);
    expect(isPhotoMemoryError(err, "blob.not_found")).toBe(true);
    expect(new TextDecoder().decode(await blobs.get("c_1/videos/v.mp4"))).toBe("good");
    expect(await readdir(join(root, "atomic", ".tmp"))).toEqual([]);
  });

  it("cannot be walked out of with a key", async () => {
    const blobs = createLocalBlobStore({ root: join(root, "jail") });
    await writeFile(join(root, "secret.txt"), "secret");
    const err = await blobs.get("../secret.txt").catch((e) => e);
    expect(isPhotoMemoryError(err, "blob.invalid_key")).toBe(true);
    expect(() => blobs.localPath?.("../secret.txt")).toThrow(/not allowed/);
  });
});
