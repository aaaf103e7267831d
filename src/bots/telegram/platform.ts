/** Telegram as a `ChatPlatform`: the webhook at `/telegram/webhook` (or long polling), Bot API delivery. */
import type { ChatPlatform } from "../common/platform.ts";
import { inboundFromRouter } from "../common/platform.ts";
import { parseTelegramConfig, type TelegramConfig } from "./config.ts";
import { createTelegramBot, createTelegramChat } from "./telegram-bot.ts";

export const telegramPlatform: ChatPlatform<TelegramConfig> = {
  name: "telegram",
  parseConfig: parseTelegramConfig,
  createChat: (config, context) => createTelegramChat(config, { logger: context.logger }),
  createInbound: (config, context, chat) =>
    inboundFromRouter("telegram", createTelegramBot(context.bot, config, { adapter: chat })),
};
