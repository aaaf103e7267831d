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
    const app = createShareRoutes({
      store: h.deps.store,
      blobs: h.blobs,
      publicUrl: "https://memories.example",
    });
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

    const missing = await app.request("/share/not-a-real-token-at-all-000");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toContain("text/html");
    expect(await missing.text()).toContain("This memory is not here");
    expect((await app.request(`/share/${video.shareToken}/poster.jpg`)).status).toBe(404);
  });

  it("unfurls in Slack, Discord and Telegram: Open Graph video and poster, a Twitter player card; and downloads", async () => {
    h.newConversation();
    const video = await memory("Lisbon: 3 days");
    const videoKey = `${h.target.channelId}/videos/${video.id}.mp4`;
    const posterKey = `${h.target.channelId}/videos/${video.id}.jpg`;
    await h.blobs.put(videoKey, new Uint8Array(800).fill(3), "video/mp4");
    await h.blobs.put(posterKey, await makeJpeg(5), "image/jpeg");
    await h.deps.store.transitionVideo(video.id, ["queued"], "processing");
    await h.deps.store.transitionVideo(video.id, ["processing"], "completed", {
      videoKey,
      posterKey,
      bytes: 800,
      durationSeconds: 12,
      width: 1080,
      height: 1920,
    });
    const app = createShareRoutes({
      store: h.deps.store,
      blobs: h.blobs,
      publicUrl: "https://memories.example",
    });
    const html = await (await app.request(`/share/${video.shareToken}`)).text();
    const meta = (key: string) =>
      new RegExp(`<meta (?:property|name)="${key}" content="([^"]*)">`).exec(html)?.[1];
    const page = `https://memories.example/share/${video.shareToken}`;
    expect(meta("og:title")).toBe("Lisbon: 3 days");
    expect(meta("og:type")).toBe("video.other");
    expect(meta("og:video")).toBe(`${page}/video.mp4`);
    expect(meta("og:video:type")).toBe("video/mp4");
    expect([meta("og:video:width"), meta("og:video:height")]).toEqual(["1080", "1920"]);
    expect(meta("og:image")).toBe(`${page}/poster.jpg`);
    expect(meta("twitter:card")).toBe("player");
    expect(meta("twitter:player")).toBe(`${page}/embed`);
    expect([meta("twitter:player:width"), meta("twitter:player:height")]).toEqual(["1080", "1920"]);

    // Every URL the unfurlers are given answers.
    const poster = await app.request(`/share/${video.shareToken}/poster.jpg`);
    expect([poster.status, poster.headers.get("content-type")]).toEqual([200, "image/jpeg"]);
    const embed = await app.request(`/share/${video.shareToken}/embed`);
    expect(embed.status).toBe(200);
    expect(await embed.text()).toContain(`src="/share/${video.shareToken}/video.mp4"`);

    expect(html).toMatch(
      /<a class="button" href="[^"]+\/video\.mp4\?download=1" download="Lisbon 3 days\.mp4">Download the video<\/a>/,
    );
    const download = await app.request(`/share/${video.shareToken}/video.mp4?download=1`);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-disposition")).toBe(
      `attachment; filename="memory.mp4"; filename*=UTF-8''Lisbon%203%20days.mp4`,
    );
    expect((await download.arrayBuffer()).byteLength).toBe(800);
  });
});
