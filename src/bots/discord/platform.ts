/** Discord as a `ChatPlatform`: HTTP interactions at `/discord/interactions`, the optional gateway, REST delivery. */
import type { ChatPlatform } from "../common/platform.ts";
import { inboundFromRouter } from "../common/platform.ts";
import { type DiscordConfig, parseDiscordConfig } from "./config.ts";
import type { DiscordAdapter } from "./discord-adapter.ts";

export const discordPlatform: ChatPlatform<DiscordConfig, DiscordAdapter> = {
  name: "discord",
  parseConfig: parseDiscordConfig,
  createChat: async (config, context) =>
    (await import("./discord-bot.ts")).createDiscordChat(config, { logger: context.logger }),
  createInbound: async (config, context, chat) =>
    inboundFromRouter(
      "discord",
      (await import("./discord-bot.ts")).createDiscordBot(context.bot, config, { adapter: chat }),
    ),
};
