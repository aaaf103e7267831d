/** The ChatAdapter contract run against every adapter: Slack, Discord and Telegram on their stand-ins, and the playground. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { REST } from "discord.js";
import { Bot } from "grammy";
import { createDiscordAdapter } from "../../src/bots/discord/discord-adapter.ts";
import { createPlaygroundMessageLog } from "../../src/bots/playground/message-log.ts";
import {
  createPlaygroundAdapter,
  playgroundUploadKey,
} from "../../src/bots/playground/playground-adapter.ts";
import { createSlackTokenSource } from "../../src/bots/slack/installations.ts";
import { createSlackAdapter } from "../../src/bots/slack/slack-adapter.ts";
import { createTelegramAdapter } from "../../src/bots/telegram/telegram-adapter.ts";
import { createLocalBlobStore } from "../../src/core/blobs/local-blob-store.ts";
import { createSilentLogger } from "../../src/core/log.ts";
import { migrate, openDatabase } from "../../src/core/store/index.ts";
import { startDiscordStandIn } from "../stand-ins/discord-api.ts";
import { TINY_JPEG } from "../stand-ins/local-server.ts";
import { startSlackStandIn } from "../stand-ins/slack-api.ts";
import { startTelegramStandIn } from "../stand-ins/telegram-api.ts";
import { type AdapterUnderTest, chatAdapterContract } from "./chat-adapter.contract.ts";

const logger = createSilentLogger();

chatAdapterContract("Slack", async () => {
  const token = "xoxb-1111-2222-contractTokenValue";
  const slack = await startSlackStandIn({ botToken: token });
  slack.files.set("F0PHOTO", { name: "beach.jpg", mimetype: "image/jpeg", size: TINY_JPEG.byteLength });
  const adapter = createSlackAdapter({
    apiUrl: slack.apiUrl,
    tokens: createSlackTokenSource({ botToken: token }),
    logger,
  });
  const target = {
    platform: "slack" as const,
    workspaceId: "T0001",
    channelId: "C0001",
    threadId: "1700000000.000100",
  };
  return {
    adapter,
    target,
    textOf: async (id) => slack.posted.get(id),
    videoCount: async () => [...slack.shared.values()].filter((s) => s.channel === target.channelId).length,
    refusals: ["too_large", "not_allowed"],
    refuseUploads(kind) {
      slack.errors.clear();
      // Slack's answers (files.getUploadURLExternal / files.completeUploadExternal error lists).
      if (kind === "too_large") slack.errors.set("files.getUploadURLExternal", "file_upload_size_restricted");
      if (kind === "not_allowed") slack.errors.set("files.completeUploadExternal", "not_in_channel");
    },
    photo: {
      file: { platform: "slack", fileId: "F0PHOTO", workspaceId: "T0001" },
      bytes: TINY_JPEG.byteLength,
    },
    close: () => slack.close(),
  } satisfies AdapterUnderTest;
});

chatAdapterContract("Discord", async () => {
  const discord = await startDiscordStandIn();
  const rest = new REST({ version: "10", api: discord.apiUrl, retries: 0 }).setToken("MTEw.contract.token");
  const adapter = createDiscordAdapter({
    rest,
    applicationId: "1100000000000000001",
    apiUrl: discord.apiUrl,
    logger,
  });
  const target = {
    platform: "discord" as const,
    workspaceId: "1300000000000000001",
    channelId: "1400000000000000002",
  };
  return {
    adapter,
    target,
    textOf: async (id) => discord.messages.get(id),
    videoCount: async () => discord.videosCreated,
    refusals: ["too_large", "not_allowed"],
    refuseUploads(kind) {
      discord.failUploads = undefined;
      discord.rejectUploadsOver = undefined;
      // discord-api-docs: 40005 "Request entity too large" (HTTP 413), 50013 "You lack permissions" (HTTP 403).
      if (kind === "too_large") discord.rejectUploadsOver = 100;
      if (kind === "not_allowed")
        discord.failUploads = { status: 403, body: { message: "Missing Permissions", code: 50013 } };
    },
    photo: {
      file: { platform: "discord", fileId: "1500000000000000001", url: `${discord.cdn}/1/2/beach.jpg` },
      bytes: TINY_JPEG.byteLength,
    },
    close: () => discord.close(),
  } satisfies AdapterUnderTest;
});

chatAdapterContract("Telegram", async () => {
  const token = "7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
  const tg = await startTelegramStandIn(token);
  tg.files.set("AgACAgIAAxkBAAIBZ2", { path: "photos/file_1.jpg", size: TINY_JPEG.byteLength });
  const bot = new Bot(token, { client: { apiRoot: tg.apiRoot } });
  const adapter = createTelegramAdapter({ api: bot.api, token, apiRoot: tg.apiRoot, logger });
  return {
    adapter,
    target: { platform: "telegram" as const, channelId: "5550001" },
    textOf: async (id) => tg.messages.get(Number(id)),
    videoCount: async () => tg.videosSent,
    refusals: ["too_large", "not_allowed"],
    refuseUploads(kind) {
      tg.failVideos = undefined;
      tg.rejectVideosOver = undefined;
      if (kind === "too_large") tg.rejectVideosOver = 100;
      if (kind === "not_allowed") {
        tg.failVideos = {
          status: 400,
          body: {
            ok: false,
            error_code: 400,
            description: "Bad Request: not enough rights to send videos to the chat",
          },
        };
      }
    },
    photo: { file: { platform: "telegram", fileId: "AgACAgIAAxkBAAIBZ2" }, bytes: TINY_JPEG.byteLength },
    close: () => tg.close(),
  } satisfies AdapterUnderTest;
});

chatAdapterContract("playground", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "pm-contract-playground-"));
  const db = await openDatabase({ dataDir: path.join(dir, "db") });
  await migrate(db);
  const messages = createPlaygroundMessageLog(db);
  const blobs = createLocalBlobStore({ root: path.join(dir, "blobs") });
  const target = { platform: "playground" as const, channelId: "contract" };
  // A song the page uploaded waits in the BlobStore under its upload key: the playground's one kind of file.
  const upload = playgroundUploadKey(target.channelId, "0b6c3a3e-8f8e-4a52-9a37-3d4b1c2a9f10");
  await blobs.put(upload, TINY_JPEG, "application/octet-stream");
  const t = {
    adapter: createPlaygroundAdapter({ messages, blobs }),
    photo: { file: { platform: "playground", fileId: upload }, bytes: TINY_JPEG.byteLength },
    target,
    textOf: async (id: string) => (await messages.get(id))?.text,
    videoCount: async () => (await messages.list(target.channelId)).filter((m) => m.video).length,
    refusals: ["too_large"],
    refuseUploads(kind) {
      t.adapter = createPlaygroundAdapter({
        messages,
        blobs,
        ...(kind === "too_large" ? { maxUploadBytes: 100 } : {}),
      });
    },
    async close() {
      await db.close();
      await rm(dir, { recursive: true, force: true });
    },
  } satisfies AdapterUnderTest as AdapterUnderTest;
  return t;
});
