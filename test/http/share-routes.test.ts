import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalBlobStore } from "../../src/core/blobs/local-blob-store.ts";
import { receivePhotos, requestMemory } from "../../src/core/memories/index.ts";
import { createShareRoutes } from "../../src/http/share-routes.ts";
import { createHarness, type Harness, makeJpeg } from "../memories/harness.ts";

let h: Harness;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "pm-share-"));
  h = await createHarness({ blobs: createLocalBlobStore({ root: path.join(dir, "blobs") }) });
});
afterAll(async () => {
  await h.close();
  await rm(dir, { recursive: true, force: true });
});

async function memory(title: string) {
  await receivePhotos(h.deps, {
    target: h.target,
    user: { id: "ada" },
    photos: [{ name: "a.jpg", bytes: await makeJpeg(Math.floor(Math.random() * 1000)) }],
  });
  const started = await requestMemory(h.deps, { target: h.target, user: { id: "ada" }, title });
  if (started.kind !== "started") throw new Error(started.kind);
  return started.video;
}

describe("share page", () => {
  it("shows a finished memory by its token and streams it with Range; nothing else", async () => {
    h.newConversation();
    const video = await memory("Grandma <90>");
    const app = createShareRoutes({ store: h.deps.store, blobs: h.blobs });
    expect((await app.request(`/share/${video.shareToken}`)).status).toBe(404);

    const videoKey = `${h.target.channelId}/videos/${video.id}.mp4`;
    await h.blobs.put(videoKey, new Uint8Array(500).fill(7), "video/mp4");
    await h.deps.store.transitionVideo(video.id, ["queued"], "processing");
    await h.deps.store.transitionVideo(video.id, ["processing"], "completed", {
      videoKey,
      bytes: 500,
      durationSeconds: 10,
      width: 1280,
      height: 720,
    });

    const page = await app.request(`/share/${video.shareToken}`);
    expect(page.status).toBe(200);
    expect(page.headers.get("x-robots-tag")).toBe("noindex");
    const html = await page.text();
    expect(html).toContain("Grandma &lt;90&gt;");
    expect(html).toContain(`/share/${video.shareToken}/video.mp4`);

    const part = await app.request(`/share/${video.shareToken}/video.mp4`, {
      headers: { range: "bytes=0-99" },
    });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe("bytes 0-99/500");

    expect((await app.request("/share/not-a-real-token-at-all-000")).status).toBe(404);
    expect((await app.request(`/share/${video.shareToken}/poster.jpg`)).status).toBe(404);
  });
});
