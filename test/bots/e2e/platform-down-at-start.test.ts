/**
 * Telegram's API unreachable when the service starts (a server that takes the connection and never answers, as a
 * blackholed network does): the service still becomes ready, and Slack serves meanwhile.
 */
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { signSlackRequest } from "../../../src/bots/slack/verify.ts";
import { type SlackStandIn, startSlackStandIn } from "../../stand-ins/slack-api.ts";
import { type BotService, eventually, startBotService } from "./bot-service.ts";

const SLACK_TOKEN = "xoxb-1111111111-2222222222-startdownTokenValue";
const SLACK_SECRET = "start-down-signing-secret";
let hanging: Server;
const held: Socket[] = [];
let slack: SlackStandIn;
let bots: BotService;
let started = 0;

beforeAll(async () => {
  hanging = createServer((socket) => held.push(socket));
  await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
  const port = (hanging.address() as { port: number }).port;
  slack = await startSlackStandIn({ botToken: SLACK_TOKEN });
  const t0 = performance.now();
  bots = await startBotService({
    TELEGRAM_BOT_TOKEN: "7000000001:AAE2eTelegramTokenValue_0123456789ab",
    TELEGRAM_WEBHOOK_SECRET: "start-down-secret",
    TELEGRAM_API_ROOT: `http://127.0.0.1:${port}`,
    PUBLIC_URL: "https://photomemory.example",
    SLACK_SIGNING_SECRET: SLACK_SECRET,
    SLACK_BOT_TOKEN: SLACK_TOKEN,
    SLACK_API_URL: slack.apiUrl,
  });
  started = performance.now() - t0;
});
afterAll(async () => {
  await bots?.stop();
  for (const socket of held) socket.destroy();
  await new Promise<void>((resolve) => hanging?.close(() => resolve()));
  await slack?.close();
});

it("becomes ready and serves Slack while Telegram's API hangs", async () => {
  await eventually(() => held.length > 0, "Telegram's start to reach the hanging API", 20_000);
  expect(started).toBeLessThan(60_000);
  expect((await bots.service.app.request("/readyz")).status).toBe(200);

  const body = JSON.stringify({
    token: "Jhj5dZrVaK7ZwHHjRyZWjbDl",
    challenge: "c-123",
    type: "url_verification",
  });
  const ts = Math.floor(Date.now() / 1000);
  const res = await bots.service.app.request("/slack/events", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-slack-request-timestamp": String(ts),
      "x-slack-signature": signSlackRequest(SLACK_SECRET, ts, body),
    },
    body,
  });
  expect(res.status).toBe(200);
  expect(await res.text()).toContain("c-123");
  expect((await bots.service.app.request("/healthz")).status).toBe(200);
});
