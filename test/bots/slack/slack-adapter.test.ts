import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSlackTokenSource } from "../../../src/bots/slack/installations.ts";
import { createSlackAdapter } from "../../../src/bots/slack/slack-adapter.ts";
import { isPhotoMemoryError } from "../../../src/core/errors.ts";
import { TINY_JPEG } from "../../stand-ins/local-server.ts";
import { type SlackStandIn, startSlackStandIn } from "../../stand-ins/slack-api.ts";
import { createFakeDeps } from "../fake-deps.ts";

const TOKEN = "xoxb-2222-3333-adapterTokenValue";
let slack: SlackStandIn;
const deps = createFakeDeps();
let adapter: ReturnType<typeof createSlackAdapter>;
const target = {
  platform: "slack" as const,
  workspaceId: "T0001",
  channelId: "C0001",
  threadId: "1700000000.000100",
};

beforeAll(async () => {
  slack = await startSlackStandIn({ botToken: TOKEN });
  adapter = createSlackAdapter({
    apiUrl: slack.apiUrl,
    tokens: createSlackTokenSource({ botToken: TOKEN }),
    logger: deps.logger,
  });
});
afterAll(async () => {
  await slack.close();
  expect(deps.logs()).not.toContain(TOKEN);
});

describe("Slack adapter", () => {
  it("downloads a photo through files.info with the bot token", async () => {
    slack.files.set("F1", { name: "a.jpg", mimetype: "image/jpeg", size: TINY_JPEG.byteLength });
    const bytes = await adapter.downloadFile(
      { platform: "slack", fileId: "F1", workspaceId: "T0001" },
      { maxBytes: 1_000_000 },
    );
    expect(Buffer.from(bytes).equals(TINY_JPEG)).toBe(true);
  });

  it("explains a sign-in page served in place of the image (missing files:read)", async () => {
    slack.files.set("F2", { name: "b.jpg", mimetype: "image/jpeg", size: 100, html: true });
    const error = await adapter
      .downloadFile({ platform: "slack", fileId: "F2" }, { maxBytes: 1_000_000 })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(isPhotoMemoryError(error, "download.html_page")).toBe(true);
    expect((error as Error).message).toMatch(/files:read.*reinstall/);
  });

  it("posts a status message in the thread and edits it with progress", async () => {
    const ref = await adapter.postMessage(target, { text: "Making your memory…", progress: 0 });
    await adapter.editMessage?.(ref, { text: "Making your memory…", progress: 0.4 });
    const post = slack.callsTo("chat.postMessage").at(-1);
    expect(post?.params).toMatchObject({ channel: "C0001", thread_ts: "1700000000.000100" });
    const update = slack.callsTo("chat.update").at(-1);
    expect(update?.params).toMatchObject({ channel: "C0001", ts: ref.messageId });
    expect(String(update?.params.text)).toContain("40 %");
  });

  it("renders the style picker as Block Kit buttons", async () => {
    await adapter.postMessage(target, {
      text: "Pick a style",
      actions: [{ id: "style-modern", label: "Modern", value: "modern" }],
    });
    const blocks = JSON.parse(String(slack.callsTo("chat.postMessage").at(-1)?.params.blocks)) as {
      type: string;
      elements?: { action_id: string; value: string }[];
    }[];
    expect(blocks.find((b) => b.type === "actions")?.elements?.[0]).toMatchObject({
      action_id: "pm:style-modern",
      value: "modern",
    });
  });

  it("uploads the video into the thread with its title", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "pm-slack-"));
    const file = path.join(dir, "memory.mp4");
    writeFileSync(file, Buffer.alloc(4096, 1));
    await adapter.postVideo(target, {
      path: file,
      title: "Lisbon 2026",
      bytes: 4096,
      durationSeconds: 8,
      width: 1280,
      height: 720,
    });
    expect(slack.uploads.at(-1)?.bytes).toBeGreaterThanOrEqual(4096);
    const complete = slack.callsTo("files.completeUploadExternal").at(-1);
    expect(complete?.params).toMatchObject({ channel_id: "C0001", thread_ts: "1700000000.000100" });
    expect(String(complete?.params.files)).toContain("Lisbon 2026");
  });

  it("posts the share link instead of uploading a video over the limit", async () => {
    const before = slack.uploads.length;
    await adapter.postVideo(target, {
      path: "/nonexistent.mp4",
      title: "Huge",
      bytes: 2_000_000_000,
      durationSeconds: 600,
      width: 1920,
      height: 1080,
      shareUrl: "https://photomemory.example/s/huge",
    });
    expect(slack.uploads.length).toBe(before);
    expect(String(slack.callsTo("chat.postMessage").at(-1)?.params.text)).toContain(
      "https://photomemory.example/s/huge",
    );
  });

  it("renders the upgrade card's payment link as a link button", async () => {
    await adapter.postMessage(target, {
      text: "Cinematic is a premium style",
      actions: [{ id: "upgrade", label: "Unlock premium styles", value: "https://buy.stripe.com/test_123" }],
    });
    const blocks = JSON.parse(String(slack.callsTo("chat.postMessage").at(-1)?.params.blocks)) as {
      type: string;
      elements?: { url?: string; value?: string }[];
    }[];
    expect(blocks.find((b) => b.type === "actions")?.elements?.[0]).toMatchObject({
      url: "https://buy.stripe.com/test_123",
    });
  });
});
