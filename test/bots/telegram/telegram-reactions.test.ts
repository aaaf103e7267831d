/**
 * Telegram reactions as the Bot API sends them (`message_reaction` with a person's old and new set, from a user or an
 * anonymous admin's `actor_chat`; `message_reaction_count` for anonymous reactions), and the updates the bot asks for.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTelegramStandIn, type TelegramStandIn } from "../../stand-ins/telegram-api.ts";
import { createFakeDeps } from "../fake-deps.ts";
import { TELEGRAM_TOKEN, telegramBotOn, telegramFixture, telegramPost } from "./contract-kit.ts";

const fixture = telegramFixture;

let tg: TelegramStandIn;
beforeAll(async () => {
  tg = await startTelegramStandIn(TELEGRAM_TOKEN);
});
afterAll(() => tg.close());

it("records a person's reactions as their whole new set, an anonymous admin's as the group's, and anonymous counts", async () => {
  const deps = createFakeDeps();
  const bot = telegramBotOn(tg, deps);
  const post = (body: string) => bot.router.request("/webhook", telegramPost(body));
  for (const name of [
    "reaction-added.json",
    "reaction-changed.json",
    "reaction-removed.json",
    "reaction-anonymous-admin.json",
    "reaction-count.json",
  ])
    expect((await post(fixture(name))).status, name).toBe(200);
  // A bot's reaction (Telegram does not send the bot's own; another bot's would be no person's vote).
  const fromBot = JSON.parse(fixture("reaction-added.json"));
  fromBot.update_id += 100;
  fromBot.message_reaction.user = { id: 7000000001, is_bot: true, first_name: "PhotoMemory" };
  expect((await post(JSON.stringify(fromBot))).status).toBe(200);

  const message = { platform: "telegram", channelId: "-1001987654321", messageId: "212" };
  expect(deps.reactions).toEqual([
    { kind: "replaced", message, reactorId: "5550001", emojis: ["❤"] },
    { kind: "replaced", message, reactorId: "5550001", emojis: ["🔥", "custom:5368324170671202286"] },
    { kind: "replaced", message, reactorId: "5550001", emojis: [] },
    { kind: "replaced", message, reactorId: "-1001987654321", emojis: ["👍"] },
    {
      kind: "anonymous",
      message: { platform: "telegram", channelId: "-1002233445566", messageId: "57" },
      reactors: 5,
    },
  ]);
  await bot.stop();
});

it("asks Telegram for reaction updates when it sets the webhook", async () => {
  const deps = createFakeDeps();
  const bot = telegramBotOn(tg, deps, { publicUrl: "https://photomemory.example" });
  await bot.start();
  const allowed = tg.callsTo("setWebhook").at(-1)?.params.allowed_updates;
  const list = typeof allowed === "string" ? JSON.parse(allowed) : allowed;
  expect(list).toEqual(expect.arrayContaining(["message_reaction", "message_reaction_count"]));
  await bot.stop();
});
