import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DiscordBot } from "../../../src/bots/discord/discord-bot.ts";
import { onDroppedMessage } from "../../../src/bots/discord/gateway.ts";
import { isPhotoMemoryError } from "../../../src/core/errors.ts";
import { type DiscordStandIn, startDiscordStandIn } from "../../stand-ins/discord-api.ts";
import { createFakeDeps, type FakeDeps } from "../fake-deps.ts";
import {
  DISCORD_BOT_TOKEN,
  discordBotOn,
  discordFixture,
  discordPrivateKey,
  signedDiscordPost,
} from "./contract-kit.ts";

const INTERACTION_TOKEN = "aW50ZXJhY3Rpb246MTIwMDAwMDAwMDAwMDAwMDAwMjpzZWNyZXQtaW50ZXJhY3Rpb24tdG9rZW4";

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
  expect(deps.logs()).not.toContain(INTERACTION_TOKEN);
});

function setup(gateway = false) {
  deps = createFakeDeps();
  ({ bot, pending } = discordBotOn(discord, deps, { gateway }));
}

const fixture = (name: string) => discordFixture(discord, name);

const post = (body: string, key?: KeyObject, tamper?: (b: string) => string) =>
  bot.router.request(
    "/interactions",
    signedDiscordPost(body, { ...(key ? { key } : {}), ...(tamper ? { sent: tamper(body) } : {}) }),
  );

describe("Discord interactions", () => {
  it("answers a signed PING with PONG", async () => {
    setup();
    const res = await post(fixture("ping.json"));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ type: 1 });
  });

  it("refuses an invalid signature, a one-byte change and a missing header with 401", async () => {
    setup();
    const other = generateKeyPairSync("ed25519").privateKey;
    expect((await post(fixture("ping.json"), other)).status).toBe(401);
    expect(
      (await post(fixture("memory-command.json"), discordPrivateKey, (b) => b.replace("Porto", "Porta")))
        .status,
    ).toBe(401);
    const res = await bot.router.request("/interactions", { method: "POST", body: fixture("ping.json") });
    expect(res.status).toBe(401);
    expect(deps.commands).toHaveLength(0);
  });

  it("defers /memory, stores its attached photo and the channel's recent photos, then runs the command once", async () => {
    setup();
    discord.channelMessages.set("1400000000000000001", [
      {
        id: "1900000000000000002",
        channel_id: "1400000000000000001",
        author: { id: "1700000000000000002", username: "caio" },
        content: "",
        attachments: [
          {
            id: "1610000000000000002",
            filename: "beach.png",
            size: 5000,
            content_type: "image/png",
            url: `${discord.cdn}/1/1610000000000000002/beach.png?ex=1&is=1&hm=1`,
          },
          {
            id: "1610000000000000003",
            filename: "notes.pdf",
            size: 5000,
            content_type: "application/pdf",
            url: `${discord.cdn}/1/3/notes.pdf`,
          },
        ],
      },
      {
        id: "1900000000000000001",
        channel_id: "1400000000000000001",
        author: { id: "1100000000000000001", username: "PhotoMemory", bot: true },
        content: "",
        attachments: [
          {
            id: "1610000000000000009",
            filename: "memory.mp4",
            content_type: "video/mp4",
            url: `${discord.cdn}/x.mp4`,
          },
        ],
      },
    ]);
    const res = await post(fixture("memory-command.json"));
    expect(await res.json()).toEqual({ type: 5 });
    const again = await post(fixture("memory-command.json"));
    expect(again.status).toBe(200);
    await Promise.all(pending);

    expect(deps.commands).toHaveLength(1);
    expect(deps.commands[0]).toMatchObject({
      target: { platform: "discord", workspaceId: "1300000000000000001", channelId: "1400000000000000001" },
      command: { kind: "request", style: "modern", title: "Porto weekend" },
      locale: "pt-BR",
    });
    // Recorded (pending) before the command runs, so the memory includes them and waits for their downloads; the
    // command's own reply answers for them (quiet), and the PDF and the bot's own video are not photos.
    expect(deps.dropped.flatMap((d) => d.files.map((f) => f.name))).toEqual(["IMG_0101.jpg", "beach.png"]);
    expect(deps.dropped.every((d) => d.quiet)).toBe(true);
    expect(JSON.stringify(deps.commands)).not.toContain(INTERACTION_TOKEN);
    // The interaction's own upload limit (25 MiB here) replaces the 10 MiB default for this channel.
    expect(bot.adapter.limits({ platform: "discord", channelId: "1400000000000000001" }).maxUploadBytes).toBe(
      26214400,
    );
  });

  it("fills the deferred reply with the status, edits it, and posts a new message once the token has expired", async () => {
    setup();
    await post(fixture("memory-command.json"));
    await Promise.all(pending);
    const status = deps.commands[0]?.statusMessage;
    expect(status).toBeDefined();
    if (!status) return;
    await bot.adapter.editMessage?.(status, { text: "Rendering", progress: 0.5 });
    const edit = discord.find("PATCH", /^\/webhooks\/1100000000000000001\/.+\/messages\/@original$/).at(-1);
    expect(String(edit?.body.content)).toContain("50 %");
    expect(edit?.authorization).toBeUndefined();

    const expired = { ...status, messageId: "interaction:1200000000000009999" };
    const before = discord.find("POST", /^\/channels\/1400000000000000001\/messages$/).length;
    await bot.adapter.editMessage?.(expired, { text: "Rendering", progress: 0.8 });
    await bot.adapter.editMessage?.(expired, { text: "Rendering", progress: 0.9 });
    expect(discord.find("POST", /^\/channels\/1400000000000000001\/messages$/).length).toBe(before + 1);
    expect(
      discord.find("PATCH", /^\/channels\/1400000000000000001\/messages\/\d+$/).at(-1)?.body.content,
    ).toContain("90 %");
  });

  it("defers even while the database is slow to claim the delivery, then runs the command", async () => {
    setup();
    let release: (first: boolean) => void = () => undefined;
    const slowClaim = new Promise<boolean>((resolve) => {
      release = resolve;
    });
    deps.deliveries.recordInboundDelivery = () => slowClaim;
    const res = await post(fixture("memory-command.json"));
    expect(await res.json()).toEqual({ type: 5 });
    expect(deps.commands).toHaveLength(0);
    release(true);
    await Promise.all(pending);
    expect(deps.commands).toHaveLength(1);
  });

  it("turns a style button into a request that edits the picker through a deferred update", async () => {
    setup();
    const res = await post(fixture("button-style.json"));
    expect(await res.json()).toEqual({ type: 6 });
    await Promise.all(pending);
    expect(deps.commands[0]?.command).toEqual({ kind: "request", style: "cinematic" });
  });
});

describe("Discord retry button", () => {
  it("a Retry button press runs the retry of that memory", async () => {
    setup();
    const press = JSON.parse(fixture("button-style.json"));
    press.id = "1200000000000000077";
    press.data.custom_id = "pm:retry:vid_123";
    await post(JSON.stringify(press));
    await Promise.all(pending);
    expect(deps.commands[0]?.command).toEqual({ kind: "retry", videoId: "vid_123" });
  });
});

describe("Discord delivery and downloads", () => {
  const target = {
    platform: "discord" as const,
    workspaceId: "1300000000000000001",
    channelId: "1400000000000000002",
  };
  const videoFile = () => {
    const dir = mkdtempSync(path.join(tmpdir(), "pm-dc-"));
    const file = path.join(dir, "m.mp4");
    writeFileSync(file, Buffer.alloc(3000, 1));
    return file;
  };

  it("uploads the video with its title, pings nobody, and sends a nonce Discord enforces", async () => {
    setup();
    const video = {
      path: videoFile(),
      title: "Porto weekend",
      bytes: 3000,
      durationSeconds: 9,
      width: 1280,
      height: 720,
    };
    await bot.adapter.postVideo(target, video);
    const upload = discord.find("POST", /^\/channels\/1400000000000000002\/messages$/).at(-1);
    expect(upload?.uploadBytes).toBeGreaterThan(3000);
    expect(String(upload?.body.content)).toContain("Porto weekend");
    expect(upload?.body.allowed_mentions).toEqual({ parse: [] });
    expect(upload?.body.nonce).toBeUndefined();

    await bot.adapter.postVideo(target, { ...video, deliveryKey: "5f0c7c1e-2a8e-4d6b-9a43-0d1e2f3a4b5c" });
    const keyed = discord.find("POST", /^\/channels\/1400000000000000002\/messages$/).at(-1);
    expect(String(keyed?.body.nonce)).toHaveLength(25);
    expect(keyed?.body.enforce_nonce).toBe(true);
  });

  it("downloads from the CDN, and an HTML page instead of an image is a clear error", async () => {
    setup();
    const ok = await bot.adapter.downloadFile(
      { platform: "discord", fileId: "1", url: `${discord.cdn}/1/2/a.jpg` },
      { maxBytes: 1e6 },
    );
    expect(ok.byteLength).toBeGreaterThan(0);
    const html = await bot.adapter
      .downloadFile(
        { platform: "discord", fileId: "2", url: `${discord.cdn}/1/2/a.html.jpg` },
        { maxBytes: 1e6 },
      )
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(isPhotoMemoryError(html, "download.html_page")).toBe(true);
    const evil = await bot.adapter
      .downloadFile(
        { platform: "discord", fileId: "3", url: "https://images-ext-1.discordapp.net/external/x.jpg" },
        { maxBytes: 1e6 },
      )
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(isPhotoMemoryError(evil, "download.forbidden_host")).toBe(true);
  });

  it("gateway: records a dropped photo once per conversation, for the intake job to acknowledge; ignores bots", async () => {
    setup(true);
    const message = {
      id: "1900000000000000010",
      channelId: "1400000000000000002",
      guildId: "1300000000000000001",
      author: { id: "1700000000000000001" },
      attachments: [
        {
          id: "1620000000000000001",
          filename: "a.jpg",
          content_type: "image/jpeg",
          size: 10,
          url: `${discord.cdn}/a.jpg`,
        },
      ],
    };
    await onDroppedMessage(deps, message);
    await onDroppedMessage(deps, message);
    await onDroppedMessage(deps, {
      ...message,
      id: "2",
      author: { id: "9", bot: true },
      attachments: message.attachments.map((a) => ({ ...a, id: "7" })),
    });
    expect(deps.recorded.size).toBe(1);
    expect(deps.dropped.map((d) => d.messageId)).toEqual(["1900000000000000010", "1900000000000000010"]);
    // The 📸 waits until the intake job accepted the photo (test/bots/e2e/discord-e2e.test.ts).
    expect(discord.find("PUT", /reactions/)).toHaveLength(0);
  });
});
