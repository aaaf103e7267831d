/** Telegram inbound cases seen in real groups: anonymous admins write as the group (`sender_chat`). */
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
  expect(deps.logs()).not.toContain(TELEGRAM_TOKEN.split(":")[1]);
});

function setup() {
  deps = createFakeDeps();
  bot = telegramBotOn(tg, deps);
}

const post = (body: string) => bot.router.request("/webhook", telegramPost(body));

describe("Telegram: anonymous group admins", () => {
  it("takes an anonymous admin's photo and /memory, with the group as the sender", async () => {
    setup();
    expect((await post(fixture("anonymous-admin-photo.json"))).status).toBe(200);
    expect(deps.dropped).toHaveLength(1);
    expect(deps.dropped[0]).toMatchObject({
      target: { platform: "telegram", channelId: "-1001987654321" },
      userId: "-1001987654321",
      files: [{ fileId: "AgACAgQAAxkBAAPUZ-anon-large" }],
    });

    expect((await post(fixture("anonymous-admin-memory.json"))).status).toBe(200);
    expect(deps.commands).toHaveLength(1);
    expect(deps.commands[0]).toMatchObject({
      target: { channelId: "-1001987654321" },
      command: { kind: "request", style: "vintage", title: "Grandma's 90th" },
      userId: "-1001987654321",
      userName: "Family trip 2026",
    });
  });

  it("still ignores photos sent by other bots", async () => {
    setup();
    expect((await post(fixture("bot-photo.json"))).status).toBe(200);
    expect(deps.dropped).toHaveLength(0);
  });
});
