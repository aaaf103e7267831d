/** Telegram as a `ChatPlatform`: the webhook at `/telegram/webhook` (or long polling), Bot API delivery. */
import type { ChatPlatform } from "../common/platform.ts";
import { inboundFromRouter } from "../common/platform.ts";
import { parseTelegramConfig, type TelegramConfig } from "./config.ts";

export const telegramPlatform: ChatPlatform<TelegramConfig> = {
  name: "telegram",
  parseConfig: parseTelegramConfig,
  createChat: async (config, context) =>
    (await import("./telegram-bot.ts")).createTelegramChat(config, { logger: context.logger }),
  createInbound: async (config, context, chat) =>
    inboundFromRouter(
      "telegram",
      (await import("./telegram-bot.ts")).createTelegramBot(context.bot, config, { adapter: chat }),
    ),
};
