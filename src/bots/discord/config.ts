/**
 * Discord's environment block, parsed by `src/config.ts`. The bot is on when the application id, the bot token and
 * the public key are set; DISCORD_GATEWAY=1 also opens the gateway to collect photos as they are dropped.
 */
import { z } from "zod";
import { PhotoMemoryError } from "../../core/errors.ts";
import { parseEnvBlock } from "../common/parse-env.ts";

const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const snowflake = z.preprocess(
  blank,
  z
    .string()
    .regex(/^\d{5,25}$/, "must be a Discord id (digits)")
    .optional(),
);

export const discordEnvSchema = z.object({
  DISCORD_APPLICATION_ID: snowflake,
  DISCORD_TOKEN: z.preprocess(blank, z.string().min(20).optional()),
  DISCORD_PUBLIC_KEY: z.preprocess(
    blank,
    z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, "must be 64 hex characters")
      .optional(),
  ),
  DISCORD_GUILD_ID: snowflake,
  DISCORD_API_URL: z.preprocess(blank, z.url().default("https://discord.com/api")),
  DISCORD_GATEWAY: z.preprocess(blank, z.enum(["0", "1", "true", "false"]).default("0")),
  DISCORD_PREMIUM_SKU_ID: snowflake,
});

export interface DiscordConfig {
  applicationId: string;
  token: string;
  publicKey: string;
  /** Register /memory on one guild only (takes effect at once); global otherwise. */
  guildId?: string;
  /** REST base without the version (`https://discord.com/api`). */
  apiUrl: string;
  gateway: boolean;
  /** The SKU whose entitlement is premium (Developer Portal → Monetization → SKUs); unset, Discord sells nothing. */
  premiumSkuId?: string;
}

export function parseDiscordConfig(env: Record<string, string | undefined>): DiscordConfig | null {
  const e = parseEnvBlock(discordEnvSchema, env, "Discord");
  const set = [e.DISCORD_APPLICATION_ID, e.DISCORD_TOKEN, e.DISCORD_PUBLIC_KEY].filter(Boolean).length;
  if (set === 0) return null;
  if (!e.DISCORD_APPLICATION_ID || !e.DISCORD_TOKEN || !e.DISCORD_PUBLIC_KEY) {
    throw new PhotoMemoryError(
      "config.invalid",
      "The Discord configuration is invalid: set DISCORD_APPLICATION_ID, DISCORD_TOKEN and DISCORD_PUBLIC_KEY together.",
    );
  }
  return {
    applicationId: e.DISCORD_APPLICATION_ID,
    token: e.DISCORD_TOKEN,
    publicKey: e.DISCORD_PUBLIC_KEY.toLowerCase(),
    ...(e.DISCORD_GUILD_ID ? { guildId: e.DISCORD_GUILD_ID } : {}),
    apiUrl: e.DISCORD_API_URL.replace(/\/+$/, ""),
    gateway: e.DISCORD_GATEWAY === "1" || e.DISCORD_GATEWAY === "true",
    ...(e.DISCORD_PREMIUM_SKU_ID ? { premiumSkuId: e.DISCORD_PREMIUM_SKU_ID } : {}),
  };
}
