/**
 * What Telegram's tests share: the bot token and webhook secret, the recorded updates, webhook requests as Telegram
 * sends them, the bot built on given deps against the Telegram stand-in, and `startKit` for the platform contract.
 */
import { readFileSync } from "node:fs";
import type { BotDeps } from "../../../src/bots/common/bot-deps.ts";
import type { TelegramConfig } from "../../../src/bots/telegram/config.ts";
import { createTelegramBot } from "../../../src/bots/telegram/telegram-bot.ts";
import { startTelegramStandIn, type TelegramStandIn } from "../../stand-ins/telegram-api.ts";
import type { PlatformKit } from "../contract/platform-kit.ts";

export const TELEGRAM_TOKEN = "7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
export const TELEGRAM_SECRET = "s3cr3t_webhook-token";

export const telegramFixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/telegram/${name}`, import.meta.url), "utf8");

/** A webhook POST as Telegram sends it, with its secret token header (`null` leaves the header out). */
export function telegramPost(body: string, secret: string | null = TELEGRAM_SECRET) {
  return {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(secret === null ? {} : { "x-telegram-bot-api-secret-token": secret }),
    },
    body,
  };
}

/** The Telegram bot on `deps`, with TELEGRAM_TOKEN and TELEGRAM_SECRET, talking to the stand-in. */
export function telegramBotOn(
  tg: TelegramStandIn,
  deps: BotDeps,
  config: Partial<TelegramConfig> = {},
  options?: Parameters<typeof createTelegramBot>[2],
) {
  return createTelegramBot(
    deps,
    { token: TELEGRAM_TOKEN, webhookSecret: TELEGRAM_SECRET, apiRoot: tg.apiRoot, ...config },
    options,
  );
}

const CONTRACT_SECRET = "contract_webhook-secret";

export async function startKit(): Promise<PlatformKit> {
  const tg = await startTelegramStandIn(TELEGRAM_TOKEN);
  const body = telegramFixture("photo.json");
  const request = (secret: string) =>
    new Request("http://localhost/telegram/webhook", telegramPost(body, secret));
  return {
    env: {
      TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
      TELEGRAM_WEBHOOK_SECRET: CONTRACT_SECRET,
      TELEGRAM_API_ROOT: tg.apiRoot,
    },
    photoDelivery: () => request(CONTRACT_SECRET),
    forgedDelivery: () => request("wrong-secret"),
    close: () => tg.close(),
  };
}
