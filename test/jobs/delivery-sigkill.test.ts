/**
 * kill -9 while the video is being posted: the platform already holds it, the bot never heard back. The restarted
 * process finishes the run, and the chat holds exactly one video (the platform's idempotency: the playground's
 * message id, Discord's nonce with enforce_nonce).
 */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createPlaygroundMessageLog } from "../../src/bots/playground/message-log.ts";
import { createPgliteDb, createSqlStore } from "../../src/core/store/index.ts";
import { startDiscordStandIn } from "../stand-ins/discord-api.ts";
import { spawnChild, until } from "./fixtures/spawn-child.ts";

const CHILD = fileURLToPath(new URL("./fixtures/delivery-crash-child.ts", import.meta.url));

const child = (args: string[]) => spawnChild(CHILD, args);

async function deliveredRow(dir: string) {
  const db = await createPgliteDb(join(dir, "db"));
  try {
    const id = await readFile(join(dir, "video-id"), "utf8");
    const video = await createSqlStore(db).getVideo(id);
    const messages = await createPlaygroundMessageLog(db).list("room-kill-delivery");
    return { video, videoMessages: messages.filter((m) => m.video) };
  } finally {
    await db.close();
  }
}

describe("a process killed with SIGKILL while posting the video", { timeout: 240_000 }, () => {
  it("playground: the restarted process finds the message it posted; one video in the chat", async () => {
    const dir = await mkdtemp(join(tmpdir(), "photomemory-deliver-kill-"));
    try {
      const first = child(["start", dir, "playground"]);
      await until(() => existsSync(join(dir, "posted")), "the video message to be posted");
      first.proc.kill("SIGKILL");
      expect(await first.exited).toBe(null);

      const second = child(["resume", dir, "playground"]);
      expect(await second.exited, second.stderr()).toBe(0);
      const { video, videoMessages } = await deliveredRow(dir);
      expect(videoMessages).toHaveLength(1);
      expect(video?.status).toBe("completed");
      expect(video?.deliveredMessageRef).toMatchObject({
        messageId: videoMessages[0]?.id,
        via: "upload",
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("Discord: the resumed post carries the same nonce and gets the same message back; one video", async () => {
    const dir = await mkdtemp(join(tmpdir(), "photomemory-deliver-kill-"));
    const discord = await startDiscordStandIn();
    try {
      discord.holdUploads = true;
      const first = child(["start", dir, "discord", discord.apiUrl]);
      await until(() => discord.videosCreated === 1, "Discord to hold the video");
      first.proc.kill("SIGKILL");
      expect(await first.exited).toBe(null);
      discord.holdUploads = false;

      const second = child(["resume", dir, "discord", discord.apiUrl]);
      expect(await second.exited, second.stderr()).toBe(0);
      const uploads = discord
        .find("POST", /^\/channels\/1400000000000000077\/messages$/)
        .filter((c) => c.uploadBytes !== undefined);
      expect(uploads).toHaveLength(2); // the cut-off attempt and the resumed one…
      expect(uploads[1]?.body.nonce).toBe(uploads[0]?.body.nonce);
      expect(discord.videosCreated).toBe(1); // …and Discord made one message of them
      const { video } = await deliveredRow(dir);
      expect(video?.deliveredMessageRef).toMatchObject({ via: "upload" });
      expect(discord.messages.has(String(video?.deliveredMessageRef?.messageId))).toBe(true);
    } finally {
      await discord.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
