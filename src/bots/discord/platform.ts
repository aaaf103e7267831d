/** Discord as a `ChatPlatform`: HTTP interactions at `/discord/interactions`, the optional gateway, REST delivery. */
import type { ChatPlatform } from "../common/platform.ts";
import { inboundFromRouter } from "../common/platform.ts";
import { type DiscordConfig, parseDiscordConfig } from "./config.ts";
import type { DiscordAdapter } from "./discord-adapter.ts";
import { createDiscordBot, createDiscordChat } from "./discord-bot.ts";

export const discordPlatform: ChatPlatform<DiscordConfig, DiscordAdapter> = {
  name: "discord",
  parseConfig: parseDiscordConfig,
  createChat: (config, context) => createDiscordChat(config, { logger: context.logger }),
  createInbound: (config, context, chat) =>
    inboundFromRouter("discord", createDiscordBot(context.bot, config, { adapter: chat })),
};
