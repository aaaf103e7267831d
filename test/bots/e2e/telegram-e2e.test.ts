/**
 * Telegram end to end: a photo and an image document go in (through getFile and the file URL, which carries the
 * token), `/memory` brings exactly one video back with status edits, a forged webhook call is refused, and the
 * token never shows in the logs.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { noisyJpeg } from "../../fixtures/generate-photos.ts";
import { startTelegramStandIn, type TelegramStandIn } from "../../stand-ins/telegram-api.ts";
import { type BotService, eventually, startBotService } from "./bot-service.ts";

const TOKEN = "7000000001:AAE2eTelegramTokenValue_0123456789ab";
const SECRET = "e2e-webhook-secret";
let tg: TelegramStandIn;
let bots: BotService;
const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/telegram/${name}`, import.meta.url), "utf8");

beforeAll(async () => {
  tg = await startTelegramStandIn(TOKEN);
  tg.files.set("AgACAgQAAxkBAAMpZ-large", {
    path: "photos/file_1.jpg",
    size: 1,
    bytes: await noisyJpeg(800, 600, 21),
  });
  tg.files.set("AgACAgQAAxkBAAMrZ-a1-large", {
    path: "photos/file_3.jpg",
    size: 1,
    bytes: await noisyJpeg(640, 480, 23),
  });
  tg.files.set("AgACAgQAAxkBAAMsZ-a2-large", {
    path: "photos/file_4.jpg",
    size: 1,
    bytes: await noisyJpeg(480, 640, 24),
  });
  tg.files.set("BQACAgQAAxkBAAMqZ-doc", {
    path: "documents/file_2.jpg",
    size: 1,
    bytes: await noisyJpeg(600, 800, 22),
  });
  bots = await startBotService({
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_API_ROOT: tg.apiRoot,
    PUBLIC_URL: "https://photomemory.example",
  });
});
afterAll(async () => {
  await bots?.stop();
  await tg?.close();
});

const post = (body: string, secret = SECRET) =>
  bots.service.app.request("/telegram/webhook", {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
    body,
  });

it("Telegram: a photo and an image document, then /memory, bring one video back to the chat", async () => {
  expect((await post(fixture("photo.json"), "forged")).status).toBe(401);
  expect((await post(fixture("photo.json"))).status).toBe(200);
  expect((await post(fixture("document-image.json"))).status).toBe(200);
  // Each message gets its 👍 once its photo was accepted, and no line.
  await eventually(() => tg.callsTo("setMessageReaction").at(1), "two photo reactions", 20_000);
  expect(tg.callsTo("setMessageReaction").map((c) => c.params.message_id)).toEqual([41, 42]);
  expect(tg.callsTo("sendMessage").filter((c) => /Got 1 photo/.test(String(c.params.text)))).toHaveLength(0);

  // Vintage is a premium style (locked on the free plan); modern is free.
  expect(
    (await post(fixture("memory-command.json").replace("/memory vintage", "/memory modern"))).status,
  ).toBe(200);
  const sent = await eventually(() => tg.callsTo("sendVideo")[0], "the video");
  await new Promise((r) => setTimeout(r, 1500));
  expect(tg.callsTo("sendVideo")).toHaveLength(1);
  expect(sent.params.chat_id).toBe("5550001");
  // The title, and the share page as a second way to watch.
  expect(String(sent.params.caption)).toMatch(
    /^Summer in Lisbon\nhttps:\/\/photomemory\.example\/share\/\S+$/,
  );
  expect(sent.uploadBytes ?? 0).toBeGreaterThan(10_000);
  expect(tg.callsTo("editMessageText").length).toBeGreaterThan(0);

  expect(bots.logs()).not.toContain(TOKEN);
  expect(bots.logs()).not.toContain(TOKEN.split(":")[1]);
});

it("Telegram: an album's items are all stored, with one summary line for the album", async () => {
  const before = tg.callsTo("sendMessage").length;
  const album = (n: number) => fixture(`album-${n}.json`).replaceAll("5550001", "5550002");
  expect((await post(album(1))).status).toBe(200);
  expect((await post(album(2))).status).toBe(200);
  const line = await eventually(
    () =>
      tg
        .callsTo("sendMessage")
        .slice(before)
        .find((c) => /Got 2 photos from your album/.test(String(c.params.text))),
    "the album line",
    20_000,
  );
  expect(line.params.chat_id).toBe(5550002);
  await eventually(
    () => tg.callsTo("getFile").filter((c) => /-a[12]-large$/.test(String(c.params.file_id))).length === 2,
    "both downloads",
    20_000,
  );
  await new Promise((r) => setTimeout(r, 1500));
  const lines = tg
    .callsTo("sendMessage")
    .slice(before)
    .filter((c) => c.params.chat_id === 5550002);
  expect(lines).toHaveLength(1);
});
