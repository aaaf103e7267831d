/**
 * The intake race, through the running service: a 10-photo Telegram album whose files take 700 ms each to download,
 * `/memory` sent right after the last photo. Every photo whose message reached us before `/memory` is in that memory,
 * the status says what it waits for, and the album line is not posted after the memory of its photos started.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { noisyJpeg } from "../../fixtures/generate-photos.ts";
import { startTelegramStandIn, type TelegramStandIn } from "../../stand-ins/telegram-api.ts";
import { type BotService, eventually, startBotService } from "./bot-service.ts";

const TOKEN = "7000000001:AAE2eRaceTokenValue_0123456789abcdef";
const SECRET = "race-webhook-secret";
const CHAT = "5550077";
const ALBUM = 10;
let tg: TelegramStandIn;
let bots: BotService;
const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/telegram/${name}`, import.meta.url), "utf8").replaceAll(
    "5550001",
    CHAT,
  );

beforeAll(async () => {
  tg = await startTelegramStandIn(TOKEN);
  for (let i = 0; i < ALBUM; i++) {
    tg.files.set(`AgACAgQAAxkBAAMrZ-race${i}-large`, {
      path: `photos/race_${i}.jpg`,
      size: 1,
      bytes: await noisyJpeg(640, 480, 40 + i),
      delayMs: 700,
    });
  }
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

const post = (body: string) =>
  bots.service.app.request("/telegram/webhook", {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRET },
    body,
  });

/** Album item i, shaped like album-1.json: its own update, message and file ids, the album's media_group_id. */
function albumItem(i: number): string {
  const update = JSON.parse(fixture("album-1.json"));
  update.update_id = 804630000 + i;
  update.message.message_id = 300 + i;
  update.message.media_group_id = "13603457850439999";
  for (const size of update.message.photo) size.file_id = size.file_id.replace("a1", `race${i}`);
  if (i > 0) delete update.message.caption;
  return JSON.stringify(update);
}

it("Telegram: /memory right after a 10-photo album whose downloads are slow makes a memory of all 10", async () => {
  for (let i = 0; i < ALBUM; i++) expect((await post(albumItem(i))).status).toBe(200);
  const command = JSON.parse(fixture("memory-command.json").replace("/memory vintage", "/memory modern"));
  command.update_id = 804630100;
  command.message.message_id = 400;
  expect((await post(JSON.stringify(command))).status).toBe(200);

  // Nothing was downloaded yet when the memory was asked for: it counts the album as it arrived.
  const status = await eventually(
    () => tg.callsTo("sendMessage").find((c) => /Making your memory/.test(String(c.params.text))),
    "the status message",
    60_000,
  );
  expect(String(status.params.text)).toContain(`from ${ALBUM} photos`);
  expect(tg.callsTo("getFile").length).toBeLessThan(ALBUM);

  const sent = await eventually(() => tg.callsTo("sendVideo")[0], "the video", 280_000);
  expect(sent.params.chat_id).toBe(CHAT);
  // Every photo was fetched, and the render waited for them, saying so.
  expect(new Set(tg.callsTo("getFile").map((c) => c.params.file_id)).size).toBe(ALBUM);
  const editTexts = () => tg.callsTo("editMessageText").map((c) => String(c.params.text));
  // The status is edited into its final state just after the video goes out.
  await eventually(() => /is ready\./.test(editTexts().at(-1) ?? ""), "the ready status", 30_000);
  const edits = editTexts();
  expect(edits.some((t) => /⏳ \d+ photos? still arriving…/.test(t))).toBe(true);
  expect(edits.at(-1)).toMatch(/is ready\./);
  expect(edits.at(-1)).not.toMatch(/Left out/);
  // The album line would come after the memory of its photos started: it is not posted.
  await new Promise((r) => setTimeout(r, 5000));
  expect(tg.callsTo("sendMessage").filter((c) => /from your album/.test(String(c.params.text)))).toEqual([]);
  expect(tg.callsTo("sendVideo")).toHaveLength(1);
}, 320_000);
