/**
 * The edge Worker under workerd (Miniflare 4 from npm, the runtime `wrangler dev` uses), bundled by esbuild as wrangler
 * bundles it, with a real Queue between its `fetch` and `queue` handlers. The origin is the service's HTTP app
 * (createApp with its edge check) whose platforms record what they are handed. Proves the WebCrypto checks (HMAC,
 * Ed25519) and the queue path run on Cloudflare's runtime, not only on Node.
 */
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { build } from "esbuild";
import { Hono } from "hono";
import { Miniflare } from "miniflare";
import pino from "pino";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { EdgeDelivery } from "../../src/bots/common/edge-delivery.ts";
import { createApp } from "../../src/http/app.ts";
import { eventually } from "../bots/e2e/bot-service.ts";
import {
  discordPublicKeyHex,
  discordRequest,
  fixture,
  SECRETS,
  slackRequest,
  stripeRequest,
  stripeSignature,
  telegramRequest,
} from "./edge-kit.ts";

const wranglerToml = readFileSync(new URL("../../edge/wrangler.toml", import.meta.url), "utf8");
const setting = (name: string) => new RegExp(`^${name} = "?([^"\\n]+)"?$`, "m").exec(wranglerToml)?.[1] ?? "";

interface Received {
  platform: string;
  body: string;
  edge?: EdgeDelivery;
}
const received: Received[] = [];
let origin: ReturnType<typeof serve>;
let mf: Miniflare;

beforeAll(async () => {
  const platform = (name: string) => ({
    name,
    handle: async (request: Request, edge?: EdgeDelivery) => {
      received.push({ platform: name, body: await request.text(), ...(edge ? { edge } : {}) });
      return new Response(null, { status: 200 });
    },
  });
  // Stands for the Stripe route the billing work adds to the main app: it sees the edge mark as a context variable.
  const stripe = new Hono().post("/stripe/webhook", async (c) => {
    const forwarded = c.get("edgeForwarded");
    received.push({
      platform: "stripe",
      body: await c.req.text(),
      ...(forwarded ? { edge: forwarded.delivery } : {}),
    });
    return c.json({ received: true });
  });
  const app = createApp({
    logger: pino({ level: "silent" }),
    checkDatabase: async () => undefined,
    platforms: ["slack", "discord", "telegram"].map(platform),
    routers: [{ path: "/", app: stripe }],
    edgeSharedSecret: SECRETS.edge,
  });
  origin = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise((resolve) => origin.once("listening", resolve));
  const { port } = origin.address() as AddressInfo;

  const bundle = await build({
    entryPoints: [new URL("../../edge/src/index.ts", import.meta.url).pathname],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    write: false,
  });
  const queueName = /\[\[queues\.producers\]\]\nqueue = "([^"]+)"/.exec(wranglerToml)?.[1] ?? "";
  mf = new Miniflare({
    modules: true,
    script: bundle.outputFiles[0]?.text ?? "",
    compatibilityDate: setting("compatibility_date"),
    bindings: {
      ORIGIN_URL: `http://127.0.0.1:${port}`,
      EDGE_SHARED_SECRET: SECRETS.edge,
      SLACK_SIGNING_SECRET: SECRETS.slack,
      DISCORD_PUBLIC_KEY: discordPublicKeyHex,
      TELEGRAM_WEBHOOK_SECRET: SECRETS.telegram,
      STRIPE_WEBHOOK_SECRET: SECRETS.stripe,
    },
    queueProducers: { INGRESS_QUEUE: queueName },
    queueConsumers: {
      [queueName]: {
        maxBatchSize: Number(setting("max_batch_size")),
        maxBatchTimeout: Number(setting("max_batch_timeout")),
        maxRetries: Number(setting("max_retries")),
        deadLetterQueue: setting("dead_letter_queue"),
      },
    },
  });
  await mf.ready;
});
afterAll(async () => {
  await mf?.dispose();
  await new Promise((resolve) => origin?.close(resolve));
});

/** Sends a request built for the Worker through workerd (its URL, method, headers and body). */
async function send(request: Request) {
  const body = await request.text();
  const res = await mf.dispatchFetch(request.url, {
    method: request.method,
    headers: Object.fromEntries(request.headers),
    body,
  });
  return { status: res.status, text: await res.text() };
}

it("under workerd: forged webhooks are refused, valid ones answered in time and delivered to the origin once, byte for byte", async () => {
  const update = fixture("telegram/memory-command.json");
  const slackEvent = fixture("slack/message-file-share.json");
  const command = fixture("discord/memory-command.json");
  const stripeEvent = fixture("stripe/checkout-session-completed.json");

  expect((await send(telegramRequest(update, "forged"))).status).toBe(401);
  expect((await send(slackRequest(slackEvent, { secret: "forged" }))).status).toBe(401);
  expect((await send(discordRequest(command, { signedBody: `${command} ` }))).status).toBe(401);
  const stale = stripeSignature(stripeEvent, { timestamp: Math.floor(Date.now() / 1000) - 301 });
  expect((await send(stripeRequest(stripeEvent, stale))).status).toBe(400);

  expect(await send(discordRequest(fixture("discord/ping.json")))).toEqual({
    status: 200,
    text: '{"type":1}',
  });
  expect(await send(discordRequest(command))).toEqual({ status: 200, text: '{"type":5}' });
  expect(await send(telegramRequest(update))).toEqual({ status: 200, text: "" });
  expect(await send(slackRequest(slackEvent))).toEqual({ status: 200, text: "" });
  expect((await send(stripeRequest(stripeEvent, stripeSignature(stripeEvent)))).status).toBe(200);

  await eventually(() => received.length >= 4, "four forwarded webhooks", 20_000);
  await new Promise((r) => setTimeout(r, 1500));
  const byPlatform = Object.fromEntries(received.map((r) => [r.platform, r]));
  expect(received.map((r) => r.platform).sort()).toEqual(["discord", "slack", "stripe", "telegram"]);
  expect(byPlatform.telegram?.body).toBe(update);
  expect(byPlatform.slack?.body).toBe(slackEvent);
  expect(byPlatform.discord?.body).toBe(command);
  expect(byPlatform.stripe?.body).toBe(stripeEvent);
  for (const r of received) expect(Math.abs((r.edge?.receivedAt ?? 0) - Date.now())).toBeLessThan(60_000);
});
