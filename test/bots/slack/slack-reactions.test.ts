/**
 * Slack reactions as Slack sends them (Events API `reaction_added` / `reaction_removed`, signed): a person's reaction
 * on a photo's message is recorded, its removal too; the bot's own acknowledgement and reactions on files are not.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { type SlackStandIn, startSlackStandIn } from "../../stand-ins/slack-api.ts";
import { createFakeDeps } from "../fake-deps.ts";
import { SLACK_TOKEN, signedSlackPost, slackBotOn, slackFixture } from "./contract-kit.ts";

const fixture = slackFixture;

let slack: SlackStandIn;
beforeAll(async () => {
  slack = await startSlackStandIn({ botToken: SLACK_TOKEN, botUserId: "UBOT" });
});
afterAll(() => slack.close());

const post = (bot: ReturnType<typeof slackBotOn>, body: string) =>
  bot.router.request("/events", signedSlackPost(body));

it("records a person's reaction on a photo message and its removal; ignores the bot's own and reactions on files", async () => {
  const deps = createFakeDeps();
  const bot = slackBotOn(slack, deps);
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
