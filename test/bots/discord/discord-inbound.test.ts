/**
 * Discord inbound cases seen with real servers: replayed or stale signed requests, attachments without
 * `content_type`, forwarded messages, and a bot without the Message Content intent (history shows no attachments).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DiscordBot } from "../../../src/bots/discord/discord-bot.ts";
import { onDroppedMessage } from "../../../src/bots/discord/gateway.ts";
import { type DiscordStandIn, startDiscordStandIn } from "../../stand-ins/discord-api.ts";
import { createFakeDeps, type FakeDeps } from "../fake-deps.ts";
import {
  DISCORD_BOT_TOKEN,
  discordBotOn,
  discordFixture,
  discordMemoryIn,
  signedDiscordPost,
} from "./contract-kit.ts";

let discord: DiscordStandIn;
let deps: FakeDeps;
let bot: DiscordBot;
let pending: Promise<void>[] = [];

beforeAll(async () => {
  discord = await startDiscordStandIn();
});
afterAll(() => discord.close());
afterEach(() => {
  expect(deps.logs()).not.toContain(DISCORD_BOT_TOKEN);
  discord.applicationFlags = 1 << 18;
});

function setup() {
  deps = createFakeDeps();
  ({ bot, pending } = discordBotOn(discord, deps));
}

const fixture = (name: string) => discordFixture(discord, name);

const memoryIn = (channelId: string, interactionId: string) =>
  discordMemoryIn(discord, channelId, interactionId);

/** What the bot showed in the channel since call number `from`: new messages and its deferred replies. */
function shownSince(from: number, channelId: string): string[] {
  return discord.calls
    .slice(from)
    .filter(
      (c) =>
        (c.method === "POST" && c.path === `/channels/${channelId}/messages`) ||
        (c.method === "PATCH" && /^\/webhooks\/.+\/messages\/@original$/.test(c.path)),
    )
    .map((c) => String(c.body.content));
}

const post = (body: string, timestamp?: string) =>
  bot.router.request("/interactions", signedDiscordPost(body, timestamp ? { timestamp } : {}));

describe("Discord: signed requests replayed", () => {
  it("refuses correctly signed requests with a 2017, a non-numeric, or a 301 s old or ahead timestamp", async () => {
    setup();
    const now = Math.floor(Date.now() / 1000);
    for (const ts of ["1500000000", "abc", "1.7e9", String(now - 301), String(now + 301)]) {
      const res = await post(fixture("button-style.json"), ts);
      expect(res.status, ts).toBe(401);
    }
    // 290 s old, counted from now (the loop above may have taken seconds on a busy machine).
    expect((await post(fixture("ping.json"), String(Math.floor(Date.now() / 1000) - 290))).status).toBe(200);
    await Promise.all(pending);
    expect(deps.commands).toHaveLength(0);
  });

  it("runs a button press replayed within the window once", async () => {
    setup();
    const press = fixture("button-style.json");
    expect(await (await post(press)).json()).toEqual({ type: 6 });
    expect(await (await post(press)).json()).toEqual({ type: 6 });
    await Promise.all(pending);
    expect(deps.commands).toHaveLength(1);
  });
});

describe("Discord: photos in the channel's history", () => {
  it("takes attachments without content_type by their extension, and the photos of a forwarded message", async () => {
    setup();
    discord.channelMessages.set("1400000000000000003", JSON.parse(fixture("channel-history.json")));
    const from = discord.calls.length;
    await post(memoryIn("1400000000000000003", "1200000000000000301"));
    await Promise.all(pending);
    // Oldest first: Caio's photo (no content_type, .JPG), then the photo Dora forwarded; never the PDF.
    expect(deps.dropped.flatMap((d) => d.files.map((f) => f.name))).toEqual(["IMG_2211.JPG", "sunset.jpg"]);
    expect(deps.commands).toHaveLength(1);
    // Photos were visible: no hint about the intent.
    expect(shownSince(from, "1400000000000000003").join("\n")).not.toContain("Message Content");
  });

  it("without the Message Content intent: warns at start naming the fix, and tells the user what to do", async () => {
    setup();
    discord.applicationFlags = 0;
    await bot.start();
    expect(deps.logs()).toContain("Privileged Gateway Intents → Message Content Intent");

    discord.channelMessages.set("1400000000000000004", JSON.parse(fixture("channel-history-no-intent.json")));
    const from = discord.calls.length;
    await post(memoryIn("1400000000000000004", "1200000000000000302"));
    await Promise.all(pending);
    expect(deps.commands).toHaveLength(1);
    const shown = shownSince(from, "1400000000000000004").join("\n");
    expect(shown).toContain("Attach up to three photos to `/memory`");
    expect(shown).toContain("Message Content intent");
  });

  it("with the intent on (or limited) and an empty history, says nothing extra", async () => {
    for (const flags of [1 << 18, 1 << 19]) {
      setup();
      discord.applicationFlags = flags;
      await bot.start();
      expect(deps.logs()).not.toContain("Message Content intent is off");
      discord.channelMessages.set("1400000000000000005", []);
      const from = discord.calls.length;
      await post(memoryIn("1400000000000000005", `120000000000000031${flags === 1 << 18 ? 1 : 2}`));
      await Promise.all(pending);
      expect(deps.commands).toHaveLength(1);
      expect(shownSince(from, "1400000000000000005")).toEqual([]);
    }
  });
});

describe("Discord gateway: forwarded messages", () => {
  it("collects the photos a forwarded message carries in its snapshot, to be acknowledged on the forward", async () => {
    setup();
    const [forward] = JSON.parse(fixture("channel-history.json"));
    await onDroppedMessage(deps, {
      ...forward,
      channelId: forward.channel_id,
      guildId: "1300000000000000001",
    });
    expect(deps.dropped).toHaveLength(1);
    expect(deps.dropped[0]?.files).toMatchObject([{ fileId: "1630000000000000002", name: "sunset.jpg" }]);
    expect(deps.dropped[0]?.messageId).toBe("1910000000000000003");
  });
});

describe("Discord: the database fails after the deferral", () => {
  it('replaces the deferred reply\'s "thinking…" with a sentence, and runs nothing', async () => {
    setup();
    deps.deliveries.recordInboundDelivery = () =>
      new Promise((_, reject) => setTimeout(() => reject(new Error("connection terminated")), 1700));
    const from = discord.calls.length;
    const res = await post(memoryIn("1400000000000000006", "1200000000000000601"));
    expect(await res.json()).toEqual({ type: 5 });
    await Promise.all(pending);
    expect(deps.commands).toHaveLength(0);
    expect(shownSince(from, "1400000000000000006")).toEqual([
      "Something went wrong on my side. Please try again in a minute.",
    ]);
  });
});
