/**
 * The registry of chat platforms: the one place that lists them. Config parses each one's environment block, the
 * service builds each configured one's chat adapter and inbound handler, and the tests run the platform contract
 * over every entry. A new platform is a folder exporting a `ChatPlatform` plus one line here.
 */
import { discordPlatform } from "./discord/platform.ts";
import { slackPlatform } from "./slack/platform.ts";
import { telegramPlatform } from "./telegram/platform.ts";

export const PLATFORMS = [slackPlatform, discordPlatform, telegramPlatform] as const;

type Registered = (typeof PLATFORMS)[number];
export type ChatPlatformName = Registered["name"];

/** Each platform's parsed configuration, null when it is off. */
export type PlatformConfigs = {
  [P in Registered as P["name"]]: ReturnType<P["parseConfig"]>;
};
