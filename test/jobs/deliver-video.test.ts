/**
 * The deliver step against the real adapters and their platform stand-ins: whatever the platform answers after a
 * render, the user gets exactly one message carrying the video or its share link, and a resumed delivery never posts
 * the video twice.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { REST } from "discord.js";
import { Bot } from "grammy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDiscordAdapter } from "../../src/bots/discord/discord-adapter.ts";
import { createSlackTokenSource } from "../../src/bots/slack/installations.ts";
import { createSlackAdapter } from "../../src/bots/slack/slack-adapter.ts";
import { createTelegramAdapter } from "../../src/bots/telegram/telegram-adapter.ts";
import type { ChatAdapter, ChatTarget } from "../../src/core/chat/chat-adapter.ts";
import { deliverVideo, posterKeyOf, videoKeyOf } from "../../src/core/memories/pipeline/index.ts";
import { type DiscordStandIn, startDiscordStandIn } from "../stand-ins/discord-api.ts";
import { type SlackStandIn, startSlackStandIn } from "../stand-ins/slack-api.ts";
import { startTelegramStandIn, type TelegramStandIn } from "../stand-ins/telegram-api.ts";
import { silentLogger } from "./helpers.ts";
import { createPipelineHarness } from "./pipeline-harness.ts";

const SHARE = "https://photomemory.example/share/tok123";
const SLACK_TOKEN = "xoxb-1111-2222-deliverTokenValue";
const TELEGRAM_TOKEN = "7000000001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

let h: Awaited<ReturnType<typeof createPipelineHarness>>;
let discord: DiscordStandIn;
let slack: SlackStandIn;
let tg: TelegramStandIn;
let adapters: { discord: ChatAdapter; slack: ChatAdapter; telegram: ChatAdapter };
const targets = {
  discord: { platform: "discord", workspaceId: "1300000000000000001", channelId: "1400000000000000002" },
  slack: { platform: "slack", workspaceId: "T0001", channelId: "C0001", threadId: "1700000000.000100" },
  telegram: { platform: "telegram", channelId: "5550001" },
} satisfies Record<string, ChatTarget>;

beforeAll(async () => {
  h = await createPipelineHarness();
  discord = await startDiscordStandIn();
  slack = await startSlackStandIn({ botToken: SLACK_TOKEN });
  tg = await startTelegramStandIn(TELEGRAM_TOKEN);
  adapters = {
    discord: createDiscordAdapter({
      rest: new REST({ version: "10", api: discord.apiUrl, retries: 0 }).setToken("MTEw.deliver.token"),
      applicationId: "1100000000000000001",
      apiUrl: discord.apiUrl,
      logger: silentLogger,
    }),
    slack: createSlackAdapter({
      apiUrl: slack.apiUrl,
      tokens: createSlackTokenSource({ botToken: SLACK_TOKEN }),
      logger: silentLogger,
    }),
    telegram: createTelegramAdapter({
      api: new Bot(TELEGRAM_TOKEN, { client: { apiRoot: tg.apiRoot } }).api,
      token: TELEGRAM_TOKEN,
      apiRoot: tg.apiRoot,
      logger: silentLogger,
    }),
  };
});
afterAll(async () => {
  await Promise.all([discord.close(), slack.close(), tg.close()]);
  await h.close();
});

/** A memory whose render and publish are done: its video and poster are stored, the row is completed. */
async function renderedMemory(title: string) {
  const { video } = await h.requestMemory(1, title);
  const file = join(h.dir, `${video.id}.mp4`);
  await writeFile(file, Buffer.alloc(5000, 3));
  await h.blobs.putFile(videoKeyOf(h.conversation.id, video.id), file, "video/mp4");
  await h.blobs.put(
    posterKeyOf(h.conversation.id, video.id),
    new Uint8Array([0xff, 0xd8, 0xff, 0xd9]),
    "image/jpeg",
  );
  await h.store.transitionVideo(video.id, ["queued"], "processing");
  await h.store.transitionVideo(video.id, ["processing"], "completed", {
    videoKey: videoKeyOf(h.conversation.id, video.id),
    posterKey: posterKeyOf(h.conversation.id, video.id),
    bytes: 5000,
    durationSeconds: 6,
    width: 1280,
    height: 720,
  });
  return video.id;
}

function deliver(platform: keyof typeof adapters, videoId: string, title: string, now?: () => number) {
  return deliverVideo(
    {
      store: h.store,
      blobs: h.blobs,
      chats: adapters,
      logger: silentLogger,
      tmpDir: h.dir,
      ...(now ? { now } : {}),
    },
    { videoId, target: targets[platform], title, shareUrl: SHARE },
  );
}

const discordPosts = () => discord.find("POST", /^\/channels\/1400000000000000002\/messages$/);

describe("deliver after a render", { timeout: 60_000 }, () => {
  it("Discord without Attach Files (403, code 50013): the share link goes out, one message in all", async () => {
    const videoId = await renderedMemory("Porto");
    const before = { posts: discordPosts().length, videos: discord.videosCreated };
    discord.failUploads = { status: 403, body: { message: "Missing Permissions", code: 50013 } };
    try {
      const result = await deliver("discord", videoId, "Porto");
      expect(result.via).toBe("link");
    } finally {
      discord.failUploads = undefined;
    }
    expect(discord.videosCreated).toBe(before.videos);
    const created = [...discord.messages.values()].slice(-1)[0] ?? "";
    expect(created).toBe(
      `🎬 “Porto” is ready. I am not allowed to upload videos here, so here is a link to watch it: ${SHARE}`,
    );
    // One refused upload, one link: the chat holds exactly one message for this memory.
    expect(discordPosts().length - before.posts).toBe(2);
    expect((await h.store.getVideo(videoId))?.deliveredMessageRef).toMatchObject({ via: "link" });
    // The step running again posts nothing more.
    expect((await deliver("discord", videoId, "Porto")).alreadyDelivered).toBe(true);
    expect(discordPosts().length - before.posts).toBe(2);
  });

  it("Slack with file uploads disabled in the workspace: the share link, in the thread, escaped", async () => {
    const videoId = await renderedMemory("<!channel> party");
    slack.errors.set("files.completeUploadExternal", "file_uploads_disabled");
    try {
      expect((await deliver("slack", videoId, "<!channel> party")).via).toBe("link");
    } finally {
      slack.errors.clear();
    }
    const post = slack.callsTo("chat.postMessage").at(-1);
    expect(post?.params).toMatchObject({ channel: "C0001", thread_ts: "1700000000.000100" });
    expect(String(post?.params.text)).toBe(
      `🎬 “&lt;!channel&gt; party” is ready. I am not allowed to upload videos here, so here is a link to watch it: ${SHARE}`,
    );
  });

  it("Telegram refusing the size (413) or failing (502): the share link says why", async () => {
    const big = await renderedMemory("Big");
    tg.rejectVideosOver = 100;
    try {
      expect((await deliver("telegram", big, "Big")).via).toBe("link");
    } finally {
      tg.rejectVideosOver = undefined;
    }
    expect(String(tg.callsTo("sendMessage").at(-1)?.params.text)).toContain(
      "“Big” is ready. It is too large to upload here, so here is a link",
    );
    const flaky = await renderedMemory("Flaky");
    tg.failVideos = { status: 502, body: { ok: false, error_code: 502, description: "Bad Gateway" } };
    try {
      expect((await deliver("telegram", flaky, "Flaky")).via).toBe("link");
    } finally {
      tg.failVideos = undefined;
    }
    expect(String(tg.callsTo("sendMessage").at(-1)?.params.text)).toContain(
      "“Flaky” is ready. The upload did not go through, so here is a link",
    );
  });

  it("a video over the chat's limit is never uploaded: the link goes out", async () => {
    const videoId = await renderedMemory("Huge");
    const tiny = { ...adapters.telegram, limits: () => ({ maxUploadBytes: 1000 }) };
    const sent = tg.videosSent;
    const result = await deliverVideo(
      { store: h.store, blobs: h.blobs, chats: { telegram: tiny }, logger: silentLogger, tmpDir: h.dir },
      { videoId, target: targets.telegram, title: "Huge", shareUrl: SHARE },
    );
    expect(result.via).toBe("link");
    expect(tg.videosSent).toBe(sent);
  });
});

describe("a delivery cut off after the platform got the video", { timeout: 60_000 }, () => {
  it("Discord: the retry inside the nonce window gets the same message back, one video", async () => {
    const videoId = await renderedMemory("Twice?");
    const first = await deliver("discord", videoId, "Twice?");
    const videos = discord.videosCreated;
    // As if the process died after Discord created the message and before the delivery was recorded.
    await h.db.query("update public.generated_videos set delivered_message_ref = null where id = $1", [
      videoId,
    ]);
    const again = await deliver("discord", videoId, "Twice?");
    expect(again.messageId).toBe(first.messageId);
    expect(again.via).toBe("upload");
    expect(discord.videosCreated).toBe(videos);
  });

  it("Discord after the nonce window, and Telegram (no idempotency): the link instead of a second video", async () => {
    const late = await renderedMemory("Late");
    await deliver("discord", late, "Late");
    await h.db.query("update public.generated_videos set delivered_message_ref = null where id = $1", [late]);
    const videos = discord.videosCreated;
    const result = await deliver("discord", late, "Late", () => Date.now() + 10 * 60 * 1000);
    expect(result.via).toBe("link");
    expect(discord.videosCreated).toBe(videos);
    expect([...discord.messages.values()].at(-1)).toContain("Its upload was interrupted, so here is a link");

    const tgVideo = await renderedMemory("Once on Telegram");
    await deliver("telegram", tgVideo, "Once on Telegram");
    await h.db.query("update public.generated_videos set delivered_message_ref = null where id = $1", [
      tgVideo,
    ]);
    const sent = tg.videosSent;
    expect((await deliver("telegram", tgVideo, "Once on Telegram")).via).toBe("link");
    expect(tg.videosSent).toBe(sent);
  });
});
