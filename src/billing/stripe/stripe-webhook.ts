/**
 * POST /stripe/webhook: the signature is checked on the raw body (constructEvent, 300 s tolerance) before anything
 * else; each event id is processed once; the subscription is re-read from Stripe's API before it is written, so events
 * arriving out of order end in Stripe's current state. A payment whose `client_reference_id` is missing or unknown
 * upgrades nobody and is kept for reconciliation. 400: bad or stale signature; 200: accepted or ignored; 500: Stripe
 * retries (the API or the database failed). An event the edge Worker forwarded (src/http/edge-ingress.ts) had its
 * Stripe signature checked there; its `t` may be past the 300 s tolerance after a wait in the queue, so it is not
 * checked again.
 */
import { Hono } from "hono";
import type { Logger } from "pino";
import type Stripe from "stripe";
import type { Billing } from "../../core/billing/index.ts";
import type { SubscriptionStatus } from "../../core/store/records.ts";

/** Stripe's subscription status → ours. active/trialing premium, past_due premium with a notice, the rest free. */
export function subscriptionStatusOf(status: Stripe.Subscription.Status): SubscriptionStatus {
  switch (status) {
    case "active":
    case "trialing":
      return "active";
    case "past_due":
      return "past_due";
    case "unpaid":
      return "unpaid";
    default:
      // incomplete, incomplete_expired, canceled, paused
      return "cancelled";
  }
}

/** The end of the paid period: since API 2025-03-31 it is per item (`items.data[].current_period_end`). */
export function periodEndOf(subscription: Stripe.Subscription): Date | null {
  const ends = subscription.items.data
    .map((item) => item.current_period_end)
    .filter((n) => Number.isFinite(n));
  return ends.length > 0 ? new Date(Math.max(...ends) * 1000) : null;
}

const idOf = (value: string | { id: string } | null | undefined): string | null =>
  typeof value === "string" ? value : (value?.id ?? null);

export function createStripeWebhook(deps: {
  stripe: Stripe;
  webhookSecret: string;
  billing: Billing;
  logger: Logger;
}): Hono {
  const app = new Hono();
  const log = deps.logger.child({ module: "stripe" });
  const { billing } = deps;

  /** Re-reads the subscription and records its current state for `holder` (or for the holder already recorded). */
  async function sync(subscriptionId: string, link?: Parameters<Billing["setSubscription"]>[0]) {
    const subscription = await deps.stripe.subscriptions.retrieve(subscriptionId);
    const state = {
      provider: "stripe" as const,
      externalSubscriptionId: subscription.id,
      externalCustomerId: idOf(subscription.customer),
      status: subscriptionStatusOf(subscription.status),
      currentPeriodEnd: periodEndOf(subscription),
      // A cancellation at the period's end (or at a set time) keeps premium until then, and says so in /memory plan.
      cancelAtPeriodEnd: subscription.cancel_at_period_end || subscription.cancel_at !== null,
      eventAt: billing.now(),
    };
    if (link) return billing.setSubscription({ ...link, ...state });
    const updated = await billing.updateSubscription(state);
    // Not recorded yet: its checkout.session.completed (which names the holder) has not come; it will re-read then.
    if (!updated)
      log.info({ subscriptionId }, "subscription event before its checkout; left to the checkout event");
    return updated;
  }

  async function checkoutCompleted(event: Stripe.Event, session: Stripe.Checkout.Session) {
    const subscriptionId = idOf(session.subscription);
    const reference = session.client_reference_id;
    const token = reference ? await billing.rows.findUpgradeToken(reference) : null;
    if (!token) {
      await billing.rows.recordUnreconciled({
        provider: "stripe",
        eventId: event.id,
        eventType: event.type,
        reason: reference ? "unknown_reference" : "missing_reference",
        reference,
        externalCustomerId: idOf(session.customer),
        externalSubscriptionId: subscriptionId,
        customerEmail: session.customer_details?.email ?? session.customer_email ?? null,
      });
      log.warn(
        { eventId: event.id, reason: reference ? "unknown_reference" : "missing_reference" },
        "payment not tied to anyone: kept for reconciliation",
      );
      return;
    }
    if (!subscriptionId) {
      // A one-time payment link: premium needs a subscription, so this is for an operator to look at.
      await billing.rows.recordUnreconciled({
        provider: "stripe",
        eventId: event.id,
        eventType: event.type,
        reason: "invalid_reference",
        reference,
        externalCustomerId: idOf(session.customer),
        customerEmail: session.customer_details?.email ?? null,
      });
      log.warn(
        { eventId: event.id, mode: session.mode },
        "checkout without a subscription: kept for reconciliation",
      );
      return;
    }
    await sync(subscriptionId, {
      holder: token.holder,
      target: token.target,
      provider: "stripe",
      externalSubscriptionId: subscriptionId,
      status: "active",
      eventAt: billing.now(),
    });
  }

  async function handle(event: Stripe.Event): Promise<"handled" | "ignored"> {
    switch (event.type) {
      case "checkout.session.completed":
        await checkoutCompleted(event, event.data.object);
        return "handled";
      case "customer.subscription.created":
      case "customer.subscription.updated":
      case "customer.subscription.deleted":
        await sync(event.data.object.id);
        return "handled";
      case "invoice.paid":
      case "invoice.payment_failed": {
        const subscriptionId = idOf(event.data.object.parent?.subscription_details?.subscription);
        if (!subscriptionId) return "ignored";
        await sync(subscriptionId);
        return "handled";
      }
      default:
        return "ignored";
    }
  }

  app.post("/stripe/webhook", async (c) => {
    const raw = await c.req.text();
    const signature = c.req.header("stripe-signature");
    let event: Stripe.Event;
    try {
      if (c.get("edgeForwarded")) {
        event = JSON.parse(raw) as Stripe.Event;
      } else {
        if (!signature) throw new Error("No stripe-signature header value was provided.");
        event = deps.stripe.webhooks.constructEvent(raw, signature, deps.webhookSecret);
      }
    } catch (error) {
      log.warn({ reason: error instanceof Error ? error.message : String(error) }, "stripe webhook refused");
      return c.json(
        { error: "bad_signature", message: "The Stripe signature is missing, wrong or too old." },
        400,
      );
    }
    const eventLog = log.child({ eventId: event.id, type: event.type });
    try {
      let outcome: "handled" | "ignored" = "ignored";
      const done = await billing.processEventOnce("stripe", event.id, event.type, async () => {
        outcome = await handle(event);
      });
      eventLog.info({ outcome: done === "duplicate" ? "duplicate" : outcome }, "stripe event");
      return c.json({ received: true, ...(done === "duplicate" ? { duplicate: true } : {}) });
    } catch (error) {
      eventLog.error({ err: error }, "stripe event failed; Stripe will retry");
      return c.json({ error: "failed", message: "The event could not be processed; retry later." }, 500);
    }
  });
  return app;
}
