/**
 * Headless Chromium for the page tests: the distribution's browser (CHROMIUM_PATH, else /usr/bin/chromium, installed by
 * `npm test`'s pretest), kept off the network and quiet (no updates, no sync, no QUIC).
 */
import { type Browser, chromium } from "playwright-core";

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
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
}
