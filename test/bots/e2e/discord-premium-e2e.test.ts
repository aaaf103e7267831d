/**
 * Discord premium end to end, through the running service: a locked style answers with Discord's premium button,
 * a forged Webhook Events delivery changes nothing, the signed ENTITLEMENT_CREATE turns premium on for the server
 * (told in the channel that asked, once for a repeated delivery), the cinematic memory renders with its letterbox
 * and arrives, and ENTITLEMENT_DELETE (a refund) ends premium.
 */
import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { probe } from "../../../src/core/render/probe.ts";
import { noisyJpeg } from "../../fixtures/generate-photos.ts";
import { type DiscordCall, type DiscordStandIn, startDiscordStandIn } from "../../stand-ins/discord-api.ts";
import { type BotService, eventually, startBotService } from "./bot-service.ts";
import { bandBrightness, extractFrame } from "./frames.ts";

const BOT_TOKEN = "MTEwMDAwMDAwMDAwMDAwMDAwMQ.E2eSku.DiscordPremiumE2eTokenValue_01";
const APP = "1100000000000000001";
const GUILD = "1300000000000000001";
const SKU = "1250000000000000001";
const CHANNEL = "1400000000000000031";
const { publicKey, privateKey } = generateKeyPairSync("ed25519");
const publicKeyHex = (publicKey.export({ format: "der", type: "spki" }) as Buffer)
  .subarray(-32)
  .toString("hex");
let discord: DiscordStandIn;
let bots: BotService;
let seq = 0;

beforeAll(async () => {
  discord = await startDiscordStandIn();
  discord.image = await noisyJpeg(800, 600, 51);
  bots = await startBotService({
    DISCORD_APPLICATION_ID: APP,
    DISCORD_TOKEN: BOT_TOKEN,
    DISCORD_PUBLIC_KEY: publicKeyHex,
    DISCORD_GUILD_ID: GUILD,
    DISCORD_API_URL: discord.apiUrl,
    DISCORD_PREMIUM_SKU_ID: SKU,
    PUBLIC_URL: "https://photomemory.example",
  });
}, 180_000);
afterAll(async () => {
  await bots?.stop();
  await discord?.close();
});

const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/discord/${name}`, import.meta.url), "utf8");

/** `/memory <style> <title>` with one attached photo, carrying these entitlements. */
function memory(style: string, title: string, entitlements: unknown[]): { body: string; token: string } {
  seq++;
  const interaction = JSON.parse(fixture("memory-command.json").replaceAll("__CDN__", discord.cdn));
  interaction.id = `12000000000000003${String(seq).padStart(2, "0")}`;
  interaction.token = `aW50ZXJhY3Rpb246cHJlbWl1bS0${seq}`;
  interaction.channel_id = CHANNEL;
  interaction.channel.id = CHANNEL;
  interaction.entitlements = entitlements;
  interaction.data.options = [
    { name: "style", type: 3, value: style },
    { name: "title", type: 3, value: title },
    { name: "photo1", type: 11, value: `16000000000000003${String(seq).padStart(2, "0")}` },
  ];
  interaction.data.resolved.attachments = {
    [`16000000000000003${String(seq).padStart(2, "0")}`]: {
      ...(Object.values(interaction.data.resolved.attachments)[0] as object),
      id: `16000000000000003${String(seq).padStart(2, "0")}`,
      filename: `IMG_03${seq}.jpg`,
      url: `${discord.cdn}/1/3${seq}/IMG_03${seq}.jpg?ex=1&is=1&hm=1`,
    },
  };
  return { body: JSON.stringify(interaction), token: interaction.token };
}

function signed(route: string, body: string, key: KeyObject = privateKey) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return bots.service.app.request(route, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-signature-ed25519": sign(null, Buffer.from(timestamp + body), key).toString("hex"),
      "x-signature-timestamp": timestamp,
    },
    body,
  });
}

/** Every message text the bot showed in the channel: the deferred reply's edits and posts. */
const shown = (): DiscordCall[] =>
  discord.calls.filter(
    (c) =>
      (c.method === "PATCH" && /^\/webhooks\/\d+\/[^/]+\/messages\/@original$/.test(c.path)) ||
      (c.method === "POST" && c.path === `/channels/${CHANNEL}/messages`),
  );
const count = (pattern: RegExp) => shown().filter((c) => pattern.test(String(c.body.content))).length;
const premiumButton = (c: DiscordCall) =>
  JSON.stringify(c.body.components ?? []).includes(`"style":6,"sku_id":"${SKU}"`);

it("Discord: cinematic is locked → premium button → ENTITLEMENT_CREATE → premium → cinematic renders; a forged event is refused; a refund revokes", async () => {
  await eventually(() => discord.find("PUT", /\/commands$/).length > 0, "/memory registered", 20_000);

  // Locked: the reply carries Discord's premium button for the SKU.
  const locked = memory("cinematic", "Porto by night", []);
  expect(await (await signed("/discord/interactions", locked.body)).json()).toEqual({ type: 5 });
  const card = await eventually(() => shown().find(premiumButton), "the premium button", 30_000);
  expect(String(card.body.content)).toMatch(/cinematic style is a premium style/);
  expect(discord.videosCreated).toBe(0);

  // A forged delivery to the Webhook Events URL: 401, and nothing changes.
  const created = fixture("entitlement-create.json");
  const forged = await signed("/discord/webhook-events", created, generateKeyPairSync("ed25519").privateKey);
  expect(forged.status).toBe(401);
  // Discord's PING there wants 204.
  expect((await signed("/discord/webhook-events", fixture("webhook-ping.json"))).status).toBe(204);
  await new Promise((r) => setTimeout(r, 500));
  expect(count(/Premium is on/)).toBe(0);

  // The purchase: Discord sends ENTITLEMENT_CREATE (twice, as a retry would); the channel that asked is told once.
  expect((await signed("/discord/webhook-events", created)).status).toBe(204);
  expect((await signed("/discord/webhook-events", created)).status).toBe(204);
  await eventually(() => count(/Premium is on for everyone in this server/) > 0, "premium on", 20_000);

  // Premium: the cinematic memory renders and is uploaded; the interaction carries the entitlement too.
  const entitlement = JSON.parse(created).event.data;
  const request = memory("cinematic", "Porto by night", [entitlement]);
  expect(await (await signed("/discord/interactions", request.body)).json()).toEqual({ type: 5 });
  const upload = await eventually(
    () =>
      discord.calls.find(
        (c) => c.method === "POST" && c.path === `/channels/${CHANNEL}/messages` && c.uploadBytes,
      ),
    "the cinematic video",
    240_000,
  );
  expect(String(upload.body.content)).toContain("Porto by night");
  expect(count(/Premium is on/)).toBe(1);
  const metrics = await (await bots.service.app.request("/metrics")).text();
  expect(metrics).toMatch(/photomemory_render_duration_seconds_count\{style="cinematic"\} 1/);
  const video = discord.uploads.at(-1);
  expect(video?.byteLength ?? 0).toBeGreaterThan(10_000);
  const dir = await mkdtemp(path.join(tmpdir(), "pm-sku-"));
  try {
    const file = path.join(dir, "cinematic.mp4");
    await writeFile(file, video ?? Buffer.alloc(0));
    const probed = await probe(file);
    expect(probed.durationSeconds).toBeGreaterThan(3);
    // Cinematic's 2.39:1 letterbox: black bands above and below the picture in a 16:9 frame.
    const png = path.join(dir, "frame.png");
    await extractFrame(file, probed.durationSeconds / 2, png);
    const bands = await bandBrightness(png, 0.08);
    expect(bands.top).toBeLessThan(8);
    expect(bands.middle).toBeGreaterThan(bands.top + 30);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  // A refund: ENTITLEMENT_DELETE ends premium at once and says so; the style is locked again.
  expect(
    (
      await signed(
        "/discord/webhook-events",
        fixture("entitlement-delete.json").replace(
          "2026-12-02T09:12:44.300120",
          new Date().toISOString().replace("Z", "").padEnd(26, "0"),
        ),
      )
    ).status,
  ).toBe(204);
  const ended = await eventually(
    () =>
      shown().find((c) => /^Premium has ended for everyone in this server\./.test(String(c.body.content))),
    "premium ended",
    20_000,
  );
  // The end says what the free plan allows and offers Discord's premium button again.
  expect(String(ended.body.content)).toMatch(
    /classic and modern styles \(cinematic and vintage are locked\)/,
  );
  expect(premiumButton(ended)).toBe(true);
  const before = shown().filter(premiumButton).length;
  const after = memory("cinematic", "After the refund", []);
  await signed("/discord/interactions", after.body);
  await eventually(() => shown().filter(premiumButton).length > before, "the premium button again", 30_000);
  expect(discord.videosCreated).toBe(1);

  expect(bots.logs()).not.toContain(BOT_TOKEN);
}, 420_000);
