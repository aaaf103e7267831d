/** Slack as a `ChatPlatform`: Events API, slash command and interactivity at `/slack/events`, OAuth install. */
import type { ChatPlatform } from "../common/platform.ts";
import { inboundFromRouter } from "../common/platform.ts";
import { parseSlackConfig, type SlackConfig } from "./config.ts";
import { slackInstallationsFrom } from "./installations.ts";
import type { SlackAdapter } from "./slack-adapter.ts";

export const slackPlatform: ChatPlatform<SlackConfig, SlackAdapter> = {
  name: "slack",
  parseConfig: parseSlackConfig,
  createChat: async (config, context) =>
    (await import("./slack-bot.ts")).createSlackChat(config, {
      logger: context.logger,
      installations: slackInstallationsFrom(context.store),
    }),
  createInbound: async (config, context, chat) =>
    inboundFromRouter(
      "slack",
      (await import("./slack-bot.ts")).createSlackBot(
        {
          ...context.bot,
          publicUrl: context.publicUrl,
          installations: slackInstallationsFrom(context.store),
        },
        config,
        chat,
      ),
    ),
};
