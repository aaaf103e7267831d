import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTelegramBot, type TelegramBot } from "../../../src/bots/telegram/telegram-bot.ts";
import { isPhotoMemoryError } from "../../../src/core/errors.ts";
import { TINY_JPEG } from "../../stand-ins/local-server.ts";
import { startTelegramStandIn, type TelegramStandIn } from "../../stand-ins/telegram-api.ts";
import { createFakeDeps, type FakeDeps, waitFor } from "../fake-deps.ts";
import {
  TELEGRAM_SECRET,
  TELEGRAM_TOKEN,
  telegramBotOn,
  telegramFixture,
  telegramPost,
} from "./contract-kit.ts";

const fixture = telegramFixture;

let tg: TelegramStandIn;
let deps: FakeDeps;
let bot: TelegramBot;

beforeAll(async () => {
  tg = await startTelegramStandIn(TELEGRAM_TOKEN);
});
afterAll(() => tg.close());
afterEach(async () => {
  await bot.stop();
  expect(deps.logs()).not.toContain(TELEGRAM_TOKEN);
  expect(deps.logs()).not.toContain(TELEGRAM_TOKEN.split(":")[1]);
});

function setup() {
  deps = createFakeDeps();
  bot = telegramBotOn(tg, deps, {}, { albumQuietMs: 50 });
}

const post = (body: string, secret?: string | null) =>
  bot.router.request("/webhook", telegramPost(body, secret));

describe("Telegram webhook", () => {
  it("refuses a missing or wrong secret token with 401 and processes nothing", async () => {
    setup();
    expect((await post(fixture("photo.json"), null)).status).toBe(401);
    expect((await post(fixture("photo.json"), "s3cr3t_webhook-tokem")).status).toBe(401);
    expect(deps.dropped).toHaveLength(0);
  });

  it("records the largest size of a photo once, even when Telegram re-sends the update; no 👍 before intake accepts it", async () => {
    setup();
    expect((await post(fixture("photo.json"))).status).toBe(200);
    expect((await post(fixture("photo.json"))).status).toBe(200);
    expect(deps.dropped).toHaveLength(1);
    expect(deps.dropped[0]?.target).toEqual({ platform: "telegram", channelId: "5550001" });
    expect(deps.dropped[0]?.files[0]).toMatchObject({ fileId: "AgACAgQAAxkBAAMpZ-large", size: 98532 });
    expect(deps.dropped[0]?.messageId).toBe("41");
    expect(JSON.stringify(deps.dropped)).not.toContain(TELEGRAM_TOKEN);
    expect(tg.callsTo("setMessageReaction")).toHaveLength(0);
  });

  it("processes the re-send of an update whose handling failed", async () => {
    setup();
    deps.failDrops = 1;
    expect((await post(fixture("document-image.json"))).status).toBe(500);
    expect((await post(fixture("document-image.json"))).status).toBe(200);
    expect(deps.dropped.map((d) => d.files[0]?.fileId)).toEqual(["BQACAgQAAxkBAAMqZ-doc"]);
  });

  it("answers 5xx and processes nothing while the dedupe store is down, so Telegram sends the update again", async () => {
    setup();
    deps.deliveries.recordInboundDelivery = async () => {
      throw new Error("connection refused");
    };
    expect((await post(fixture("photo.json"))).status).toBe(500);
    expect(deps.dropped).toHaveLength(0);
  });

  it("persists every album item and posts one summary line", async () => {
    setup();
    const before = tg.callsTo("sendMessage").length;
    await post(fixture("album-1.json"));
    await post(fixture("album-2.json"));
    expect(deps.dropped).toHaveLength(2);
    await waitFor(() => tg.callsTo("sendMessage").length > before, "the album summary");
    await new Promise((r) => setTimeout(r, 120));
    const summaries = tg.callsTo("sendMessage").slice(before);
    expect(summaries).toHaveLength(1);
    expect(String(summaries[0]?.params.text)).toContain("Got 2 photos");
    expect(deps.dropped.map((d) => [d.albumKey, d.quiet])).toEqual([
      ["13603457850436181", true],
      ["13603457850436181", true],
    ]);
  });

  it("waits for an album still downloading, and never answers it once a memory took its photos", async () => {
    setup();
    deps.album = { arriving: 1, inMemory: false };
    const before = tg.callsTo("sendMessage").length;
    await post(fixture("album-1.json"));
    await post(fixture("album-2.json"));
    await new Promise((r) => setTimeout(r, 300));
    expect(tg.callsTo("sendMessage").length).toBe(before);
    deps.album = { arriving: 0, inMemory: false };
    await waitFor(() => tg.callsTo("sendMessage").length > before, "the album line once stored");
    expect(String(tg.callsTo("sendMessage").at(-1)?.params.text)).toContain("Got 2 photos from your album");

    // Another album, which `/memory` took before its last photo was stored: no line after the memory started.
    const other = (n: number) =>
      fixture(`album-${n}.json`)
        .replaceAll("13603457850436181", "13603457850436999")
        .replace(/"update_id": (\d+)/, '"update_id": 9$1');
    deps.album = { arriving: 1, inMemory: false };
    const after = tg.callsTo("sendMessage").length;
    await post(other(1));
    await post(other(2));
    await new Promise((r) => setTimeout(r, 200));
    deps.album = { arriving: 0, inMemory: true };
    await new Promise((r) => setTimeout(r, 300));
    expect(deps.dropped.filter((d) => d.albumKey === "13603457850436999")).toHaveLength(2);
    expect(tg.callsTo("sendMessage").length).toBe(after);
  });

  it("runs /memory with style, title and the user's language; a style button edits the picker", async () => {
    setup();
    await post(fixture("memory-command.json"));
    expect(deps.commands[0]).toMatchObject({
      target: { platform: "telegram", channelId: "5550001" },
      command: { kind: "request", style: "vintage", title: "Summer in Lisbon" },
      locale: "pt",
    });
    await post(fixture("callback-style.json"));
    expect(deps.commands[1]).toMatchObject({
      command: { kind: "request", style: "classic" },
      statusMessage: { messageId: "46" },
    });
  });
});

describe("Telegram adapter", () => {
  it("downloads through getFile and turns an HTML page into a clear error", async () => {
    setup();
    tg.files.set("good", { path: "photos/file_1.jpg", size: TINY_JPEG.byteLength });
    tg.files.set("html", { path: "photos/file_2.jpg", size: 100, html: true });
    const bytes = await bot.adapter.downloadFile(
      { platform: "telegram", fileId: "good" },
      { maxBytes: 1_000_000 },
    );
    expect(Buffer.from(bytes).equals(TINY_JPEG)).toBe(true);
    const error = await bot.adapter
      .downloadFile({ platform: "telegram", fileId: "html" }, { maxBytes: 1_000_000 })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(isPhotoMemoryError(error, "download.html_page")).toBe(true);
    expect(String((error as Error).message)).not.toContain(TELEGRAM_TOKEN);
  });

  it("sends the video with its title and the share link as its caption", async () => {
    setup();
    const dir = mkdtempSync(path.join(tmpdir(), "pm-tg-"));
    const file = path.join(dir, "m.mp4");
    writeFileSync(file, Buffer.alloc(2048, 1));
    const target = { platform: "telegram" as const, channelId: "5550001" };
    const video = {
      path: file,
      title: "Summer in Lisbon",
      bytes: 2048,
      durationSeconds: 9,
      width: 1280,
      height: 720,
    };
    await bot.adapter.postVideo(target, video);
    const sent = tg.callsTo("sendVideo").at(-1);
    expect(sent?.params).toMatchObject({ chat_id: "5550001", caption: "Summer in Lisbon" });
    expect(sent?.uploadBytes).toBe(2048);

    await bot.adapter.postVideo(target, { ...video, shareUrl: "https://photomemory.example/s/abc" });
    expect(tg.callsTo("sendVideo").at(-1)?.params.caption).toBe(
      "Summer in Lisbon\nhttps://photomemory.example/s/abc",
    );
  });

  it("keeps callback data within Telegram's 64 bytes and turns links into URL buttons", async () => {
    setup();
    await bot.adapter.postMessage(
      { platform: "telegram", channelId: "5550001" },
      {
        text: "Which style?",
        actions: [
          {
            id: "style-modern",
            label: "modern",
            value: "/memory modern Лето в Лиссабоне с друзьями и семьёй",
          },
          { id: "upgrade", label: "Unlock", value: "https://buy.stripe.com/test_123" },
        ],
      },
    );
    const markup = tg.callsTo("sendMessage").at(-1)?.params.reply_markup as {
      inline_keyboard: { callback_data?: string; url?: string }[][];
    };
    const [picker, link] = markup.inline_keyboard.flat();
    expect(Buffer.byteLength(picker?.callback_data ?? "")).toBeLessThanOrEqual(64);
    expect(picker?.callback_data).toMatch(/^\/memory modern Лето/);
    expect(link?.url).toBe("https://buy.stripe.com/test_123");
  });
});

describe("Telegram start", () => {
  it("sets the webhook with the secret when PUBLIC_URL is set", async () => {
    deps = createFakeDeps();
    bot = telegramBotOn(tg, deps, { publicUrl: "https://photomemory.example" });
    await bot.start();
    expect(tg.callsTo("setWebhook").at(-1)?.params).toMatchObject({
      url: "https://photomemory.example/telegram/webhook",
      secret_token: TELEGRAM_SECRET,
    });
  });
});

describe("Telegram long polling", () => {
  it("without a webhook secret, polls getUpdates and collects photos from them", async () => {
    deps = createFakeDeps();
    bot = createTelegramBot(deps, { token: TELEGRAM_TOKEN, apiRoot: tg.apiRoot });
    expect(
      (await bot.router.request("/webhook", { method: "POST", body: fixture("photo.json") })).status,
    ).toBe(404);
    tg.updates.push(JSON.parse(fixture("photo.json").replace("804620001", "804620101")));
    await bot.start();
    await waitFor(() => deps.dropped.length === 1, "the polled photo");
    expect(tg.callsTo("deleteWebhook").length).toBeGreaterThan(0);
    expect(deps.dropped[0]?.files[0]?.fileId).toBe("AgACAgQAAxkBAAMpZ-large");
  });
});
