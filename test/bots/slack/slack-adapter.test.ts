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

  // The exact title: typed after `/memory classic`, it must neither ping the channel nor disguise a link.
  const INJECTION = "<!channel> <https://evil.example|Click to unlock premium>";
  const ESCAPED = "&lt;!channel&gt; &lt;https://evil.example|Click to unlock premium&gt;";

  it("escapes titles in messages and in the video's comment, so they cannot ping or disguise a link", async () => {
    await adapter.postMessage(target, { text: `🎞️ Making your memory “${INJECTION}”…`, progress: 0.1 });
    const post = slack.callsTo("chat.postMessage").at(-1);
    expect(String(post?.params.text)).toContain(ESCAPED);
    expect(String(post?.params.text)).not.toContain("<!channel>");
    expect(String(post?.params.blocks)).not.toContain("<!channel>");
    expect(String(post?.params.blocks)).not.toContain("<https://evil.example|");

    const dir = mkdtempSync(path.join(tmpdir(), "pm-slack-"));
    const file = path.join(dir, "memory.mp4");
    writeFileSync(file, Buffer.alloc(2048, 1));
    await adapter.postVideo(target, {
      path: file,
      title: `A & B ${INJECTION}`,
      bytes: 2048,
      durationSeconds: 8,
      width: 1280,
      height: 720,
      shareUrl: "https://photomemory.example/share/tok?a=1&b=2",
    });
    const comment = String(slack.callsTo("files.completeUploadExternal").at(-1)?.params.initial_comment);
    expect(comment).toBe(`*A &amp; B ${ESCAPED}*\nhttps://photomemory.example/share/tok?a=1&amp;b=2`);
    const getUrl = slack.callsTo("files.getUploadURLExternal").at(-1);
    expect(String(getUrl?.params.filename)).toMatch(/^[a-z0-9-]+\.mp4$/);
  });

  it("after a crash, finds the upload it noted instead of posting the video again", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "pm-slack-"));
    const file = path.join(dir, "memory.mp4");
    writeFileSync(file, Buffer.alloc(3000, 1));
    const video = { path: file, title: "Once", bytes: 3000, durationSeconds: 8, width: 1280, height: 720 };
    const notes: Record<string, string> = {};
    const journal = {
      earlier: notes,
      note: async (d: Record<string, string>) => void Object.assign(notes, d),
    };
    // The first attempt dies after Slack took the bytes, before completeUploadExternal answered.
    slack.errors.set("files.completeUploadExternal", "fatal_error");
    await expect(adapter.postVideo(target, video, journal)).rejects.toThrow();
    slack.errors.clear();
    expect(notes).toMatchObject({ slackFileUploaded: "yes" });
    const uploads = slack.uploads.length;
    const first = await adapter.postVideo(target, video, { earlier: { ...notes }, note: journal.note });
    expect(first.messageId).toBe(notes.slackFileId);
    expect(slack.uploads.length).toBe(uploads); // the bytes were not sent again
    // A third attempt (the step re-ran after the share) sees the file in the thread and posts nothing.
    const completes = slack.callsTo("files.completeUploadExternal").length;
    await adapter.postVideo(target, video, { earlier: { ...notes }, note: journal.note });
    expect(slack.callsTo("files.completeUploadExternal").length).toBe(completes);
    expect([...slack.shared.keys()].filter((id) => id === notes.slackFileId)).toHaveLength(1);
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
