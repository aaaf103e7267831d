/**
 * Discord songs and voice messages, as Discord sends them: a voice message (flag IS_VOICE_MESSAGE 8192, one
 * voice-message.ogg attachment with duration_secs and waveform), an MP3 attachment, and an M4A without content_type;
 * read from the channel's history by `/memory` (no gateway) and from the gateway as they arrive.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DiscordBot } from "../../../src/bots/discord/discord-bot.ts";
import { onDroppedMessage } from "../../../src/bots/discord/gateway.ts";
import { type DiscordStandIn, startDiscordStandIn } from "../../stand-ins/discord-api.ts";
import { createFakeDeps, type FakeDeps } from "../fake-deps.ts";
import { discordBotOn, discordFixture, discordMemoryIn, signedDiscordPost } from "./contract-kit.ts";

const CHANNEL = "1400000000000000007";

let discord: DiscordStandIn;
let deps: FakeDeps;
let bot: DiscordBot;
let pending: Promise<void>[] = [];

beforeAll(async () => {
  discord = await startDiscordStandIn();
});
afterAll(() => discord.close());

function setup() {
  deps = createFakeDeps();
  ({ bot, pending } = discordBotOn(discord, deps));
}

const fixture = (name: string) => discordFixture(discord, name);

const post = (body: string) => bot.router.request("/interactions", signedDiscordPost(body));

describe("Discord: songs and voice messages", () => {
  it("/memory reads the history: a voice message is a voice note, an MP3 and an M4A without content_type are songs", async () => {
    setup();
    discord.channelMessages.set(CHANNEL, JSON.parse(fixture("channel-history-songs.json")));
    await post(discordMemoryIn(discord, CHANNEL, "1200000000000000701"));
    await Promise.all(pending);
    expect(deps.dropped).toHaveLength(0);
    // Oldest first, so the newest (the voice message) is recorded last and is the next memory's.
    expect(deps.songs.map((s) => [s.kind, s.file.fileId, s.file.name, s.file.mimeType])).toEqual([
      ["song", "1630000000000000012", "summer_2026.mp3", "audio/mpeg"],
      ["song", "1630000000000000013", "beach.m4a", undefined],
      ["voice", "1630000000000000011", "voice-message.ogg", "audio/ogg"],
    ]);
    expect(deps.songs[2]).toMatchObject({
      target: { platform: "discord", channelId: CHANNEL },
      userId: "1700000000000000007",
      messageId: "1910000000000000023",
      file: { url: expect.stringContaining("/voice-message.ogg?ex=") },
    });
    // The command ran after they were recorded, so its memory plays the voice message.
    expect(deps.commands).toHaveLength(1);
  });

  it("the gateway takes a voice message as it arrives", async () => {
    setup();
    const [voice] = JSON.parse(fixture("channel-history-songs.json"));
    await onDroppedMessage(deps, { ...voice, channelId: voice.channel_id, guildId: "1300000000000000001" });
    expect(deps.songs).toEqual([
      {
        target: { platform: "discord", workspaceId: "1300000000000000001", channelId: CHANNEL },
        kind: "voice",
        file: {
          platform: "discord",
          fileId: "1630000000000000011",
          workspaceId: "1300000000000000001",
          url: expect.stringContaining("/1630000000000000011/voice-message.ogg"),
          name: "voice-message.ogg",
          mimeType: "audio/ogg",
          size: 38211,
        },
        deliveryKey: "discord-msg:1910000000000000023:1630000000000000011",
        userId: "1700000000000000007",
        messageId: "1910000000000000023",
      },
    ]);
  });
});
