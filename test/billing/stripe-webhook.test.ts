/**
 * POST /stripe/webhook through the http app against a local Stripe API stand-in, on PGlite: a Payment Link checkout
 * with the upgrade card's token makes the holder premium and tells the thread; forged, stale or missing signatures
 * change nothing; an event delivered twice acts once; out-of-order subscription events end in Stripe's current state;
 * cancellation returns to free at the period's end; payments without a known reference are kept for reconciliation.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStripeClient, createStripeProvider } from "../../src/billing/stripe/stripe-provider.ts";
import { createStripeWebhook } from "../../src/billing/stripe/stripe-webhook.ts";
import { createPlaygroundChat } from "../../src/bots/playground/playground-bot.ts";
import {
  type Billing,
  createBilling,
  createBillingEntitlements,
  type Holder,
} from "../../src/core/billing/index.ts";
import type { ChatTarget } from "../../src/core/chat/chat-adapter.ts";
import { createSilentLogger } from "../../src/core/log.ts";
import type { Entitlements } from "../../src/core/memories/index.ts";
import { createSqlStore, type Db, migrate, type Store } from "../../src/core/store/index.ts";
import { createPgliteDb } from "../../src/core/store/pglite-db.ts";
import { createApp } from "../../src/http/app.ts";
import { EDGE_HEADERS, signEdgeRequest } from "../../src/http/edge-signature.ts";
import { createMemoryBlobStore } from "../memories/harness.ts";
import {
  checkoutSessionObject,
  eventOf,
  invoiceObject,
  type StripeStandIn,
  signatureFor,
  startStripeStandIn,
  subscriptionObject,
  TEST_SECRET_KEY,
  TEST_WEBHOOK_SECRET,
} from "../stand-ins/stripe-api.ts";

const LINK = "https://buy.stripe.com/test_premium";
const EDGE_SECRET = randomBytes(32).toString("hex");
let db: Db;
let store: Store;
let api: StripeStandIn;
let billing: Billing;
let entitlements: Entitlements;
let chat: ReturnType<typeof createPlaygroundChat>;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  db = await createPgliteDb();
  await migrate(db);
  store = createSqlStore(db);
  api = await startStripeStandIn();
  chat = createPlaygroundChat({ db, blobs: createMemoryBlobStore() });
  const stripe = createStripeClient({ secretKey: TEST_SECRET_KEY, apiBase: api.url });
  const logger = createSilentLogger();
  billing = createBilling({
    db,
    store,
    chats: { playground: chat.adapter },
    logger,
    providers: [createStripeProvider({ stripe, paymentLinkUrl: LINK, returnUrl: "https://pm.example" })],
  });
  entitlements = createBillingEntitlements(billing);
  app = createApp({
    logger,
    checkDatabase: async () => {},
    edgeSharedSecret: EDGE_SECRET,
    routers: [
      {
        path: "/",
        app: createStripeWebhook({ stripe, webhookSecret: TEST_WEBHOOK_SECRET, billing, logger }),
      },
    ],
  });
}, 120_000);
afterAll(async () => {
  await api?.close();
  await db?.close();
});

const post = (payload: string, signature: string | null = signatureFor(payload)) =>
  app.request("/stripe/webhook", {
    method: "POST",
    headers: { "content-type": "application/json", ...(signature ? { "stripe-signature": signature } : {}) },
    body: payload,
  });

interface Buyer {
  target: ChatTarget;
  accountId: string;
  holder: Holder;
  customer: string;
}

async function newBuyer(): Promise<Buyer> {
  const target: ChatTarget = { platform: "playground", channelId: `c-${randomBytes(8).toString("hex")}` };
  const account = await store.upsertAccount({
    platform: "playground",
    userId: `u-${randomBytes(4).toString("hex")}`,
  });
  const holder = await billing.holderOf({ target, accountId: account.id });
  return { target, accountId: account.id, holder, customer: `cus_${randomBytes(6).toString("hex")}` };
}

/** The upgrade card's link for this buyer, and the token in it. */
async function upgradeToken(buyer: Buyer): Promise<string> {
  const card = await entitlements.upgradeCard({
    accountId: buyer.accountId,
    platform: "playground",
    target: buyer.target,
  });
  const link = card.message.actions?.[0]?.value ?? "";
  expect(link.startsWith(`${LINK}?client_reference_id=`)).toBe(true);
  return new URL(link).searchParams.get("client_reference_id") ?? "";
}

const plan = async (buyer: Buyer) => (await billing.planOf(buyer.holder)).plan;
const botTexts = async (target: ChatTarget) =>
  (await chat.messages.list(target.channelId)).filter((m) => m.from === "bot").map((m) => m.text);
const periodEnd = () => new Date(Date.now() + 30 * 86_400_000);

/** Stripe's state after a Payment Link checkout, and the checkout event naming the token. */
async function buy(buyer: Buyer, token: string | null, status: "active" | "trialing" = "active") {
  const subscription = subscriptionObject({ customer: buyer.customer, status, periodEnd: periodEnd() });
  api.subscriptions.set(subscription.id, subscription);
  const payload = eventOf(
    "checkout.session.completed",
    checkoutSessionObject({
      clientReferenceId: token,
      customer: buyer.customer,
      subscription: subscription.id,
    }),
  );
  return { subscription, payload };
}

describe("POST /stripe/webhook", () => {
  it("turns premium on for the token's holder after the Payment Link checkout, and tells the thread", async () => {
    const buyer = await newBuyer();
    const token = await upgradeToken(buyer);
    expect(token).toMatch(/^[A-Za-z0-9_-]{16,200}$/);
    expect(await plan(buyer)).toBe("free");
    const { subscription, payload } = await buy(buyer, token);
    const res = await post(payload);
    expect(res.status).toBe(200);
    expect(await plan(buyer)).toBe("premium");
    const recorded = await billing.planOf(buyer.holder);
    expect(recorded.subscription).toMatchObject({
      provider: "stripe",
      externalSubscriptionId: subscription.id,
      externalCustomerId: buyer.customer,
      status: "active",
    });
    expect((await botTexts(buyer.target)).at(-1)).toMatch(/Premium is on for you/);
    expect(api.requests.some((r) => r.path === `/v1/subscriptions/${subscription.id}`)).toBe(true);
  });

  it("refuses a forged, stale or missing signature with 400 and changes nothing", async () => {
    const buyer = await newBuyer();
    const token = await upgradeToken(buyer);
    const { payload } = await buy(buyer, token);
    const forged = signatureFor(payload, { secret: `whsec_${randomBytes(24).toString("hex")}` });
    expect((await post(payload, forged)).status).toBe(400);
    const stale = signatureFor(payload, { at: new Date(Date.now() - 301_000) });
    expect((await post(payload, stale)).status).toBe(400);
    expect((await post(payload, null)).status).toBe(400);
    // The signature is over the raw bytes: the same JSON re-serialised does not pass.
    const reserialised = JSON.stringify(JSON.parse(payload));
    expect((await post(reserialised, signatureFor(payload))).status).toBe(400);
    expect(await plan(buyer)).toBe("free");
    expect(await botTexts(buyer.target)).toEqual([]);
    // The genuine delivery still works afterwards (nothing was recorded as seen).
    expect((await post(payload)).status).toBe(200);
    expect(await plan(buyer)).toBe("premium");
  });

  it("takes an event the edge Worker verified and forwarded, though its Stripe timestamp is past 300 s", async () => {
    const buyer = await newBuyer();
    const token = await upgradeToken(buyer);
    const { payload } = await buy(buyer, token);
    const queued = signatureFor(payload, { at: new Date(Date.now() - 600_000) });
    expect((await post(payload, queued)).status).toBe(400);
    const timestamp = Math.floor(Date.now() / 1000);
    const receivedAt = Date.now() - 600_000;
    const res = await app.request("/stripe/webhook", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "stripe-signature": queued,
        [EDGE_HEADERS.timestamp]: String(timestamp),
        [EDGE_HEADERS.receivedAt]: String(receivedAt),
        [EDGE_HEADERS.signature]: await signEdgeRequest(EDGE_SECRET, {
          timestamp,
          receivedAt,
          method: "POST",
          path: "/stripe/webhook",
          contentType: "application/json",
          body: new TextEncoder().encode(payload),
        }),
      },
      body: payload,
    });
    expect(res.status).toBe(200);
    expect(await plan(buyer)).toBe("premium");
  });

  it("acts once on the same event delivered twice (also at the same time)", async () => {
    const buyer = await newBuyer();
    const token = await upgradeToken(buyer);
    const { payload } = await buy(buyer, token);
    const [a, b] = await Promise.all([post(payload), post(payload)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect((await post(payload)).status).toBe(200);
    expect((await botTexts(buyer.target)).filter((t) => /Premium is on/.test(t))).toHaveLength(1);
    const [row] = await db.query<{ n: number }>(
      "select count(*)::int as n from public.billing_events where provider = 'stripe' and event_id = $1",
      [JSON.parse(payload).id],
    );
    expect(row?.n).toBe(1);
  });

  it("ends active when subscription.updated(active) arrives before created(incomplete)", async () => {
    const buyer = await newBuyer();
    const token = await upgradeToken(buyer);
    const { subscription, payload } = await buy(buyer, token);
    // Stripe's state is active; the events carry the states of their moments.
    const incomplete = { ...subscription, status: "incomplete" };
    const created = eventOf("customer.subscription.created", incomplete, {
      created: new Date(Date.now() - 5000),
    });
    const updated = eventOf("customer.subscription.updated", subscription, {
      created: new Date(Date.now() - 2000),
    });
    expect((await post(updated)).status).toBe(200); // before the checkout: nobody to give it to yet
    expect((await post(payload)).status).toBe(200);
    expect((await post(created)).status).toBe(200);
    expect(await plan(buyer)).toBe("premium");
    expect((await billing.planOf(buyer.holder)).subscription?.status).toBe("active");
  });

  it("keeps premium until the period ends after a cancellation; subscription.deleted after the end says so once", async () => {
    const buyer = await newBuyer();
    const token = await upgradeToken(buyer);
    // A period that ends in a moment: Stripe ends a subscription cancelled at period end then, and its
    // customer.subscription.deleted comes after that time, when our record already reads free.
    const end = new Date(Math.ceil((Date.now() + 1500) / 1000) * 1000);
    const subscription = subscriptionObject({ customer: buyer.customer, status: "active", periodEnd: end });
    api.subscriptions.set(subscription.id, subscription);
    const checkout = eventOf(
      "checkout.session.completed",
      checkoutSessionObject({
        clientReferenceId: token,
        customer: buyer.customer,
        subscription: subscription.id,
      }),
    );
    expect((await post(checkout)).status).toBe(200);
    const cancelling = subscriptionObject({
      id: subscription.id,
      customer: buyer.customer,
      status: "active",
      periodEnd: end,
      cancelAtPeriodEnd: true,
    });
    api.subscriptions.set(subscription.id, cancelling);
    expect((await post(eventOf("customer.subscription.updated", cancelling))).status).toBe(200);
    expect(await plan(buyer)).toBe("premium");
    // /memory plan says it was cancelled and until when it lasts.
    expect((await billing.planOf(buyer.holder)).subscription?.cancelAtPeriodEnd).toBe(true);
    while (Date.now() <= end.getTime() + 50) await new Promise((r) => setTimeout(r, 100));
    const ended = subscriptionObject({
      id: subscription.id,
      customer: buyer.customer,
      status: "canceled",
      periodEnd: end,
    });
    api.subscriptions.set(subscription.id, ended);
    expect((await post(eventOf("customer.subscription.deleted", ended))).status).toBe(200);
    expect((await post(eventOf("customer.subscription.updated", ended))).status).toBe(200);
    expect(await plan(buyer)).toBe("free");
    const told = (await botTexts(buyer.target)).filter((t) => /Premium has ended/.test(t));
    expect(told).toEqual([expect.stringMatching(/^Premium has ended for you\. This is the free plan again/)]);
  });

  it("keeps premium with a notice on a failed renewal (past_due), and renews on invoice.paid", async () => {
    const buyer = await newBuyer();
    const token = await upgradeToken(buyer);
    const { subscription, payload } = await buy(buyer, token);
    await post(payload);
    api.subscriptions.set(subscription.id, { ...subscription, status: "past_due" });
    const failed = eventOf(
      "invoice.payment_failed",
      invoiceObject({ subscription: subscription.id, customer: buyer.customer, paid: false }),
    );
    expect((await post(failed)).status).toBe(200);
    expect(await plan(buyer)).toBe("premium");
    expect((await botTexts(buyer.target)).at(-1)).toMatch(/did not go through/);
    const renewedEnd = new Date(Date.now() + 60 * 86_400_000);
    api.subscriptions.set(
      subscription.id,
      subscriptionObject({
        id: subscription.id,
        customer: buyer.customer,
        status: "active",
        periodEnd: renewedEnd,
      }),
    );
    const paid = eventOf(
      "invoice.paid",
      invoiceObject({ subscription: subscription.id, customer: buyer.customer, paid: true }),
    );
    expect((await post(paid)).status).toBe(200);
    const after = await billing.planOf(buyer.holder);
    expect(after.subscription?.status).toBe("active");
    expect(
      Math.abs((after.subscription?.currentPeriodEnd?.getTime() ?? 0) - renewedEnd.getTime()),
    ).toBeLessThan(1000);
  });

  it("upgrades nobody for a missing or unknown client_reference_id, keeps the payment for reconciliation, answers 200", async () => {
    const buyer = await newBuyer();
    const missing = await buy(buyer, null);
    expect((await post(missing.payload)).status).toBe(200);
    const unknown = await buy(buyer, randomBytes(18).toString("base64url"));
    expect((await post(unknown.payload)).status).toBe(200);
    expect(await plan(buyer)).toBe("free");
    const kept = await billing.rows.listUnreconciled();
    expect(
      kept
        .filter((p) => p.externalCustomerId === buyer.customer)
        .map((p) => p.reason)
        .sort(),
    ).toEqual(["missing_reference", "unknown_reference"]);
    expect(kept.find((p) => p.externalCustomerId === buyer.customer)?.customerEmail).toBe("ada@example.com");
  });

  it("answers 200 to an event type it does not handle", async () => {
    const res = await post(eventOf("customer.created", { id: "cus_x", object: "customer" }));
    expect(res.status).toBe(200);
  });

  it("answers 500 when Stripe's API fails, so Stripe retries, and processes the retry", async () => {
    const buyer = await newBuyer();
    const token = await upgradeToken(buyer);
    const { subscription, payload } = await buy(buyer, token);
    api.subscriptions.delete(subscription.id);
    expect((await post(payload)).status).toBe(500);
    expect(await plan(buyer)).toBe("free");
    api.subscriptions.set(subscription.id, subscription);
    expect((await post(payload)).status).toBe(200);
    expect(await plan(buyer)).toBe("premium");
  });

  it("/memory billing makes a Customer Portal link on demand, privately", async () => {
    const buyer = await newBuyer();
    const token = await upgradeToken(buyer);
    await post((await buy(buyer, token)).payload);
    const reply = await entitlements.manageBilling({
      accountId: buyer.accountId,
      platform: "playground",
      target: buyer.target,
    });
    expect(reply.private).toBe(true);
    const url = reply.message.actions?.[0]?.value;
    expect(url).toMatch(/^https:\/\/billing\.stripe\.com\/p\/session\//);
    expect(api.portalSessions.at(-1)).toMatchObject({
      customer: buyer.customer,
      url,
      return_url: "https://pm.example",
    });
  });

  it("refuses a body over the webhook cap before reading it", async () => {
    const big = "x".repeat(1024 * 1024 + 10);
    const res = await post(big, signatureFor(big));
    expect(res.status).toBe(413);
  });
});
