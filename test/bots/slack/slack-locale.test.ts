/**
 * Slack sends no locale with a command, so the bot reads the asker's with `users.info` (`include_locale`), keeps it,
 * and goes on without it when the app lacks `users:read` (logged once). With the real memory use cases, the memory is
 * written in that locale unless the conversation chose one with `/memory lang`.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { botDepsFrom } from "../../../src/bots/common/platform-bots.ts";
import { createHarness, type Harness } from "../../memories/harness.ts";
import { type SlackStandIn, startSlackStandIn } from "../../stand-ins/slack-api.ts";
import { createFakeDeps, type FakeDeps, waitFor } from "../fake-deps.ts";
import { SLACK_TOKEN, signedSlackPost, slackBotOn, slackFixture } from "./contract-kit.ts";

const fixture = slackFixture;

let slack: SlackStandIn;
beforeAll(async () => {
  slack = await startSlackStandIn({ botToken: SLACK_TOKEN });
});
afterAll(() => slack.close());
beforeEach(() => {
  slack.users.clear();
  slack.scopes.add("users:read");
  slack.calls.length = 0;
});

const botOn = (deps: FakeDeps | ReturnType<typeof botDepsFrom>) => slackBotOn(slack, deps);

const post = (bot: ReturnType<typeof slackBotOn>, body: string, type = "application/json") =>
  bot.router.request("/events", signedSlackPost(body, { type }));

/** `/memory <text>` typed by U0001 in C0001, as Slack posts it, with its own trigger id. */
function slash(text: string): string {
  return fixture("slash-command-memory.txt")
    .replace("__RESPONSE_URL__", encodeURIComponent(`${slack.server.url}/respond/1`))
    .replace("text=cinematic+Lisbon+2026", `text=${encodeURIComponent(text)}`)
    .replace(/trigger_id=[^&]+/, `trigger_id=${randomBytes(8).toString("hex")}`);
}

it("asks users.info with include_locale once per person and passes the locale with the command and a mention", async () => {
  slack.users.set("U0001", { name: "ana", locale: "ja-JP" });
  slack.users.set("U0002", { name: "bruno", locale: "pt-BR" });
  const deps = createFakeDeps();
  const bot = botOn(deps);
  for (const text of ["classic", "modern"]) {
    expect((await post(bot, slash(text), "application/x-www-form-urlencoded")).status).toBe(200);
  }
  await waitFor(() => deps.commands.length === 2, "the commands");
  expect(deps.commands.map((c) => c.locale)).toEqual(["ja-JP", "ja-JP"]);
  expect(slack.callsTo("users.info").map((c) => c.params)).toEqual([
    { user: "U0001", include_locale: "true" },
  ]);

  expect((await post(bot, fixture("app-mention-thread-reply.json"))).status).toBe(200);
  await waitFor(() => deps.commands.length === 3, "the mention");
  expect(deps.commands[2]).toMatchObject({ userId: "U0002", locale: "pt-BR" });
});

it("goes on without a locale when the app lacks users:read, and says so in the log once", async () => {
  slack.users.set("U0001", { name: "ana", locale: "ja-JP" });
  slack.scopes.delete("users:read");
  const deps = createFakeDeps();
  const bot = botOn(deps);
  for (const text of ["classic", "modern", "vintage"]) {
    expect((await post(bot, slash(text), "application/x-www-form-urlencoded")).status).toBe(200);
  }
  await waitFor(() => deps.commands.length === 3, "the commands");
  expect(deps.commands.every((c) => c.locale === undefined)).toBe(true);
  // Asked once: the workspace is not asked again for a while.
  expect(slack.callsTo("users.info")).toHaveLength(1);
  expect(deps.logs().match(/lacks the users:read scope/g)).toHaveLength(1);
  // Nothing was said to the user about it.
  expect(slack.callsTo("response_url")).toHaveLength(0);
});

let h: Harness;
// A PGlite boot and its migrations take seconds, and far longer on a busy machine.
beforeAll(async () => {
  h = await createHarness();
}, 180_000);
afterAll(() => h?.close());

it("writes the memory in the asker's Slack language; a /memory lang choice wins over it", async () => {
  slack.users.set("U0001", { name: "ana", locale: "ja-JP" });
  const bot = botOn(botDepsFrom(h.deps));
  h.deps.chats.slack = bot.adapter;
  const conversation = await h.deps.store.upsertConversation({
    platform: "slack",
    workspaceId: "T0001",
    channelId: "C0001",
  });
  await h.deps.store.addPhoto({
    conversationId: conversation.id,
    blobKey: `${conversation.id}/photos/1.jpg`,
    sha256: randomBytes(32).toString("hex"),
    width: 1600,
    height: 1200,
  });
  const requested = () => h.events.filter((e) => e.name === "memory/requested");
  const ask = async (text: string, count: number) => {
    expect((await post(bot, slash(text), "application/x-www-form-urlencoded")).status).toBe(200);
    await waitFor(() => requested().length === count, `memory ${count}`);
    const last = requested().at(-1);
    if (last?.name !== "memory/requested") throw new Error("no memory requested");
    // Not rendered here: cancelled, so the next request may start.
    await h.deps.store.transitionVideo(last.data.videoId, ["queued"], "cancelled");
    return last.data.locale;
  };
  expect(await ask("classic", 1)).toBe("ja-JP");
  expect((await post(bot, slash("lang fr"), "application/x-www-form-urlencoded")).status).toBe(200);
  await waitFor(() => [...slack.posted.values()].some((t) => t.includes("French")), "the language reply");
  expect(await ask("classic", 2)).toBe("fr");
});
