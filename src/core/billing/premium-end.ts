/**
 * The end of premium, told once to the thread it was bought from, with what the free plan allows and the upgrade
 * button: at once when a refund or a provider's end event ends it (billing.ts), or at the end of a paid period no
 * provider reports (a cancelled Telegram Stars subscription runs out in silence): `periodEndCheck` is the job event
 * that schedules the look, `checkPeriodEnd` the look itself (job `premium-end-check`).
 */
import type { Logger } from "pino";
import type { ChatAdapter, ChatTarget } from "../chat/chat-adapter.ts";
import { chatFor } from "../chat/chat-for.ts";
import type { Platform } from "../domain.ts";
import type { JobEvent } from "../jobs/events.ts";
import type { Subscription } from "../store/records.ts";
import type { HolderPlan, UpgradeAction, UpgradeRequest } from "./billing.ts";
import type { BillingProvider, BillingRows } from "./billing-store.ts";
import type { Holder } from "./holder.ts";
import type { PlanNumbers } from "./plans.ts";
import { premiumEndedText } from "./texts.ts";

/** How long after a paid period ends its end is looked at: a renewal charged at the end may arrive a little late. */
export const DEFAULT_END_GRACE_MS = 3_600_000;

/** What the period-end check found (logged by the job). */
export type PeriodEndOutcome =
  | "told"
  | "renewed"
  | "ended-before"
  | "premium-elsewhere"
  | "told-before"
  | "not-yet"
  | "unknown"
  | "billing-off";

export interface PremiumEndParts {
  rows: BillingRows;
  chats: Partial<Record<Platform, ChatAdapter>>;
  plans: PlanNumbers;
  now: () => Date;
  log: Logger;
  /** Billing is on (a provider or a platform checkout is configured). */
  enabled: boolean;
  endGraceMs?: number;
  isPremium(subscription: Subscription | null): boolean;
  planOf(holder: Holder): Promise<HolderPlan>;
  upgradeActions(input: Pick<UpgradeRequest, "holder" | "target">): Promise<UpgradeAction[]>;
}

export function createPremiumEnds(parts: PremiumEndParts) {
  const { rows, plans, now, log, enabled, isPremium, planOf, upgradeActions } = parts;
  const endGraceMs = parts.endGraceMs ?? DEFAULT_END_GRACE_MS;

  /**
   * Tells the thread that premium ended, with the upgrade button (a fresh token for the same holder and thread). With
   * `mustPost` a failure to post is thrown (the period-end job retries), else it is logged.
   */
  async function tellEnded(
    holder: Holder,
    thread: ChatTarget,
    input: { lapsedAt?: Date; mustPost?: boolean },
  ): Promise<void> {
    let actions: UpgradeAction[] = [];
    try {
      actions = await upgradeActions({ holder, target: thread });
    } catch (error) {
      log.warn({ err: error, platform: thread.platform }, "no upgrade button for the end-of-premium message");
    }
    const text = premiumEndedText(plans.free, holder, {
      platform: thread.platform,
      ...(input.lapsedAt ? { lapsedAt: input.lapsedAt } : {}),
      upgradable: actions.length > 0,
    });
    try {
      await chatFor(parts, thread).postMessage(thread, { text, ...(actions.length > 0 ? { actions } : {}) });
    } catch (error) {
      if (input.mustPost) throw error;
      log.warn({ err: error, platform: thread.platform }, "could not tell the thread about the plan change");
    }
  }

  /**
   * The job event that looks at the end of this subscription's paid period (plus the grace), for a provider that
   * sends nothing when a cancelled subscription runs out (Telegram Stars; a Discord entitlement recorded with a
   * future ends_at). Null when the subscription gives no premium or has no end. Its id makes a repeat one check.
   */
  function periodEndCheck(subscription: Subscription): JobEvent | null {
    const end = subscription.currentPeriodEnd;
    if (!end || !isPremium(subscription)) return null;
    return {
      name: "premium/period-recorded",
      id: `premium-end:${subscription.provider}:${subscription.externalSubscriptionId}:${end.getTime()}`,
      data: {
        provider: subscription.provider,
        externalSubscriptionId: subscription.externalSubscriptionId,
        periodEnd: end.toISOString(),
        checkAt: new Date(end.getTime() + endGraceMs).toISOString(),
        recordedAt: now().toISOString(),
      },
    };
  }

  /**
   * At the end of a paid period (plus the grace): when nothing renewed or ended it meanwhile and the holder has no
   * other premium, tells the thread it was bought from, once, that premium has ended, with the upgrade button.
   * A renewal (a later period end), a refund or a provider's end event (told when recorded) make it do nothing;
   * run twice, it tells once. A failure to post is thrown, and the next try may tell.
   */
  async function checkPeriodEnd(input: {
    provider: BillingProvider;
    externalSubscriptionId: string;
    periodEnd: Date;
  }): Promise<PeriodEndOutcome> {
    if (!enabled) return "billing-off";
    const found = await rows.findSubscription(input.provider, input.externalSubscriptionId);
    if (!found) return "unknown";
    const { subscription, holder, thread } = found;
    if (subscription.status !== "active" && subscription.status !== "past_due") return "ended-before";
    const end = subscription.currentPeriodEnd;
    if (!end || end.getTime() !== input.periodEnd.getTime()) return "renewed";
    if (now().getTime() < end.getTime()) return "not-yet";
    if ((await planOf(holder)).plan === "premium") return "premium-elsewhere";
    const claimed = await rows.claimEndNotice(input.provider, input.externalSubscriptionId, {
      periodEnd: end,
      now: now(),
    });
    if (!claimed) return "told-before";
    if (!thread) return "told";
    try {
      await tellEnded(holder, thread, { lapsedAt: end, mustPost: true });
    } catch (error) {
      await rows.resetEndNotice(input.provider, input.externalSubscriptionId);
      throw error;
    }
    log.info(
      { provider: input.provider, holder: holder.kind, holderId: holder.id, periodEnd: end.toISOString() },
      "premium ran out: the thread was told",
    );
    return "told";
  }

  return { tellEnded, periodEndCheck, checkPeriodEnd };
}
