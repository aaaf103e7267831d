import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { SLACK_BOT_SCOPES } from "../../../src/bots/slack/oauth.ts";

const manifest = readFileSync(new URL("../../../src/bots/slack/slack-manifest.yml", import.meta.url), "utf8");

it("the Slack manifest asks for the scopes the OAuth flow requests, the command and the events the bot handles", () => {
  for (const scope of SLACK_BOT_SCOPES) expect(manifest).toMatch(new RegExp(`^\\s+- ${scope}$`, "m"));
  expect(manifest).toMatch(/- command: \/memory/);
  for (const event of [
    "app_mention",
    "file_shared",
    "message.channels",
    "reaction_added",
    "reaction_removed",
  ])
    expect(manifest).toContain(`- ${event}`);
  // Events, commands and interactivity all go to the one verified endpoint.
  expect(manifest.match(/\/slack\/events/g)).toHaveLength(3);
});

it("the Slack manifest turns the Messages tab on and writable, so people can DM the bot (it subscribes to message.im)", () => {
  expect(manifest).toContain("- message.im");
  const appHome = /^ {2}app_home:\n((?: {4}.+\n)+)/m.exec(manifest)?.[1] ?? "";
  expect(appHome).toMatch(/^ {4}messages_tab_enabled: true$/m);
  expect(appHome).toMatch(/^ {4}messages_tab_read_only_enabled: false$/m);
});
