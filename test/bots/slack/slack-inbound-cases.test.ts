/**
 * Slack inbound cases seen with real workspaces: Slack Connect files announced by id only, photos in a thread's root
 * message, replayed slash commands and button presses, and an event still processing at the 3 s deadline.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { BotDeps } from "../../../src/bots/common/bot-deps.ts";
import { type SlackStandIn, startSlackStandIn } from "../../stand-ins/slack-api.ts";
import { createFakeDeps, type FakeDeps, waitFor } from "../fake-deps.ts";
import { SLACK_TOKEN, signedSlackPost, slackBotOn, slackFixture } from "./contract-kit.ts";

const fixture = slackFixture;

let slack: SlackStandIn;
let deps: FakeDeps;
let bot: ReturnType<typeof slackBotOn>;

beforeAll(async () => {
  slack = await startSlackStandIn({ botToken: SLACK_TOKEN });
});
afterAll(() => slack.close());
afterEach(() => {
  expect(deps.logs()).not.toContain(SLACK_TOKEN);
});

function setup(overrides: Partial<BotDeps> = {}) {
  deps = createFakeDeps(overrides);
  bot = slackBotOn(slack, deps);
}

const post = (body: string, headers: Record<string, string> = {}) =>
  bot.router.request("/events", signedSlackPost(body, { headers }));

describe("Slack: photos the listener used to miss", () => {
  it("looks a Slack Connect file (check_file_info) up with files.info and takes it", async () => {
    setup();
    slack.files.set("F0C0NNECT1", {
      name: "offsite-01.jpg",
      mimetype: "image/jpeg",
      size: 3000,
      channel: "C0SHARED1",
    });
    expect((await post(fixture("message-file-share-connect.json"))).status).toBe(200);
    expect(slack.callsTo("files.info").at(-1)?.params).toMatchObject({ file: "F0C0NNECT1" });
    expect(deps.dropped).toHaveLength(1);
    expect(deps.dropped[0]).toMatchObject({
      target: { platform: "slack", workspaceId: "T0001", channelId: "C0SHARED1" },
      userId: "W0EXT0001",
      files: [{ fileId: "F0C0NNECT1", name: "offsite-01.jpg", mimeType: "image/jpeg" }],
    });
    expect(deps.dropped[0]?.target.threadId).toBeUndefined();
  });

  it("counts the photos of a thread's root message for a memory asked for in a reply", async () => {
    let photosWhenAsked = 0;
    setup({
      async runMemoryCommand(input) {
        photosWhenAsked = deps.dropped.length;
        deps.commands.push(input);
      },
    });
    const root = JSON.parse(fixture("thread-root-message.json").replaceAll("__FILES__", slack.server.url));
    slack.messages.set("C0003:1700000200.000100", root);
    // The root as it was posted: a channel message without thread_ts, collected for the channel.
    const posted = JSON.parse(fixture("message-file-share.json"));
    posted.event_id = "Ev0R00T";
    const {
      reply_count,
      reply_users_count,
      latest_reply,
      reply_users,
      is_locked,
      subscribed,
      thread_ts,
      ...event
    } = root;
    posted.event = {
      ...event,
      subtype: "file_share",
      channel: "C0003",
      event_ts: root.ts,
      channel_type: "channel",
    };
    expect((await post(JSON.stringify(posted))).status).toBe(200);
    expect(deps.dropped.map((d) => d.target)).toEqual([
      { platform: "slack", workspaceId: "T0001", channelId: "C0003" },
    ]);

    expect((await post(fixture("app-mention-thread-reply.json"))).status).toBe(200);
    const thread = {
      platform: "slack",
      workspaceId: "T0001",
      channelId: "C0003",
      threadId: "1700000200.000100",
    };
    expect(deps.dropped).toHaveLength(2);
    expect(deps.dropped[1]).toMatchObject({
      target: thread,
      userId: "U0001",
      files: [{ fileId: "F0R00T1" }],
    });
    expect(photosWhenAsked).toBe(2);
    expect(deps.commands[0]).toMatchObject({
      target: thread,
      command: { kind: "request", style: "vintage", title: "Team offsite" },
      userId: "U0002",
    });
    // Asking again in the same thread does not take the root's photos twice: the Store records a file once per
    // conversation (the channel's and the thread's).
    const again = JSON.parse(fixture("app-mention-thread-reply.json"));
    again.event_id = "Ev0THREAD2";
    expect((await post(JSON.stringify(again))).status).toBe(200);
    expect(deps.recorded.size).toBe(2);
    expect(deps.commands).toHaveLength(2);
  });
});

describe("Slack: replayed signed requests", () => {
  it("runs a slash command replayed within the 5-minute window once (trigger_id)", async () => {
    setup();
    const body = fixture("slash-command-memory.txt").replace(
      "__RESPONSE_URL__",
      encodeURIComponent(`${slack.server.url}/respond/9`),
    );
    const captured = signedSlackPost(body, {
      type: "application/x-www-form-urlencoded",
      at: Math.floor(Date.now() / 1000) - 120,
    });
    expect((await bot.router.request("/events", captured)).status).toBe(200);
    await waitFor(() => deps.commands.length === 1, "the command");
    expect((await bot.router.request("/events", captured)).status).toBe(200);
    await waitFor(() => deps.logs().includes("replayed slack command skipped"), "the replay to be seen");
    expect(deps.commands).toHaveLength(1);
  });

  it("runs a button press replayed within the window once (trigger_id)", async () => {
    setup();
    const payload = fixture("block-actions-style.json").replace(
      "__RESPONSE_URL__",
      `${slack.server.url}/respond/10`,
    );
    const captured = signedSlackPost(`payload=${encodeURIComponent(payload)}`, {
      type: "application/x-www-form-urlencoded",
    });
    expect((await bot.router.request("/events", captured)).status).toBe(200);
    await waitFor(() => deps.commands.length === 1, "the button press");
    expect((await bot.router.request("/events", captured)).status).toBe(200);
    await waitFor(() => deps.logs().includes("replayed slack button press skipped"), "the replay to be seen");
    expect(deps.commands).toHaveLength(1);
  });
});

describe("Slack: an event still processing at the deadline", () => {
  it("is answered 503, never 200, so Slack's retry takes the photo in when the first attempt fails", async () => {
    // The database hangs, then fails (an outage): the first attempt outlives Slack's 3 s.
    let failFirst: () => void = () => undefined;
    const firstAttempt = new Promise<void>((resolve) => {
      failFirst = resolve;
    });
    let attempts = 0;
    setup({
      async dropPhotos(input) {
        attempts++;
        if (attempts === 1) {
          await firstAttempt;
          throw new Error("database unavailable");
        }
        deps.dropped.push(input);
        return { fresh: input.files.length };
      },
    });
    const started = Date.now();
    const first = await post(fixture("message-file-share.json"));
    expect(first.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(3000);

    // Slack's immediate retry while the first attempt still runs: not acknowledged either.
    const early = await post(fixture("message-file-share.json"), {
      "x-slack-retry-num": "1",
      "x-slack-retry-reason": "http_error",
    });
    expect(early.status).toBe(503);
    expect(deps.dropped).toHaveLength(0);

    failFirst();
    await waitFor(() => deps.logs().includes("Slack's retry will redo it"), "the first attempt to fail");
    const retry = await post(fixture("message-file-share.json"), {
      "x-slack-retry-num": "2",
      "x-slack-retry-reason": "http_error",
    });
    expect(retry.status).toBe(200);
    expect(deps.dropped.map((d) => d.files.map((f) => f.fileId))).toEqual([["F0001"]]);
  }, 20_000);
});
