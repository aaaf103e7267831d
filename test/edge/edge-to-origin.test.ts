/**
 * The edge Worker in front of the running service (PGlite, the three platforms' stand-ins): webhooks go through the
 * Worker's `fetch` into a fake Queue binding, and its `queue` consumer forwards them to the service over HTTP. A forged
 * webhook stops at the Worker; a valid one reaches the service once, also when the queue delivers it twice; the
 * service fills Discord's deferred reply by editing it (the Worker gave the initial response); a Slack timestamp that
 * went stale while queued does not matter, a stale or wrong edge signature does; direct webhooks still work.
 */
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import type { EdgeEnv, QueuedWebhook } from "../../edge/src/env.ts";
import worker from "../../edge/src/index.ts";
import { signSlackRequest } from "../../src/bots/slack/verify.ts";
import { EDGE_HEADERS, signEdgeRequest } from "../../src/http/edge-signature.ts";
import { type BotService, eventually, startBotService } from "../bots/e2e/bot-service.ts";
import { type DiscordStandIn, startDiscordStandIn } from "../stand-ins/discord-api.ts";
import { type SlackStandIn, startSlackStandIn } from "../stand-ins/slack-api.ts";
import { startTelegramStandIn, type TelegramStandIn } from "../stand-ins/telegram-api.ts";
import {
  batchOf,
  discordPublicKeyHex,
  discordRequest,
  edgeEnv,
  type FakeQueue,
  fakeQueue,
  fixture,
  SECRETS,
  slackRequest,
  telegramRequest,
} from "./edge-kit.ts";

const TELEGRAM_TOKEN = "7000000002:AAE2eEdgeTelegramTokenValue_0123456789";
const SLACK_TOKEN = "xoxb-900000000001-900000000002-EdgeSlackTokenValue";
const DISCORD_APP = "1100000000000000001";
let tg: TelegramStandIn;
let slack: SlackStandIn;
let discord: DiscordStandIn;
let bots: BotService;
let queue: FakeQueue;
let env: EdgeEnv;

beforeAll(async () => {
  vi.spyOn(console, "log").mockImplementation(() => undefined);
  vi.spyOn(console, "warn").mockImplementation(() => undefined);
  [tg, slack, discord] = await Promise.all([
    startTelegramStandIn(TELEGRAM_TOKEN),
    startSlackStandIn({ botToken: SLACK_TOKEN }),
    startDiscordStandIn(),
  ]);
  bots = await startBotService({
    EDGE_SHARED_SECRET: SECRETS.edge,
    PUBLIC_URL: "https://photomemory.example",
    TELEGRAM_BOT_TOKEN: TELEGRAM_TOKEN,
    TELEGRAM_WEBHOOK_SECRET: SECRETS.telegram,
    TELEGRAM_WEBHOOK_URL: "https://edge.example/telegram/webhook",
    TELEGRAM_API_ROOT: tg.apiRoot,
    SLACK_SIGNING_SECRET: SECRETS.slack,
    SLACK_BOT_TOKEN: SLACK_TOKEN,
    SLACK_API_URL: slack.apiUrl,
    DISCORD_APPLICATION_ID: DISCORD_APP,
    DISCORD_TOKEN: "MTEwMDAwMDAwMDAwMDAwMDAwMQ.EdgeDs.DiscordEdgeBotTokenValue_0123",
    DISCORD_PUBLIC_KEY: discordPublicKeyHex,
    DISCORD_API_URL: discord.apiUrl,
  });
  queue = fakeQueue();
  env = edgeEnv(queue, bots.service.url);
  // The service starts in a few seconds on an idle machine; a loaded one (a full test run) takes far longer.
}, 180_000);
afterAll(async () => {
  vi.restoreAllMocks();
  await bots?.stop();
  await Promise.all([tg?.close(), slack?.close(), discord?.close()]);
});

/** Runs the Worker's consumer over what was queued since `from`, as delivery number `attempts`. */
async function consume(from: number, attempts = 1) {
  const batch = batchOf(queue.sent.slice(from), attempts);
  await worker.queue(batch, env);
  return batch.messages.map((m) => m.outcome);
}

const settle = () => new Promise((r) => setTimeout(r, 1000));

it("Telegram: a forged update stops at the Worker; a valid one reaches the service once, also when redelivered", async () => {
  await eventually(() => tg.callsTo("setWebhook")[0], "setWebhook", 20_000);
  expect(tg.callsTo("setWebhook")[0]?.params.url).toBe("https://edge.example/telegram/webhook");

  const update = fixture("telegram/memory-command.json").replace(
    "/memory vintage Summer in Lisbon",
    "/memory help",
  );
  const from = queue.sent.length;
  expect((await worker.fetch(telegramRequest(update, "forged-secret"), env)).status).toBe(401);
  expect(queue.sent).toHaveLength(from);

  expect((await worker.fetch(telegramRequest(update), env)).status).toBe(200);
  expect(queue.sent).toHaveLength(from + 1);
  expect(await consume(from)).toEqual([{ acked: true }]);
  const helps = () => tg.callsTo("sendMessage").filter((c) => /\/memory/.test(String(c.params.text)));
  await eventually(() => helps()[0], "the help reply", 20_000);

  // The queue delivers at least once: the same message again is acked and does nothing.
  expect(await consume(from, 2)).toEqual([{ acked: true }]);
  await settle();
  expect(helps()).toHaveLength(1);
  expect(bots.logs()).toContain("duplicate telegram update skipped");
});

it("Discord: the Worker defers /memory; the service fills that reply by editing it, once, with no second initial response", async () => {
  const interaction = JSON.parse(fixture("discord/memory-command.json"));
  interaction.id = "1200000000000000901";
  interaction.token = "aW50ZXJhY3Rpb246ZWRnZS1kaXNjb3JkLW9uZQ";
  interaction.data.options = [{ name: "do", type: 3, value: "help" }];
  delete interaction.data.resolved;
  const body = JSON.stringify(interaction);
  const from = queue.sent.length;
  const forged = discordRequest(body, { signedBody: body.replace("help", "make") });
  expect((await worker.fetch(forged, env)).status).toBe(401);
  expect(await (await worker.fetch(discordRequest(body), env)).json()).toEqual({ type: 5 });
  expect(queue.sent).toHaveLength(from + 1);

  expect(await consume(from)).toEqual([{ acked: true }]);
  const edits = () =>
    discord.find("PATCH", new RegExp(`^/webhooks/${DISCORD_APP}/${interaction.token}/messages/@original$`));
  await eventually(() => edits()[0], "the deferred reply's edit", 20_000);
  expect(String(edits()[0]?.body.content)).toMatch(/\/memory/);

  expect(await consume(from, 2)).toEqual([{ acked: true }]);
  await settle();
  expect(edits()).toHaveLength(1);
  expect(discord.find("POST", /^\/interactions\//)).toHaveLength(0);
});

it("Slack: a slash command reaches the service once; an event whose Slack timestamp went stale in the queue is still taken", async () => {
  const command = fixture("slack/slash-command-memory.txt")
    .replace("text=cinematic+Lisbon+2026", "text=help")
    .replace("__RESPONSE_URL__", encodeURIComponent(`${slack.apiUrl}respond/1`));
  const from = queue.sent.length;
  const res = await worker.fetch(
    slackRequest(command, { contentType: "application/x-www-form-urlencoded" }),
    env,
  );
  expect(res.status).toBe(200);
  expect(await res.text()).toBe("");
  expect(await consume(from)).toEqual([{ acked: true }]);
  const helps = () =>
    slack
      .callsTo("chat.postMessage")
      .filter((c) => c.params.channel === "C0001" && /\/memory/.test(String(c.params.text)));
  await eventually(() => helps()[0], "the help reply", 20_000);
  expect(await consume(from, 2)).toEqual([{ acked: true }]);
  await settle();
  expect(helps()).toHaveLength(1);

  // Queued ten minutes ago, when its Slack signature was fresh; Slack's own window has passed since.
  const event = JSON.parse(fixture("slack/app-mention-thread-reply.json"));
  event.event_id = "Ev0EDGE0STALE";
  event.event.text = "<@UBOT> memory help";
  event.event.channel = "C0EDGE";
  delete event.event.thread_ts;
  const body = JSON.stringify(event);
  const queuedAt = Math.floor(Date.now() / 1000) - 600;
  const stale: QueuedWebhook = {
    v: 1,
    platform: "slack",
    method: "POST",
    path: "/slack/events",
    headers: {
      "content-type": "application/json",
      "x-slack-request-timestamp": String(queuedAt),
      "x-slack-signature": signSlackRequest(SECRETS.slack, queuedAt, body),
    },
    body,
    receivedAt: queuedAt * 1000,
    deliveryId: "Ev0EDGE0STALE",
  };
  const direct = await fetch(`${bots.service.url}/slack/events`, {
    method: "POST",
    headers: stale.headers,
    body,
  });
  expect(direct.status).toBe(401);
  const batch = batchOf([stale], 3);
  await worker.queue(batch, env);
  expect(batch.messages[0]?.outcome).toEqual({ acked: true });
  await eventually(
    () => slack.callsTo("chat.postMessage").find((c) => c.params.channel === "C0EDGE"),
    "the mention's help reply",
    20_000,
  );
});

it("the service refuses a forwarded request with a stale or wrong edge signature, and still takes direct webhooks", async () => {
  const update = fixture("telegram/photo.json").replace("804620001", "804620901");
  const body = new TextEncoder().encode(update);
  const forward = async (secret: string, timestamp: number) => {
    const headers = {
      "content-type": "application/json",
      [EDGE_HEADERS.timestamp]: String(timestamp),
      [EDGE_HEADERS.receivedAt]: String(Date.now()),
      [EDGE_HEADERS.signature]: await signEdgeRequest(secret, {
        timestamp,
        receivedAt: Number(Date.now()),
        method: "POST",
        path: "/telegram/webhook",
        contentType: "application/json",
        body,
      }),
    };
    return fetch(`${bots.service.url}/telegram/webhook`, { method: "POST", headers, body });
  };
  const now = Math.floor(Date.now() / 1000);
  expect((await forward(SECRETS.edge, now - 301)).status).toBe(401);
  expect((await forward("a-different-secret-of-32-chars-00", now)).status).toBe(401);
  expect(bots.logs()).toContain("edge-forwarded request refused");
  // Nothing above reached the Telegram handler; the direct webhook (Telegram's own secret header) still does.
  const direct = await fetch(`${bots.service.url}/telegram/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": SECRETS.telegram },
    body: update,
  });
  expect(direct.status).toBe(200);
  expect(bots.logs()).not.toContain(SECRETS.edge);
});
