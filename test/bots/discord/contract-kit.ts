/**
 * What Discord's tests share: the bot token, an application key pair, the recorded payloads (CDN links pointing at
 * the stand-in), requests signed as Discord signs them, the bot built on given deps against the Discord stand-in,
 * and `startKit` for the platform contract.
 */
import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import type { BotDeps } from "../../../src/bots/common/bot-deps.ts";
import { createDiscordBot } from "../../../src/bots/discord/discord-bot.ts";
import { type DiscordStandIn, startDiscordStandIn } from "../../stand-ins/discord-api.ts";
import type { PlatformKit } from "../contract/platform-kit.ts";

export const DISCORD_BOT_TOKEN = "MTEwMDAwMDAwMDAwMDAwMDAwMQ.GhJkLm.s3cretB0tT0kenValueForTests_xyz";
const APPLICATION_ID = "1100000000000000001";

/** The raw 32-byte Ed25519 public key, in hex, as the developer portal shows it. */
const publicKeyHexOf = (key: KeyObject) =>
  (key.export({ format: "der", type: "spki" }) as Buffer).subarray(-32).toString("hex");

const keys = generateKeyPairSync("ed25519");
/** The application's signing key (Discord's side): requests signed with it pass. */
export const discordPrivateKey = keys.privateKey;
export const discordPublicKeyHex = publicKeyHexOf(keys.publicKey);

/** A recorded payload, its `__CDN__` links pointing at the stand-in's CDN. */
export const discordFixture = (discord: DiscordStandIn, name: string) =>
  readFileSync(new URL(`../../fixtures/discord/${name}`, import.meta.url), "utf8").replaceAll(
    "__CDN__",
    discord.cdn,
  );

/** `/memory` typed in `channelId` with no photo attached (the recorded command, its photo option removed). */
export function discordMemoryIn(discord: DiscordStandIn, channelId: string, interactionId: string): string {
  const command = JSON.parse(discordFixture(discord, "memory-command.json"));
  command.id = interactionId;
  command.channel_id = channelId;
  command.channel.id = channelId;
  command.data.options = command.data.options.filter((o: { type: number }) => o.type !== 11);
  delete command.data.resolved;
  return JSON.stringify(command);
}

/**
 * A POST signed as Discord signs it: Ed25519 over timestamp + body, with `key` (the application's by default), at
 * `timestamp` (now by default). `sent` is the body that travels, when a test alters it after signing.
 */
export function signedDiscordPost(
  body: string,
  options: { key?: KeyObject; timestamp?: string; sent?: string } = {},
) {
  const timestamp = options.timestamp ?? String(Math.floor(Date.now() / 1000));
  return {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-signature-ed25519": sign(
        null,
        Buffer.from(timestamp + body),
        options.key ?? discordPrivateKey,
      ).toString("hex"),
      "x-signature-timestamp": timestamp,
    },
    body: options.sent ?? body,
  };
}

/** The Discord bot on `deps` against the stand-in (no gateway unless asked); `pending` collects its after-work. */
export function discordBotOn(
  discord: DiscordStandIn,
  deps: BotDeps,
  options: { gateway?: boolean; premiumSkuId?: string } = {},
) {
  const pending: Promise<void>[] = [];
  const bot = createDiscordBot(
    deps,
    {
      applicationId: APPLICATION_ID,
      token: DISCORD_BOT_TOKEN,
      publicKey: discordPublicKeyHex,
      apiUrl: discord.apiUrl,
      gateway: options.gateway ?? false,
      ...(options.premiumSkuId ? { premiumSkuId: options.premiumSkuId } : {}),
    },
    { onSettled: (w) => pending.push(w) },
  );
  return { bot, pending };
}

export async function startKit(): Promise<PlatformKit> {
  const discord = await startDiscordStandIn();
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const other = generateKeyPairSync("ed25519").privateKey;
  // `/memory` with one photo attached, as Discord posts it.
  const body = discordFixture(discord, "memory-command.json");
  const request = (key: KeyObject) =>
    new Request("http://localhost/discord/interactions", signedDiscordPost(body, { key }));
  return {
    env: {
      DISCORD_APPLICATION_ID: APPLICATION_ID,
      DISCORD_TOKEN: "MTEwMDAwMDAwMDAwMDAwMDAwMQ.GhJkLm.ContractB0tT0kenValue_xyz",
      DISCORD_PUBLIC_KEY: publicKeyHexOf(publicKey),
      DISCORD_API_URL: discord.apiUrl,
    },
    photoDelivery: () => request(privateKey),
    forgedDelivery: () => request(other),
    close: () => discord.close(),
  };
}
