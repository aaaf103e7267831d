/**
 * A real browser on the playground: headless Chromium drops photos on the page (a drag-and-drop and the file
 * picker), types `/memory`, watches the progress bar, and waits until the <video> element has loaded the memory.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { createSilentLogger } from "../../src/core/log.ts";
import { type Service, startService } from "../../src/main.ts";
import { noisyJpeg } from "../fixtures/generate-photos.ts";

let service: Service;
let browser: Browser;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "pm-browser-"));
  service = await startService(loadConfig({ PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir }), {
    logger: createSilentLogger(),
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await service?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe("the playground page in Chromium", () => {
  it("turns dropped photos and /memory into a video that plays", { timeout: 240_000 }, async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${service.url}/playground?conversation=browser-${Date.now()}`);
    await page.waitForFunction(() => document.getElementById("status")?.textContent === "live");

    // Two photos dragged onto the page.
    const dropped = await Promise.all([noisyJpeg(800, 600, 11), noisyJpeg(600, 800, 12)]);
    await page.evaluate(
      (files) => {
        const transfer = new DataTransfer();
        for (const f of files)
          transfer.items.add(new File([new Uint8Array(f.bytes)], f.name, { type: "image/jpeg" }));
        document.dispatchEvent(
          new DragEvent("drop", { dataTransfer: transfer, bubbles: true, cancelable: true }),
        );
      },
      dropped.map((b, i) => ({ name: `dropped-${i + 1}.jpg`, bytes: [...b] })),
    );
    await page.getByText("Got 2 photos").waitFor({ timeout: 60_000 });

    // One more through the file picker.
    await page.setInputFiles("#photo-input", {
      name: "picked.jpg",
      mimeType: "image/jpeg",
      buffer: await noisyJpeg(800, 600, 13),
    });
    await page.getByText("(3 in this collection)").waitFor({ timeout: 60_000 });

    await page.fill("#text", "/memory Browser trip");
    await page.press("#text", "Enter");
    await page.waitForSelector("progress", { timeout: 60_000 });

    await page.waitForFunction(
      () => {
        const video = document.querySelector("video");
        return video !== null && video.readyState >= 2;
      },
      undefined,
      { timeout: 200_000, polling: 250 },
    );
    const state = await page.evaluate(() => {
      const video = document.querySelector("video") as HTMLVideoElement;
      return {
        readyState: video.readyState,
        duration: video.duration,
        videos: document.querySelectorAll("video").length,
      };
    });
    expect(state.readyState).toBeGreaterThanOrEqual(2);
    expect(state.duration).toBeGreaterThan(3);
    expect(state.videos).toBe(1);
    expect(errors).toEqual([]);
  });
});
