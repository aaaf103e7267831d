import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BlobStore } from "../../src/core/blobs/blob-store.ts";
import { createLocalBlobStore } from "../../src/core/blobs/local-blob-store.ts";
import { createSilentLogger } from "../../src/core/log.ts";
import { receivePhotos, requestMemory } from "../../src/core/memories/index.ts";
import { createApp } from "../../src/http/app.ts";
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

/**
 * Whether a Content-Security-Policy lets a page load `url` for `directive` (falling back to default-src), served from
 * `self`: enough of CSP's source matching for these pages (keywords 'self' and 'none', scheme sources, origins).
 */
function cspAllows(csp: string, directive: string, url: string, self: string): boolean {
  const directives = new Map(
    csp.split(";").map((d) => {
      const [name = "", ...values] = d.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );
  const sources = directives.get(directive) ?? directives.get("default-src") ?? ["*"];
  const target = new URL(url);
  return sources.some(
    (source) =>
      source === "*" ||
      (source === "'self'" && target.origin === new URL(self).origin) ||
      source === target.protocol ||
      source === target.origin,
  );
}

describe("share page in browsers and link previews", () => {
  it("lets chat apps frame the player (only the player), and plays the video and poster from Storage's signed URLs", async () => {
    h.newConversation();
    const video = await memory("Porto");
    const videoKey = `${h.target.channelId}/videos/${video.id}.mp4`;
    const posterKey = `${h.target.channelId}/videos/${video.id}.jpg`;
    await h.deps.store.transitionVideo(video.id, ["queued"], "processing");
    await h.deps.store.transitionVideo(video.id, ["processing"], "completed", {
      videoKey,
      posterKey,
      bytes: 800,
      durationSeconds: 12,
      width: 1280,
      height: 720,
    });
    // Files in Supabase Storage: the share URLs redirect to signed URLs on the storage's own origin.
    const storage: BlobStore = {
      kind: "supabase",
      put: h.blobs.put.bind(h.blobs),
      putFile: h.blobs.putFile.bind(h.blobs),
      get: h.blobs.get.bind(h.blobs),
      download: h.blobs.download.bind(h.blobs),
      exists: h.blobs.exists.bind(h.blobs),
      delete: h.blobs.delete.bind(h.blobs),
      signedUrl: async (key) => `https://project.supabase.co/storage/v1/object/sign/media/${key}?token=t`,
    };
    const site = "https://memories.example";
    const app = createApp({
      logger: createSilentLogger(),
      checkDatabase: async () => {},
      routers: [
        { path: "/", app: createShareRoutes({ store: h.deps.store, blobs: storage, publicUrl: site }) },
      ],
    });
    const base = `/share/${video.shareToken}`;
    const videoAt = (await app.request(`${base}/video.mp4`)).headers.get("location") ?? "";
    const posterAt = (await app.request(`${base}/poster.jpg`)).headers.get("location") ?? "";
    expect(new URL(videoAt).origin).toBe("https://project.supabase.co");
    expect(new URL(posterAt).origin).toBe("https://project.supabase.co");

    // A browser follows the redirect only where the page's CSP allows the target: the page and the player both.
    for (const path of [base, `${base}/embed`]) {
      const res = await app.request(path);
      expect(res.status).toBe(200);
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(cspAllows(csp, "media-src", videoAt, site), `${path}: ${csp}`).toBe(true);
      expect(cspAllows(csp, "img-src", posterAt, site), `${path}: ${csp}`).toBe(true);
      expect(cspAllows(csp, "script-src", "https://evil.example/x.js", site)).toBe(false);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    }

    // Slack, Discord and Twitter show the player card in a frame on their own pages.
    const embed = await app.request(`${base}/embed`);
    const embedCsp = embed.headers.get("content-security-policy") ?? "";
    expect(embed.headers.get("x-frame-options")).toBeNull();
    for (const previewer of ["https://app.slack.com", "https://discord.com", "https://x.com"])
      expect(cspAllows(embedCsp, "frame-ancestors", previewer, site), embedCsp).toBe(true);
    // The page with the download button is not framed by anyone.
    const page = await app.request(base);
    expect(page.headers.get("x-frame-options")).toBe("DENY");
    expect(
      cspAllows(page.headers.get("content-security-policy") ?? "", "frame-ancestors", "https://x.com", site),
    ).toBe(false);
  });
});
