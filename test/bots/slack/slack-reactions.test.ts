/**
 * Slack reactions as Slack sends them (Events API `reaction_added` / `reaction_removed`, signed): a person's reaction
 * on a photo's message is recorded, its removal too; the bot's own acknowledgement and reactions on files are not.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createSlackBot } from "../../../src/bots/slack/slack-bot.ts";
import { signSlackRequest } from "../../../src/bots/slack/verify.ts";
import { type SlackStandIn, startSlackStandIn } from "../../stand-ins/slack-api.ts";
import { createFakeDeps } from "../fake-deps.ts";

const SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const TOKEN = "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy";
const fixture = (name: string) =>
  readFileSync(new URL(`../../fixtures/slack/${name}`, import.meta.url), "utf8");

let slack: SlackStandIn;
beforeAll(async () => {
  slack = await startSlackStandIn({ botToken: TOKEN, botUserId: "UBOT" });
});
afterAll(() => slack.close());

function post(bot: ReturnType<typeof createSlackBot>, body: string) {
  const ts = Math.floor(Date.now() / 1000);
  return bot.router.request("/events", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-slack-request-timestamp": String(ts),
      "x-slack-signature": signSlackRequest(SECRET, ts, body),
    },
    body,
  });
}

it("records a person's reaction on a photo message and its removal; ignores the bot's own and reactions on files", async () => {
  const deps = createFakeDeps();
  const bot = createSlackBot(
    { ...deps, publicUrl: "http://localhost:3000" },
    { signingSecret: SECRET, botToken: TOKEN, apiUrl: slack.apiUrl },
  );
  for (const name of [
    "reaction-added.json",
    "reaction-added-by-bot.json",
    "reaction-added-to-file.json",
    "reaction-removed.json",
  ])
    expect((await post(bot, fixture(name))).status, name).toBe(200);

  const message = {
    platform: "slack",
    workspaceId: "T0001",
    channelId: "C0001",
    messageId: "1700000001.000200",
  };
  expect(deps.reactions).toEqual([
    { kind: "added", message, reactorId: "U0002", emoji: "heart_eyes" },
    { kind: "removed", message, reactorId: "U0002", emoji: "heart_eyes" },
  ]);
  // A retried delivery (same event_id) is not counted twice.
  expect((await post(bot, fixture("reaction-added.json"))).status).toBe(200);
  expect(deps.reactions).toHaveLength(2);
});
