/**
 * Stripe as a billing provider (Slack, Discord, the web): the upgrade card is the operator's Payment Link with the
 * upgrade token as `client_reference_id`; `/memory billing` makes a Customer Portal session on demand.
 *
 * Why a Payment Link by default, not a Checkout Session per click: it needs no price id or product set up in code,
 * the operator changes price, trial and tax in the dashboard without a deploy, the card's link is made without a
 * Stripe API call (the upgrade card never waits on Stripe or fails when it is slow), and `client_reference_id`
 * carries everything we need back: the token maps to the holder and the thread in Postgres.
 */
import Stripe from "stripe";
import type { BillingProviderPlugin } from "../../core/billing/index.ts";

export interface StripeSettings {
  secretKey: string;
  webhookSecret: string;
  paymentLinkUrl: string;
  /** Stripe's API origin (a local stand-in in tests); default https://api.stripe.com. */
  apiBase?: string;
}

/** The SDK pointed at STRIPE_API_BASE when set (host, port, protocol), with a short timeout and two retries. */
export function createStripeClient(settings: Pick<StripeSettings, "secretKey" | "apiBase">): Stripe {
  const base = settings.apiBase ? new URL(settings.apiBase) : null;
  const protocol = base?.protocol === "http:" ? "http" : "https";
  return new Stripe(settings.secretKey, {
    maxNetworkRetries: 2,
    timeout: 15_000,
    ...(base
      ? {
          host: base.hostname,
          port: Number(base.port || (protocol === "http" ? 80 : 443)),
          protocol,
        }
      : {}),
  });
}

export function createStripeProvider(input: {
  stripe: Stripe;
  paymentLinkUrl: string;
  /** Where the Customer Portal's "back" goes. */
  returnUrl: string;
}): BillingProviderPlugin {
  return {
    name: "stripe",
    async upgradeAction({ token, target, email }) {
      // Telegram's rule: digital goods in bots are paid in Stars only, never an outside link.
      if (target.platform === "telegram") return null;
      const url = new URL(input.paymentLinkUrl);
      url.searchParams.set("client_reference_id", token);
      if (email) url.searchParams.set("prefilled_email", email);
      return { id: "upgrade-stripe", label: "Upgrade to premium", value: url.toString() };
    },
    async manageLink({ subscription }) {
      if (!subscription.externalCustomerId) return null;
      // Short-lived and single-use: made on demand, never logged.
      const session = await input.stripe.billingPortal.sessions.create({
        customer: subscription.externalCustomerId,
        return_url: input.returnUrl,
      });
      return session.url;
    },
  };
}
