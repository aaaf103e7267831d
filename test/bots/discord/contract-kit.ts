import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import { startDiscordStandIn } from "../../stand-ins/discord-api.ts";
import type { PlatformKit } from "../contract/platform-kit.ts";

export async function startKit(): Promise<PlatformKit> {
  const discord = await startDiscordStandIn();
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const other = generateKeyPairSync("ed25519").privateKey;
  const publicKeyHex = (publicKey.export({ format: "der", type: "spki" }) as Buffer)
    .subarray(-32)
    .toString("hex");
  // `/memory` with one photo attached, as Discord posts it.
  const body = readFileSync(
    new URL("../../fixtures/discord/memory-command.json", import.meta.url),
    "utf8",
  ).replaceAll("__CDN__", discord.cdn);
  const request = (key: KeyObject) => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    return new Request("http://localhost/discord/interactions", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-signature-ed25519": sign(null, Buffer.from(timestamp + body), key).toString("hex"),
        "x-signature-timestamp": timestamp,
      },
      body,
    });
  };
  return {
    env: {
      DISCORD_APPLICATION_ID: "1100000000000000001",
      DISCORD_TOKEN: "MTEwMDAwMDAwMDAwMDAwMDAwMQ.GhJkLm.ContractB0tT0kenValue_xyz",
      DISCORD_PUBLIC_KEY: publicKeyHex,
      DISCORD_API_URL: discord.apiUrl,
    },
    photoDelivery: () => request(privateKey),
    forgedDelivery: () => request(other),
    close: () => discord.close(),
  };
}
