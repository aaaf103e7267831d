/**
 * The bots' billing port on the billing core (src/core/billing). A Telegram Stars payment grants premium to the
 * upgrade token's holder until `subscription_expiration_date` and each renewal extends it; a refund ends it. A
 * Discord entitlement to the premium SKU is premium for its server (or, bought in a DM, for its user) while it is
 * active. Each provider event is recorded once (the Stars charge id, the Discord event), and the thread the upgrade
 * was asked from is told when premium starts or ends. Telegram sends nothing when a cancelled Stars subscription runs
 * out, so each recorded period schedules a check at its end (`premium-end-check`); Discord sends ENTITLEMENT_UPDATE
 * with ends_at when a subscription ends, and an entitlement seen with a future ends_at gets the same check.
 */
import type { Logger } from "pino";
import type { Billing, Holder } from "../../core/billing/index.ts";
import { holderForUser, holderForWorkspace } from "../../core/billing/index.ts";
import type { ChatTarget } from "../../core/chat/chat-adapter.ts";
import type { Jobs } from "../../core/jobs/jobs.ts";
import type { Store } from "../../core/store/store.ts";
import type { BotBilling, DiscordEntitlement } from "./bot-deps.ts";

export function botBillingFrom(
  billing: Billing,
  store: Pick<Store, "upsertAccount" | "upsertWorkspace">,
  logger: Logger,
  jobs: Pick<Jobs, "send">,
): BotBilling {
  const log = logger.child({ module: "bot-billing" });

  /** Schedules the look at the end of the period just recorded; inside the event's processing, so a failure retries. */
  async function watchPeriodEnd(result: Awaited<ReturnType<Billing["setSubscription"]>>): Promise<void> {
    const check = billing.periodEndCheck(result.subscription);
    if (check) await jobs.send(check);
  }

  /** Who a Stars payment is for: the token's holder, else (a token no longer known) the Telegram user who paid. */
  async function starsHolder(token: string, userId: string): Promise<{ holder: Holder; target: ChatTarget }> {
    const known = await billing.rows.findUpgradeToken(token);
    if (known) return { holder: known.holder as Holder, target: known.target };
    log.warn({ userId }, "stars payment for an unknown upgrade token: premium goes to the payer");
    return {
      holder: await holderForUser(store, "telegram", userId),
      target: { platform: "telegram", channelId: userId },
    };
  }

  /**
   * What a Stars payment or refund says of its subscription: whose it is, where to tell, and the invoice it belongs
   * to (one subscription per invoice: renewals carry the same payload, so they extend the same row).
   */
  async function starsSubscription(event: { token: string; userId: string; at: Date }) {
    const { holder, target } = await starsHolder(event.token, event.userId);
    return {
      holder,
      target,
      provider: "telegram_stars" as const,
      externalSubscriptionId: event.token,
      externalCustomerId: event.userId,
      eventAt: event.at,
    };
  }

  async function entitlementHolder(entitlement: DiscordEntitlement): Promise<Holder | null> {
    if (entitlement.guildId) return holderForWorkspace(store, "discord", entitlement.guildId);
    if (entitlement.userId) return holderForUser(store, "discord", entitlement.userId);
    return null;
  }

  return {
    async isUpgradeToken(token) {
      return (await billing.rows.findUpgradeToken(token)) !== null;
    },

    async starsPaid(payment) {
      await billing.processEventOnce(
        "telegram_stars",
        payment.chargeId,
        payment.renewal ? "renewal" : "payment",
        async () => {
          const result = await billing.grantPremium({
            ...(await starsSubscription(payment)),
            until: payment.paidUntil,
          });
          await watchPeriodEnd(result);
        },
      );
    },

    async starsRefunded(refund) {
      await billing.processEventOnce("telegram_stars", `refund:${refund.chargeId}`, "refund", async () => {
        // Recorded even when the payment has not been seen yet: the refund is newer, so a late payment loses.
        await billing.setSubscription({
          ...(await starsSubscription(refund)),
          status: "cancelled",
          currentPeriodEnd: refund.at,
        });
      });
    },

    async discordEntitlement(entitlement) {
      await billing.processEventOnce("discord", entitlement.eventId, entitlement.source, async () => {
        const holder = await entitlementHolder(entitlement);
        if (!holder) {
          log.warn(
            { entitlementId: entitlement.entitlementId },
            "discord entitlement with neither guild nor user",
          );
          return;
        }
        // Where to say premium started: the thread its upgrade card was asked from, else where it was seen.
        const target = (await billing.rows.latestUpgradeThread(holder)) ?? entitlement.target ?? null;
        const result = await billing.setSubscription({
          holder,
          provider: "discord",
          externalSubscriptionId: entitlement.entitlementId,
          externalCustomerId: entitlement.userId ?? null,
          status: entitlement.active ? "active" : "cancelled",
          currentPeriodEnd: entitlement.endsAt ?? null,
          // An entitlement with an end ends then; without one it renews until cancelled (Discord does not say when).
          cancelAtPeriodEnd: entitlement.endsAt ? true : null,
          eventAt: entitlement.at,
          target,
        });
        await watchPeriodEnd(result);
      });
    },
  };
}
