/**
 * The share page in a real browser (headless Chromium), served by the app with its security headers: a portrait
 * memory on a desktop screen and a landscape one on a phone both fit the window with the download button in view, and
 * the bare player that link previews frame (a Twitter player card) plays inside a frame on another site.
 */
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { serve } from "@hono/node-server";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalBlobStore } from "../../src/core/blobs/local-blob-store.ts";
import { createSilentLogger } from "../../src/core/log.ts";
import { receivePhotos, requestMemory } from "../../src/core/memories/index.ts";
import { createApp } from "../../src/http/app.ts";
import { createShareRoutes } from "../../src/http/share-routes.ts";
import { launchChromium } from "../helpers/chromium.ts";
import { createHarness, type Harness, makeJpeg } from "../memories/harness.ts";

let h: Harness;
let dir: string;
let browser: Browser;
let site: { url: string; close(): Promise<void> };
let elsewhere: { url: string; close(): Promise<void> };

function listen(fetch: (request: Request) => Response | Promise<Response>) {
  return new Promise<{ url: string; close(): Promise<void> }>((resolve) => {
    const server = serve({ fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) =>
      resolve({
        url: `http://127.0.0.1:${info.port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      }),
    );
  });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "pm-share-browser-"));
  h = await createHarness({ blobs: createLocalBlobStore({ root: path.join(dir, "blobs") }) });
  const app = createApp({
    logger: createSilentLogger(),
    checkDatabase: async () => {},
    routers: [{ path: "/", app: createShareRoutes({ store: h.deps.store, blobs: h.blobs, publicUrl: "" }) }],
  });
  site = await listen((request) => app.fetch(request));
  // Another site (another origin: another port) that frames the player, as a chat app's link preview does.
  elsewhere = await listen((request) => {
    const src = new URL(request.url).searchParams.get("src") ?? "";
    return new Response(`<!doctype html><iframe src="${src}" width="640" height="360"></iframe>`, {
      headers: { "content-type": "text/html" },
    });
  });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await elsewhere?.close();
  await h?.close();
  await rm(dir, { recursive: true, force: true });
});

/** A finished memory of the given frame size (its video bytes are not a real video: the page's layout is tested). */
async function sharedMemory(width: number, height: number): Promise<string> {
  h.newConversation();
  await receivePhotos(h.deps, {
    target: h.target,
    user: { id: "ada" },
    photos: [{ name: "a.jpg", bytes: await makeJpeg(width % 97) }],
  });
  const started = await requestMemory(h.deps, { target: h.target, user: { id: "ada" }, title: "Porto" });
  if (started.kind !== "started") throw new Error(started.kind);
  const { video } = started;
  const videoKey = `${h.target.channelId}/videos/${video.id}.mp4`;
  const posterKey = `${h.target.channelId}/videos/${video.id}.jpg`;
  await h.blobs.put(videoKey, new Uint8Array(1000).fill(1), "video/mp4");
  await h.blobs.put(posterKey, await makeJpeg(3, { width: width / 4, height: height / 4 }), "image/jpeg");
  await h.deps.store.transitionVideo(video.id, ["queued"], "processing");
  await h.deps.store.transitionVideo(video.id, ["processing"], "completed", {
    videoKey,
    posterKey,
    bytes: 1000,
    durationSeconds: 20,
    width,
    height,
  });
  return `/share/${video.shareToken}`;
}

describe("share page in a browser", { timeout: 120_000 }, () => {
  it.each([
    ["a portrait memory on a desktop screen", 1080, 1920, { width: 1280, height: 800 }],
    ["a landscape memory on a desktop screen", 1920, 1080, { width: 1280, height: 800 }],
    ["a portrait memory on a phone", 1080, 1920, { width: 390, height: 844 }],
    ["a landscape memory on a phone", 1920, 1080, { width: 390, height: 844 }],
  ])("shows %s whole, with the download button in view", async (_name, width, height, viewport) => {
    const share = await sharedMemory(width, height);
    const page = await browser.newPage({ viewport });
    try {
      await page.goto(`${site.url}${share}`);
      const layout = await page.evaluate(() => {
        const box = (selector: string) => document.querySelector(selector)?.getBoundingClientRect();
        return {
          video: box("video"),
          button: box("a.button"),
          scrollWidth: document.documentElement.scrollWidth,
        };
      });
      if (!layout.video || !layout.button) throw new Error("no video or no download button");
      // The video keeps its shape and fits the window; the button is below it, on screen.
      expect(layout.video.width / layout.video.height).toBeCloseTo(width / height, 1);
      expect(layout.video.top).toBeGreaterThanOrEqual(0);
      expect(layout.video.bottom).toBeLessThanOrEqual(viewport.height);
      expect(layout.video.width).toBeLessThanOrEqual(viewport.width);
      // … and is as big as it can be: most of the window's height, or the page's full width (at most 960 px).
      const tall = layout.video.height >= viewport.height * 0.6;
      const wide = layout.video.width >= Math.min(960, viewport.width * 0.9);
      expect(tall || wide, JSON.stringify(layout.video)).toBe(true);
      expect(layout.button.top).toBeGreaterThanOrEqual(layout.video.bottom);
      expect(layout.button.bottom).toBeLessThanOrEqual(viewport.height);
      expect(layout.scrollWidth).toBeLessThanOrEqual(viewport.width);
    } finally {
      await page.close();
    }
  });

  it("plays the bare player inside a frame on another site; the page with the download button is not framed", async () => {
    const share = await sharedMemory(1280, 720);
    const page = await browser.newPage();
    try {
      for (const [path, framed] of [
        [`${share}/embed`, true],
        [share, false],
      ] as const) {
        await page.goto(`${elsewhere.url}/?src=${encodeURIComponent(`${site.url}${path}`)}`);
        const frame = await (await page.waitForSelector("iframe")).contentFrame();
        if (!frame) throw new Error("no frame");
        await frame.waitForLoadState();
        // A frame the browser refused shows its error page (chrome-error://), with no video in it.
        expect(frame.url().startsWith(site.url), `${path}: ${frame.url()}`).toBe(framed);
        expect(await frame.locator("video").count(), path).toBe(framed ? 1 : 0);
      }
    } finally {
      await page.close();
    }
  });
});
