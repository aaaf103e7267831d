/**
 * Slack end to end: photos dropped in a thread go in, `@PhotoMemory memory …` in that thread brings exactly one
 * video back into it with status edits along the way, a forged request is refused, and the token never shows in logs.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { signSlackRequest } from "../../../src/bots/slack/verify.ts";
import { noisyJpeg } from "../../fixtures/generate-photos.ts";
import { type SlackStandIn, startSlackStandIn } from "../../stand-ins/slack-api.ts";
import { type BotService, eventually, startBotService } from "./bot-service.ts";

const SECRET = "e2e0signing0secret0f00d";
const TOKEN = "xoxb-900000000001-900000000002-E2eSlackTokenValue";
const THREAD = "1700000000.000100";
let slack: SlackStandIn;
let bots: BotService;

beforeAll(async () => {
  slack = await startSlackStandIn({ botToken: TOKEN });
  slack.files.set("F0001", {
    name: "IMG_0042.jpg",
    mimetype: "image/jpeg",
    size: 1,
    threadTs: THREAD,
    bytes: await noisyJpeg(800, 600, 11),
  });
  slack.files.set("F0002", {
    name: "IMG_0043.jpg",
    mimetype: "image/jpeg",
    size: 1,
    threadTs: THREAD,
    bytes: await noisyJpeg(600, 800, 12),
  });
  // Served as Slack serves a file when the files:read scope is missing: 200 with an HTML sign-in page.
  slack.files.set("F0003", {
    name: "IMG_0044.jpg",
    mimetype: "image/jpeg",
    size: 1,
    threadTs: THREAD,
    html: true,
  });
  bots = await startBotService({
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_BOT_TOKEN: TOKEN,
    SLACK_API_URL: slack.apiUrl,
  });
});
afterAll(async () => {
  await bots?.stop();
  await slack?.close();
});

function post(
  body: string,
  signature?: string,
  type = "application/json",
  headers: Record<string, string> = {},
) {
  const ts = Math.floor(Date.now() / 1000);
  return bots.service.app.request("/slack/events", {
    method: "POST",
    headers: {
      "content-type": type,
      "x-slack-request-timestamp": String(ts),
      "x-slack-signature": signature ?? signSlackRequest(SECRET, ts, body),
      ...headers,
    },
    body,
  });
}

/**
 * Posts an event as Slack delivers it: an answer of 503 (still processing at 2.5 s, as on a busy machine) is
 * retried, up to Slack's three retries (sooner here than Slack's 1 and 5 minutes).
 */
async function deliverEvent(body: string): Promise<Response> {
  let res = await post(body);
  for (let retry = 1; res.status === 503 && retry <= 3; retry++) {
    await new Promise((r) => setTimeout(r, 2000));
    res = await post(body, undefined, "application/json", {
      "x-slack-retry-num": String(retry),
      "x-slack-retry-reason": "http_error",
    });
  }
  return res;
}

it("Slack: photos in a thread (and a sign-in page instead of one), then a mention in it, bring one video back into the thread", async () => {
  const event = JSON.parse(
    readFileSync(new URL("../../fixtures/slack/message-file-share.json", import.meta.url), "utf8"),
  );
  event.event.files.push({
    ...event.event.files[0],
    id: "F0002",
    name: "IMG_0043.jpg",
    title: "IMG_0043.jpg",
  });
  event.event.files.push({
    ...event.event.files[0],
    id: "F0003",
    name: "IMG_0044.jpg",
    title: "IMG_0044.jpg",
  });
  const dropped = JSON.stringify(event);

  expect((await post(dropped, "v0=forged")).status).toBe(401);
  expect((await deliverEvent(dropped)).status).toBe(200);
  const summary = await eventually(
    () => slack.callsTo("chat.postMessage").find((c) => /Got 2 photos/.test(String(c.params.text))),
    "the photo summary",
  );
  expect(summary.params.thread_ts).toBe(THREAD);
  // The sign-in page is not stored as a photo; the one summary line says why and what to do.
  expect(String(summary.params.text)).toMatch(
    /1 skipped: IMG_0044\.jpg: Slack sent a sign-in page .*files:read.*reinstall/,
  );
  // One reaction for the message, put on once its photos were accepted.
  const reactions = slack.callsTo("reactions.add");
  expect(reactions.map((c) => [c.params.timestamp, c.params.name])).toEqual([
    [event.event.ts, "frame_with_picture"],
  ]);

  const mention = JSON.stringify({
    token: "XXYYZZ",
    team_id: "T0001",
    api_app_id: "A0001",
    event: {
      type: "app_mention",
      user: "U0001",
      text: "<@UBOT> memory classic Lisbon 2026",
      ts: "1700000100.000100",
      thread_ts: THREAD,
      channel: "C0001",
      event_ts: "1700000100.000100",
    },
    type: "event_callback",
    event_id: "Ev0100",
    event_time: 1700000100,
    authorizations: [
      { enterprise_id: null, team_id: "T0001", user_id: "UBOT", is_bot: true, is_enterprise_install: false },
    ],
  });
  expect((await deliverEvent(mention)).status).toBe(200);

  const done = await eventually(() => slack.callsTo("files.completeUploadExternal")[0], "the video upload");
  await new Promise((r) => setTimeout(r, 1500));
  expect(slack.callsTo("files.completeUploadExternal")).toHaveLength(1);
  expect(done.params).toMatchObject({ channel_id: "C0001", thread_ts: THREAD });
  expect(String(done.params.files)).toContain("Lisbon 2026");
  expect(slack.uploads).toHaveLength(1);
  // The status message was posted in the thread and edited as the render went on.
  const status = slack.callsTo("chat.postMessage").find((c) => /Lisbon 2026/.test(String(c.params.text)));
  expect(status?.params.thread_ts).toBe(THREAD);
  expect(slack.callsTo("chat.update").length).toBeGreaterThan(0);

  expect(bots.logs()).not.toContain(TOKEN);
  expect(bots.logs()).not.toContain(SECRET);
}, 150_000);

it("Slack: /memory without a style offers a picker; pressing a style brings the video into the channel", async () => {
  slack.files.set("F0010", {
    name: "IMG_0100.jpg",
    mimetype: "image/jpeg",
    size: 1,
    channel: "C0002",
    bytes: await noisyJpeg(800, 600, 13),
  });
  const event = JSON.parse(
    readFileSync(new URL("../../fixtures/slack/message-file-share.json", import.meta.url), "utf8"),
  );
  event.event_id = "Ev0010";
  event.event.channel = "C0002";
  event.event.ts = "1700000300.000100";
  delete event.event.thread_ts;
  delete event.event.parent_user_id;
  event.event.files = [{ ...event.event.files[0], id: "F0010", name: "IMG_0100.jpg" }];
  expect((await deliverEvent(JSON.stringify(event))).status).toBe(200);
  // Acknowledged by a reaction once accepted; no line for a burst that went in whole.
  await eventually(
    () =>
      slack
        .callsTo("reactions.add")
        .find((c) => c.params.channel === "C0002" && c.params.timestamp === "1700000300.000100"),
    "the photo reaction",
  );
  expect(slack.callsTo("chat.postMessage").filter((c) => c.params.channel === "C0002")).toHaveLength(0);

  const command = readFileSync(
    new URL("../../fixtures/slack/slash-command-memory.txt", import.meta.url),
    "utf8",
  )
    .replace("channel_id=C0001", "channel_id=C0002")
    .replace("text=cinematic+Lisbon+2026", "text=")
    .replace("__RESPONSE_URL__", encodeURIComponent(`${slack.server.url}/respond/9`));
  expect((await post(command, undefined, "application/x-www-form-urlencoded")).status).toBe(200);
  const picker = await eventually(
    () =>
      slack
        .callsTo("chat.postMessage")
        .find((c) => c.params.channel === "C0002" && /style/i.test(String(c.params.text)) && c.params.blocks),
    "the style picker",
  );
  const buttons =
    (
      JSON.parse(String(picker.params.blocks)) as {
        type: string;
        elements?: { action_id: string; value: string }[];
      }[]
    ).find((b) => b.type === "actions")?.elements ?? [];
  const modern = buttons.find((b) => b.action_id === "pm:style-modern");
  expect(modern).toBeDefined();

  const pickerTs = "1700000301.000100";
  const press = JSON.parse(
    readFileSync(new URL("../../fixtures/slack/block-actions-style.json", import.meta.url), "utf8"),
  );
  press.channel = { id: "C0002", name: "family" };
  press.container = { type: "message", message_ts: pickerTs, channel_id: "C0002", is_ephemeral: false };
  press.message = { ...press.message, ts: pickerTs };
  delete press.message.thread_ts;
  press.actions = [{ ...press.actions[0], action_id: modern?.action_id, value: modern?.value }];
  press.response_url = `${slack.server.url}/respond/10`;
  const pressed = await post(
    `payload=${encodeURIComponent(JSON.stringify(press))}`,
    undefined,
    "application/x-www-form-urlencoded",
  );
  expect(pressed.status).toBe(200);

  const done = await eventually(
    () => slack.callsTo("files.completeUploadExternal").find((c) => c.params.channel_id === "C0002"),
    "the video upload",
  );
  expect(done.params.thread_ts).toBeUndefined();
  // The picker turned into the status message.
  expect(slack.callsTo("chat.update").some((c) => c.params.ts === pickerTs)).toBe(true);
  expect(bots.logs()).not.toContain(TOKEN);
});
