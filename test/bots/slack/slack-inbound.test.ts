import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { signSlackRequest } from "../../../src/bots/slack/verify.ts";
import { type SlackStandIn, startSlackStandIn } from "../../stand-ins/slack-api.ts";
import { createFakeDeps, type FakeDeps, waitFor } from "../fake-deps.ts";
import { SLACK_SECRET, SLACK_TOKEN, signedSlackPost, slackBotOn, slackFixture } from "./contract-kit.ts";

const fixture = slackFixture;

let slack: SlackStandIn;
let deps: FakeDeps;
let bot: ReturnType<typeof slackBotOn>;

beforeAll(async () => {
  slack = await startSlackStandIn({ botToken: SLACK_TOKEN });
});
afterAll(() => slack.close());

function setup() {
  deps = createFakeDeps();
  bot = slackBotOn(slack, deps);
}
afterEach(() => {
  // The token must never reach the logs, whatever the test did.
  expect(deps.logs()).not.toContain(SLACK_TOKEN);
});

const post = (body: string, options?: Parameters<typeof signedSlackPost>[1]) =>
  bot.router.request("/events", signedSlackPost(body, options));

describe("Slack: POST /slack/events verification", () => {
  it("answers url_verification with the challenge when signed", async () => {
    setup();
    const res = await post(fixture("url-verification.json"));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" });
  });

  it("refuses a missing or wrong signature with 401 and processes nothing", async () => {
    setup();
    const body = fixture("message-file-share.json");
    expect((await post(body, { signature: null })).status).toBe(401);
    expect(
      (await post(body, { signature: signSlackRequest("wrong-secret", Math.floor(Date.now() / 1000), body) }))
        .status,
    ).toBe(401);
    expect(deps.dropped).toHaveLength(0);
  });

  it("refuses a correctly signed request whose timestamp is 301 s old or 301 s ahead", async () => {
    setup();
    const body = fixture("message-file-share.json");
    const now = Math.floor(Date.now() / 1000);
    for (const ts of [now - 301, now + 301]) {
      expect((await post(body, { at: ts, signature: signSlackRequest(SLACK_SECRET, ts, body) })).status).toBe(
        401,
      );
    }
    expect(deps.dropped).toHaveLength(0);
  });

  it("verifies the raw bytes: the same payload re-serialised does not pass", async () => {
    setup();
    const raw = fixture("message-file-share.json");
    const ts = Math.floor(Date.now() / 1000);
    const reserialised = JSON.stringify(JSON.parse(raw));
    expect(
      (await post(reserialised, { at: ts, signature: signSlackRequest(SLACK_SECRET, ts, raw) })).status,
    ).toBe(401);
    expect((await post(raw, { at: ts, signature: signSlackRequest(SLACK_SECRET, ts, raw) })).status).toBe(
      200,
    );
  });
});

describe("Slack: photos dropped", () => {
  it("collects a photo shared in a thread once, even when Slack also sends file_shared and retries; no reaction before intake accepts it", async () => {
    setup();
    slack.files.set("F0001", {
      name: "IMG_0042.jpg",
      mimetype: "image/jpeg",
      size: 2048,
      threadTs: "1700000000.000100",
    });
    const before = slack.callsTo("reactions.add").length;
    expect((await post(fixture("message-file-share.json"))).status).toBe(200);
    expect(
      (
        await post(fixture("message-file-share.json"), {
          headers: { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" },
        })
      ).status,
    ).toBe(200);
    expect((await post(fixture("file-shared.json"))).status).toBe(200);

    // The retry is a duplicate delivery; file_shared names the same file, which the Store records only once.
    expect(deps.dropped).toHaveLength(2);
    expect(deps.recorded.size).toBe(1);
    const drop = deps.dropped[0];
    expect(drop?.target).toEqual({
      platform: "slack",
      workspaceId: "T0001",
      channelId: "C0001",
      threadId: "1700000000.000100",
    });
    expect(drop?.files.map((f) => f.fileId)).toEqual(["F0001"]);
    expect(deps.dropped[0]?.messageId).toBe("1700000001.000200");
    expect(JSON.stringify(drop)).not.toContain(SLACK_TOKEN);
    // The reaction is the intake job's, after the photo was accepted (test/bots/e2e/slack-e2e.test.ts).
    expect(slack.callsTo("reactions.add").slice(before)).toHaveLength(0);
  });

  it("processes Slack's retry of a delivery that failed", async () => {
    setup();
    deps.failDrops = 1;
    expect((await post(fixture("message-file-share.json"))).status).toBe(500);
    expect(deps.dropped).toHaveLength(0);
    const retry = await post(fixture("message-file-share.json"), {
      headers: { "x-slack-retry-num": "1", "x-slack-retry-reason": "http_error" },
    });
    expect(retry.status).toBe(200);
    expect(deps.dropped).toHaveLength(1);
  });

  it("ignores the bot's own upload echoing back", async () => {
    setup();
    expect((await post(fixture("bot-message.json"))).status).toBe(200);
    expect(deps.dropped).toHaveLength(0);
  });
});

describe("Slack: /memory and buttons", () => {
  it("acks the slash command and runs it for the channel with style and title", async () => {
    setup();
    const body = fixture("slash-command-memory.txt").replace(
      "__RESPONSE_URL__",
      encodeURIComponent(`${slack.server.url}/respond/1`),
    );
    const res = await post(body, { type: "application/x-www-form-urlencoded" });
    expect(res.status).toBe(200);
    await waitFor(() => deps.commands.length === 1, "the command");
    expect(deps.commands[0]).toMatchObject({
      target: { platform: "slack", workspaceId: "T0001", channelId: "C0001" },
      command: { kind: "request", style: "cinematic", title: "Lisbon 2026" },
      userId: "U0001",
    });
  });

  it("turns a style button press into a request that edits the picker message", async () => {
    setup();
    const payload = fixture("block-actions-style.json").replace(
      "__RESPONSE_URL__",
      `${slack.server.url}/respond/2`,
    );
    const res = await post(`payload=${encodeURIComponent(payload)}`, {
      type: "application/x-www-form-urlencoded",
    });
    expect(res.status).toBe(200);
    await waitFor(() => deps.commands.length === 1, "the button press");
    expect(deps.commands[0]).toMatchObject({
      command: { kind: "request", style: "modern" },
      target: { channelId: "C0001", threadId: "1700000000.000100" },
      statusMessage: { messageId: "1700000005.000100" },
    });
  });
});
