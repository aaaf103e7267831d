import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSupabaseBlobStore } from "../../src/core/blobs/supabase-blob-store.ts";
import { isPhotoMemoryError } from "../../src/core/errors.ts";
import { blobStoreContract } from "./blob-store.contract.ts";
import { createStorageStandIn } from "./supabase-storage-handlers.ts";

const URL_BASE = "https://pm-test.supabase.co";
const KEY = "service-role-key-for-tests";
const storage = createStorageStandIn(URL_BASE, KEY);
const server = setupServer(...storage.handlers);

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());

// Built at module level on purpose: on Node 20 supabase-js throws here unless the ws transport is given.
const blobs = createSupabaseBlobStore({ url: URL_BASE, serviceRoleKey: KEY, bucket: "media" });

blobStoreContract("Supabase Storage (msw)", async () => ({ blobs, close: async () => {} }));

describe("Supabase BlobStore specifics", () => {
  it("uploads with upsert into the private media bucket", async () => {
    await blobs.put("c_9/photos/u.jpg", new Uint8Array([9, 9]), "image/jpeg");
    const upload = storage.requests
      .filter((r) => r.method === "POST" && r.path.endsWith("/c_9/photos/u.jpg"))
      .at(-1);
    expect(upload).toEqual({
      method: "POST",
      path: "/storage/v1/object/media/c_9/photos/u.jpg",
      upsert: "true",
    });
    expect(storage.objects.get("c_9/photos/u.jpg")?.contentType).toBe("image/jpeg");
  });

  it("shares an object only through an expiring signed URL", async () => {
    await blobs.put("c_9/videos/share.mp4", new TextEncoder().encode("movie"), "video/mp4");
    const url = await blobs.signedUrl("c_9/videos/share.mp4", 3600);
    expect(url).toMatch(
      /^https:\/\/pm-test\.supabase\.co\/storage\/v1\/object\/sign\/media\/c_9\/videos\/share\.mp4\?token=/,
    );
    expect(storage.signedFor.at(-1)).toBe(3600);
    const response = await fetch(url ?? "");
    expect(await response.text()).toBe("movie");
    // Without the token there is nothing to read.
    const unsigned = await fetch(`${URL_BASE}/storage/v1/object/media/c_9/videos/share.mp4`);
    expect(unsigned.ok).toBe(false);
  });

  it("reports a Storage outage as blob.failed and a missing object as blob.not_found", async () => {
    storage.failNext = { status: 500 };
    const outage = await blobs.put("c_9/photos/x.jpg", new Uint8Array([1]), "image/jpeg").catch((e) => e);
    expect(isPhotoMemoryError(outage, "blob.failed")).toBe(true);
    const missing = await blobs.signedUrl("c_9/photos/none.jpg", 60).catch((e) => e);
    expect(isPhotoMemoryError(missing, "blob.not_found")).toBe(true);
  });

  it("creates the private media bucket on the first upload of a fresh project", async () => {
    const saved = new Map(storage.objects);
    storage.bucket = null;
    storage.objects.clear();
    try {
      await blobs.put("c_9/photos/first.jpg", new Uint8Array([7]), "image/jpeg");
      expect(storage.bucket).toEqual({ public: false });
      expect(storage.objects.get("c_9/photos/first.jpg")?.body).toEqual(new Uint8Array([7]));
    } finally {
      storage.bucket = { public: false };
      for (const [k, v] of saved) storage.objects.set(k, v);
    }
  });

  it("refuses a wrong service key instead of pretending to store", async () => {
    const wrong = createSupabaseBlobStore({ url: URL_BASE, serviceRoleKey: "wrong", bucket: "media" });
    const err = await wrong.put("c_9/photos/w.jpg", new Uint8Array([1]), "image/jpeg").catch((e) => e);
    expect(isPhotoMemoryError(err, "blob.failed")).toBe(true);
    expect(storage.objects.has("c_9/photos/w.jpg")).toBe(false);
  });
});
