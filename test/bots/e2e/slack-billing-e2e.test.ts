/**
 * Slack end to end with Stripe configured: a premium style is locked with an upgrade card (a Payment Link button
 * carrying the upgrade token), Stripe's signed checkout event makes the workspace premium and the channel is told,
 * then the same style renders; `/memory billing` answers with a Customer Portal link only the asker sees.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { signSlackRequest } from "../../../src/bots/slack/verify.ts";
import { noisyJpeg } from "../../fixtures/generate-photos.ts";
import { type SlackStandIn, startSlackStandIn } from "../../stand-ins/slack-api.ts";
import {
  checkoutSessionObject,
  eventOf,
  type StripeStandIn,
  signatureFor,
  startStripeStandIn,
  subscriptionObject,
  TEST_SECRET_KEY,
  TEST_WEBHOOK_SECRET,
} from "../../stand-ins/stripe-api.ts";
import { type BotService, eventually, startBotService } from "./bot-service.ts";

const SECRET = "e2e0signing0secret0b111";
const TOKEN = "xoxb-900000000001-900000000002-E2eSlackBillingToken";
const LINK = "https://buy.stripe.com/test_premium";
let slack: SlackStandIn;
let stripe: StripeStandIn;
let bots: BotService;

beforeAll(async () => {
  slack = await startSlackStandIn({ botToken: TOKEN });
  stripe = await startStripeStandIn();
  for (const [id, seed] of [
    ["F0501", 51],
    ["F0502", 52],
  ] as const) {
    slack.files.set(id, {
      name: `IMG_${id}.jpg`,
      mimetype: "image/jpeg",
      size: 1,
      channel: "C0005",
      bytes: await noisyJpeg(800, 600, seed),
    });
  }
  bots = await startBotService({
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_BOT_TOKEN: TOKEN,
    SLACK_API_URL: slack.apiUrl,
    STRIPE_SECRET_KEY: TEST_SECRET_KEY,
    STRIPE_WEBHOOK_SECRET: TEST_WEBHOOK_SECRET,
    STRIPE_PAYMENT_LINK_URL: LINK,
    STRIPE_API_BASE: stripe.url,
  });
}, 120_000);
afterAll(async () => {
  await bots?.stop();
  await slack?.close();
  await stripe?.close();
});

function post(body: string, type = "application/json") {
  const ts = Math.floor(Date.now() / 1000);
  return bots.service.app.request("/slack/events", {
    method: "POST",
    headers: {
      "content-type": type,
      "x-slack-request-timestamp": String(ts),
      "x-slack-signature": signSlackRequest(SECRET, ts, body),
    },
    body,
  });
}

async function deliverEvent(body: string): Promise<Response> {
  let res = await post(body);
  for (let retry = 1; res.status === 503 && retry <= 3; retry++) {
    await new Promise((r) => setTimeout(r, 2000));
    res = await post(body);
  }
  return res;
}

const slash = (text: string, n: number) =>
  readFileSync(new URL("../../fixtures/slack/slash-command-memory.txt", import.meta.url), "utf8")
    .replace("channel_id=C0001", "channel_id=C0005")
    .replace("text=cinematic+Lisbon+2026", `text=${encodeURIComponent(text).replace(/%20/g, "+")}`)
    .replace("__RESPONSE_URL__", encodeURIComponent(`${slack.server.url}/respond/5${n}`))
    // Each command is its own delivery (Slack gives each a new trigger_id).
    .replace(/trigger_id=[^&]+/, `trigger_id=13345224609.738474920.50${n}`);

const inC5 = (method: string) => slack.callsTo(method).filter((c) => c.params.channel === "C0005");

it("Slack: locked style → upgrade card → Stripe payment → premium → the style renders", async () => {
  const event = JSON.parse(
    readFileSync(new URL("../../fixtures/slack/message-file-share.json", import.meta.url), "utf8"),
  );
  event.event_id = "Ev0500";
  event.event.channel = "C0005";
  event.event.ts = "1700000500.000100";
  delete event.event.thread_ts;
  delete event.event.parent_user_id;
  event.event.files = ["F0501", "F0502"].map((id) => ({
    ...event.event.files[0],
    id,
    name: `IMG_${id}.jpg`,
  }));
  expect((await deliverEvent(JSON.stringify(event))).status).toBe(200);
  await eventually(
    () => slack.callsTo("reactions.add").find((c) => c.params.timestamp === "1700000500.000100"),
    "the photo reaction",
  );

  expect((await post(slash("cinematic Lisbon", 1), "application/x-www-form-urlencoded")).status).toBe(200);
  const card = await eventually(
    () =>
      inC5("chat.postMessage").find((c) => /cinematic style is a premium style/.test(String(c.params.text))),
    "the upgrade card",
  );
  const button = (
    JSON.parse(String(card.params.blocks)) as {
      type: string;
      elements?: { url?: string; text: { text: string } }[];
    }[]
  ).find((b) => b.type === "actions")?.elements?.[0];
  expect(button?.url?.startsWith(`${LINK}?client_reference_id=`)).toBe(true);
  const token = new URL(button?.url ?? "").searchParams.get("client_reference_id") ?? "";
  expect(token).toMatch(/^[A-Za-z0-9_-]{16,200}$/);
  expect(slack.callsTo("files.completeUploadExternal")).toHaveLength(0);

  // The person pays on Stripe; Stripe sends the signed checkout event.
  const subscription = subscriptionObject({
    customer: "cus_slack",
    status: "active",
    periodEnd: new Date(Date.now() + 30 * 86_400_000),
  });
  stripe.subscriptions.set(subscription.id, subscription);
  const paid = eventOf(
    "checkout.session.completed",
    checkoutSessionObject({ clientReferenceId: token, customer: "cus_slack", subscription: subscription.id }),
  );
  const forged = await bots.service.app.request("/stripe/webhook", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "stripe-signature": signatureFor(paid, { secret: "whsec_wrong" }),
    },
    body: paid,
  });
  expect(forged.status).toBe(400);
  const res = await bots.service.app.request("/stripe/webhook", {
    method: "POST",
    headers: { "content-type": "application/json", "stripe-signature": signatureFor(paid) },
    body: paid,
  });
  expect(res.status).toBe(200);
  await eventually(
    () =>
      inC5("chat.postMessage").find((c) =>
        /Premium is on for everyone in this workspace/.test(String(c.params.text)),
      ),
    "the premium notice in the channel",
  );

  expect((await post(slash("cinematic Lisbon", 2), "application/x-www-form-urlencoded")).status).toBe(200);
  const done = await eventually(
    () => slack.callsTo("files.completeUploadExternal").find((c) => c.params.channel_id === "C0005"),
    "the cinematic video",
    240_000,
  );
  expect(String(done.params.files)).toContain("Lisbon");
  const started = inC5("chat.postMessage").find((c) => /in the cinematic style/.test(String(c.params.text)));
  expect(started).toBeDefined();
  expect(slack.uploads.length).toBeGreaterThan(0);

  // /memory billing: a Customer Portal link, shown to the asker only.
  expect((await post(slash("billing", 3), "application/x-www-form-urlencoded")).status).toBe(200);
  const portal = await eventually(() => inC5("chat.postEphemeral")[0], "the billing link");
  expect(portal.params.user).toBe("U0001");
  expect(String(portal.params.blocks)).toContain("https://billing.stripe.com/p/session/");
  expect(
    inC5("chat.postMessage").some((c) => String(c.params.blocks ?? "").includes("billing.stripe.com")),
  ).toBe(false);
  expect(stripe.portalSessions.at(-1)?.customer).toBe("cus_slack");
  expect(bots.logs()).not.toContain(TEST_SECRET_KEY);
  expect(bots.logs()).not.toContain(TEST_WEBHOOK_SECRET);
  expect(bots.logs()).not.toMatch(/billing\.stripe\.com\/p\/session\/test_/);
}, 300_000);
