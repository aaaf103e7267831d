/**
 * Playground uploads are streamed to temp files under their caps: a file or a body over its cap is refused with 413
 * while most of it is still unread (the test's body counts what was pulled from it), malformed multipart is 400, a
 * full disk is 507 (the kernel's own ENOSPC: the part is written to /dev/full through the route's file opener), and
 * nothing is left in the temp folder either way.
 */
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createPlaygroundBot } from "../../src/bots/playground/playground-bot.ts";
import { createLocalBlobStore } from "../../src/core/blobs/local-blob-store.ts";
import { createSilentLogger } from "../../src/core/log.ts";
import { createApp } from "../../src/http/app.ts";
import { createPlaygroundRoutes } from "../../src/http/playground/routes.ts";
import { createHarness, type Harness, makeJpeg } from "../memories/harness.ts";

const MB = 1024 * 1024;
const BOUNDARY = "----pmtest";
let h: Harness;
let dir: string;
let spool: string;
let fullDiskSpool: string;
let app: ReturnType<typeof createApp>;
let fullDiskApp: ReturnType<typeof createApp>;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "pm-playground-upload-"));
  spool = path.join(dir, "spool");
  fullDiskSpool = path.join(dir, "spool-full");
  await mkdir(spool);
  await mkdir(fullDiskSpool);
  const blobs = createLocalBlobStore({ root: path.join(dir, "blobs") });
  h = await createHarness({ blobs });
  const bot = createPlaygroundBot(h.chat, h.deps, createSilentLogger());
  const limits = { maxFileBytes: 2 * MB, maxRequestBytes: 5 * MB, maxFiles: 4 };
  app = createApp({
    logger: createSilentLogger(),
    checkDatabase: async () => {},
    playground: createPlaygroundRoutes({ bot, blobs, uploads: { tmpDir: spool, limits } }),
  });
  fullDiskApp = createApp({
    logger: createSilentLogger(),
    checkDatabase: async () => {},
    playground: createPlaygroundRoutes({
      bot,
      blobs,
      uploads: { tmpDir: fullDiskSpool, limits, openFile: () => createWriteStream("/dev/full") },
    }),
  });
}, 180_000); // booting PGlite takes a minute on a busy machine
afterAll(async () => {
  await h.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => h.newConversation());

const url = () => `/playground/api/conversations/${h.target.channelId}/photos`;

function partHead(name: string, i: number): Buffer {
  return Buffer.from(
    `${i > 0 ? "\r\n" : ""}--${BOUNDARY}\r\nContent-Disposition: form-data; name="photos"; filename="${name}"\r\n` +
      "Content-Type: image/jpeg\r\n\r\n",
  );
}

/** A multipart body made as it is read, with the count of bytes the server pulled from it. */
function lazyBody(files: { name: string; bytes: number }[]) {
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  let pulled = 0;
  async function* parts() {
    for (const [i, f] of files.entries()) {
      yield partHead(f.name, i);
      for (let left = f.bytes; left > 0; left -= chunk.length)
        yield chunk.subarray(0, Math.min(left, chunk.length));
    }
    yield Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  }
  const it = parts();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await it.next();
      if (next.done) controller.close();
      else {
        pulled += next.value.length;
        controller.enqueue(next.value);
      }
    },
  });
  const total = files.reduce((n, f) => n + partHead(f.name, 1).length + f.bytes, 0);
  return { body, total, pulled: () => pulled };
}

function post(target: ReturnType<typeof createApp>, body: BodyInit, headers: Record<string, string> = {}) {
  return target.request(url(), {
    method: "POST",
    body,
    headers: { "content-type": `multipart/form-data; boundary=${BOUNDARY}`, ...headers },
    duplex: "half",
  } as RequestInit);
}

async function spoolIsEmpty(folder: string) {
  expect(await readdir(folder)).toEqual([]);
}

describe("playground uploads", () => {
  it("takes photos streamed to disk, one at a time, and leaves no temp file", async () => {
    const form = new FormData();
    const a = await makeJpeg(1, { width: 640, height: 480 });
    const b = await makeJpeg(2, { width: 640, height: 480 });
    form.append("photos", new File([a as BlobPart], "a.jpg", { type: "image/jpeg" }));
    form.append("photos", new File([b as BlobPart], "b.jpg", { type: "image/jpeg" }));
    form.append("user", "ada");
    const res = await app.request(url(), { method: "POST", body: form });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ added: ["a.jpg", "b.jpg"], collected: 2 });
    await spoolIsEmpty(spool);
  });

  it("refuses a photo over its cap with 413 without reading the rest of the body", async () => {
    const upload = lazyBody([
      { name: "small.jpg", bytes: 100_000 },
      { name: "huge.jpg", bytes: 200 * MB },
    ]);
    const res = await post(app, upload.body);
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      error: "too_large",
      message: "huge.jpg is over 2.1 MB; photos can be at most 2.1 MB. Nothing from this upload was added.",
    });
    expect(res.headers.get("connection")).toBe("close");
    expect(upload.pulled()).toBeLessThan(8 * MB);
    expect(await (await app.request(url())).json()).toEqual({ photos: [], song: null });
    await spoolIsEmpty(spool);
  });

  it("refuses a body over the request cap: at once when its length is declared, while reading when chunked", async () => {
    const declared = lazyBody([{ name: "a.jpg", bytes: 300 * MB }]);
    const refused = await post(app, declared.body, { "content-length": String(declared.total) });
    expect(refused.status).toBe(413);
    expect((await refused.json()) as object).toMatchObject({ error: "too_large" });
    expect(declared.pulled()).toBeLessThan(1024); // a ReadableStream pulls its first chunk (a part head) when made

    // Four photos of 1.9 MB each stay under the photo cap but pass the 5 MiB request cap during the third.
    const chunked = lazyBody([1, 2, 3, 4].map((i) => ({ name: `p${i}.jpg`, bytes: 1_900_000 })));
    const res = await post(app, chunked.body);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({
      error: "too_large",
      message: expect.stringContaining("fewer photos"),
    });
    expect(chunked.pulled()).toBeLessThan(7 * MB);
    await spoolIsEmpty(spool);
  });

  it("answers malformed multipart with 400", async () => {
    const cut = await post(
      app,
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="photos"; filename="a.jpg"\r\n\r\nnot closed`,
    );
    expect(cut.status).toBe(400);
    expect(await cut.json()).toMatchObject({ error: "bad_upload" });
    const noBoundary = await app.request(url(), {
      method: "POST",
      headers: { "content-type": "multipart/form-data" },
      body: "x",
    });
    expect(noBoundary.status).toBe(400);
    const notMultipart = await app.request(url(), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(notMultipart.status).toBe(400);
    await spoolIsEmpty(spool);
  });

  it("answers too many photos and no photos with 400", async () => {
    const many = lazyBody([1, 2, 3, 4, 5].map((i) => ({ name: `p${i}.jpg`, bytes: 1000 })));
    const res = await post(app, many.body);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "too_many", message: "Send at most 4 photos at once." });
    const form = new FormData();
    form.append("user", "ada");
    const none = await app.request(url(), { method: "POST", body: form });
    expect(none.status).toBe(400);
    expect(await none.json()).toMatchObject({ error: "no_photos" });
    await spoolIsEmpty(spool);
  });

  it("answers a full disk (ENOSPC) with 507 and a sentence, not 400", async () => {
    const jpeg = await makeJpeg(3);
    const form = new FormData();
    form.append("photos", new File([jpeg as BlobPart], "a.jpg", { type: "image/jpeg" }));
    const res = await fullDiskApp.request(url(), { method: "POST", body: form });
    expect(res.status).toBe(507);
    expect(await res.json()).toEqual({
      error: "storage_full",
      message: "The server is out of storage space; please try again later.",
    });
    await spoolIsEmpty(fullDiskSpool);
  });
});
