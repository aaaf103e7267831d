/**
 * Discord end to end: `/memory` with an attached photo (and the channel's recent photos, read over REST) brings
 * exactly one video back into the channel, the deferred reply edited with progress; with a small
 * `attachment_size_limit` the memory comes back as a share link instead; a forged interaction is refused; neither
 * the bot token nor the interaction token shows in the logs.
 */
import { generateKeyPairSync, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { noisyJpeg } from "../../fixtures/generate-photos.ts";
import { type DiscordStandIn, startDiscordStandIn } from "../../stand-ins/discord-api.ts";
import { type BotService, eventually, startBotService } from "./bot-service.ts";

const BOT_TOKEN = "MTEwMDAwMDAwMDAwMDAwMDAwMQ.E2eDsc.DiscordE2eBotTokenValue_0123";
const { publicKey, privateKey } = generateKeyPairSync("ed25519");
const publicKeyHex = (publicKey.export({ format: "der", type: "spki" }) as Buffer)
  .subarray(-32)
  .toString("hex");
let discord: DiscordStandIn;
let bots: BotService;

beforeAll(async () => {
  discord = await startDiscordStandIn();
  discord.image = await noisyJpeg(800, 600, 31);
  discord.images.set("beach.jpg", await noisyJpeg(600, 800, 32));
  bots = await startBotService({
    DISCORD_APPLICATION_ID: "1100000000000000001",
    DISCORD_TOKEN: BOT_TOKEN,
    DISCORD_PUBLIC_KEY: publicKeyHex,
    DISCORD_GUILD_ID: "1300000000000000001",
    DISCORD_API_URL: discord.apiUrl,
    PUBLIC_URL: "https://photomemory.example",
  });
});
afterAll(async () => {
  await bots?.stop();
  await discord?.close();
});

function command(overrides: {
  id: string;
  channel: string;
  attachment: string;
  limit: number;
  token: string;
}) {
  const raw = readFileSync(new URL("../../fixtures/discord/memory-command.json", import.meta.url), "utf8")
    .replaceAll("__CDN__", discord.cdn)
    .replaceAll("1600000000000000001", overrides.attachment)
    .replaceAll("1400000000000000001", overrides.channel);
  const interaction = JSON.parse(raw);
  interaction.id = overrides.id;
  interaction.token = overrides.token;
  interaction.attachment_size_limit = overrides.limit;
  return JSON.stringify(interaction);
}

function post(body: string, key = privateKey) {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return bots.service.app.request("/discord/interactions", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-signature-ed25519": sign(null, Buffer.from(timestamp + body), key).toString("hex"),
      "x-signature-timestamp": timestamp,
    },
    body,
  });
}

const uploadsTo = (channel: string) =>
  discord.calls.filter(
    (c) => c.method === "POST" && c.path === `/channels/${channel}/messages` && c.uploadBytes,
  );

it("Discord: /memory with photos brings one video back into the channel, with the deferred reply edited", async () => {
  // Platforms start in the background: /memory is registered (once) shortly after the service is up.
  const registered = () =>
    discord.find("PUT", /^\/applications\/1100000000000000001\/guilds\/1300000000000000001\/commands$/);
  await eventually(() => registered().length > 0, "/memory to be registered", 20_000);
  expect(registered()).toHaveLength(1);
  const channel = "1400000000000000011";
  discord.channelMessages.set(channel, [
    {
      id: "1900000000000000011",
      channel_id: channel,
      author: { id: "1700000000000000002", username: "caio" },
      content: "",
      attachments: [
        {
          id: "1610000000000000011",
          filename: "beach.jpg",
          size: 5000,
          content_type: "image/jpeg",
          url: `${discord.cdn}/1/11/beach.jpg?ex=1&is=1&hm=1`,
        },
      ],
    },
  ]);
  const interactionToken = "aW50ZXJhY3Rpb246ZTJlLWRpc2NvcmQtb25l";
  const body = command({
    id: "1200000000000000011",
    channel,
    attachment: "1600000000000000011",
    limit: 26214400,
    token: interactionToken,
  });

  expect((await post(body, generateKeyPairSync("ed25519").privateKey)).status).toBe(401);
  const res = await post(body);
  expect(await res.json()).toEqual({ type: 5 });

  await eventually(() => uploadsTo(channel)[0], "the video upload");
  await new Promise((r) => setTimeout(r, 1500));
  const uploads = uploadsTo(channel);
  expect(uploads).toHaveLength(1);
  expect(String(uploads[0]?.body.content)).toContain("Porto weekend");
  const edits = discord.find(
    "PATCH",
    new RegExp(`^/webhooks/1100000000000000001/${interactionToken}/messages/@original$`),
  );
  expect(edits.length).toBeGreaterThan(1);
  // Both the attached photo and the one dropped earlier in the channel made it in.
  expect(edits.some((e) => /from 2 photos/.test(String(e.body.content)))).toBe(true);
  // The status shows progress while the memory is made and ends in its final state: ready, with no bar left.
  expect(edits.some((e) => /\d+ %/.test(String(e.body.content)))).toBe(true);
  expect(String(edits.at(-1)?.body.content)).toMatch(
    /^✅ Your memory “Porto weekend” is ready\. 🎵 Music: the \w+ style's own soundtrack\.$/,
  );
  expect(edits.every((e) => (String(e.body.content).match(/ %/g) ?? []).length <= 1)).toBe(true);

  expect(bots.logs()).not.toContain(BOT_TOKEN);
  expect(bots.logs()).not.toContain(interactionToken);
});

it("Discord: a video over the interaction's attachment_size_limit is re-encoded to fit, or else shared by link", async () => {
  // First: a limit the renderer can meet by encoding smaller.
  const fitChannel = "1400000000000000012";
  const fit = command({
    id: "1200000000000000012",
    channel: fitChannel,
    attachment: "1600000000000000012",
    limit: 600_000,
    token: "aW50ZXJhY3Rpb246ZTJlLXR3bw",
  });
  expect(await (await post(fit)).json()).toEqual({ type: 5 });
  const refitted = await eventually(() => uploadsTo(fitChannel)[0], "the refitted upload");
  expect(refitted.uploadBytes ?? 0).toBeLessThanOrEqual(600_000 + 2_000);

  // Then: a limit no encode can meet; the memory is announced instead of a blind upload that Discord would refuse.
  const tinyChannel = "1400000000000000013";
  const tiny = command({
    id: "1200000000000000013",
    channel: tinyChannel,
    attachment: "1600000000000000013",
    limit: 2000,
    token: "aW50ZXJhY3Rpb246ZTJlLXRocmVl",
  });
  expect(await (await post(tiny)).json()).toEqual({ type: 5 });
  const notice = await eventually(
    () =>
      discord.calls.find(
        (c) => c.path === `/channels/${tinyChannel}/messages` && /too large/.test(String(c.body.content)),
      ),
    "the too-large notice",
    90_000,
  );
  expect(String(notice.body.content)).toContain("Porto weekend");
  expect(String(notice.body.content)).toMatch(/https:\/\/photomemory\.example\/share\/\S+/);
  expect(uploadsTo(tinyChannel)).toHaveLength(0);
  expect(bots.logs()).not.toContain(BOT_TOKEN);
});
