/**
 * Telegram songs and voice notes, as Telegram sends them: a voice note (OGG/Opus), an audio file with the title and
 * performer Telegram read from its tags (and a thumbnail), an audio without any optional field, an M4A sent as a
 * document, a long one. Each becomes the next memory's music (a pending song for the intake job).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { TelegramBot } from "../../../src/bots/telegram/telegram-bot.ts";
import { startTelegramStandIn, type TelegramStandIn } from "../../stand-ins/telegram-api.ts";
import { createFakeDeps, type FakeDeps } from "../fake-deps.ts";
import { TELEGRAM_TOKEN, telegramBotOn, telegramFixture, telegramPost } from "./contract-kit.ts";

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
});

function setup() {
  deps = createFakeDeps();
  bot = telegramBotOn(tg, deps);
}

const post = async (name: string) => {
  const response = await bot.router.request("/webhook", telegramPost(fixture(name)));
  expect(response.status).toBe(200);
};

describe("Telegram: songs and voice notes", () => {
  it("takes a voice note as a voice (spoken over the music), not as a photo", async () => {
    setup();
    await post("voice.json");
    expect(deps.dropped).toHaveLength(0);
    expect(deps.songs).toEqual([
      {
        target: { platform: "telegram", channelId: "5550001" },
        kind: "voice",
        file: {
          platform: "telegram",
          fileId: "AwACAgQAAxkBAAIBLWZ-voice",
          name: "voice_AgADvo1.ogg",
          mimeType: "audio/ogg",
          size: 21534,
        },
        userId: "5550001",
        deliveryKey: "tg:804620101",
        messageId: "301",
      },
    ]);
  });

  it("takes an audio file as a song, with the title and performer Telegram gives", async () => {
    setup();
    await post("audio.json");
    expect(deps.songs[0]).toMatchObject({
      target: { channelId: "-1001234567890" },
      kind: "song",
      title: "Águas de Março",
      performer: "Elis Regina",
      file: { fileId: "CQACAgQAAxkBAAIBLmZ-audio", name: "Aguas de Marco.mp3", mimeType: "audio/mpeg" },
    });
  });

  it("takes an audio with no optional field, and an M4A sent as a document", async () => {
    setup();
    await post("audio-bare.json");
    await post("document-audio.json");
    expect(deps.songs.map((s) => [s.kind, s.file.fileId, s.file.name, s.title])).toEqual([
      ["song", "CQACAgQAAxkBAAIBL2Z-audio-bare", "audio_AgADab3", undefined],
      ["song", "BQACAgQAAxkBAAIBMGZ-doc-audio", "beach day.m4a", undefined],
    ]);
    expect(deps.dropped).toHaveLength(0);
  });

  it("leaves a song over 20 MB to the intake's own cap on a self-hosted Bot API server (no 20 MB limit there)", async () => {
    setup();
    const before = tg.callsTo("sendMessage").length;
    await post("audio-too-large.json");
    expect(deps.songs[0]?.file).toMatchObject({ size: 86400000 });
    expect(tg.callsTo("sendMessage").slice(before)).toEqual([]);
  });

  it("still collects an image sent as a document as a photo", async () => {
    setup();
    await post("document-image.json");
    expect(deps.songs).toHaveLength(0);
    expect(deps.dropped[0]?.files[0]).toMatchObject({ fileId: "BQACAgQAAxkBAAMqZ-doc" });
  });
});
