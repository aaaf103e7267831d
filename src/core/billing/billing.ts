/**
 * The billing service: which plan a holder is on, the monthly memory quota, upgrade tokens and cards, recording what
 * a payment provider reports (deduplicated), and telling the thread premium was bought from when it starts or ends
 * (once per end, with the upgrade button), also at the end of a paid period that no provider event reports.
 * Providers (Stripe, Telegram Stars, Discord) plug in as BillingProviderPlugin; with none, billing is off and every
 * style and limit is open.
 */
import type { Logger } from "pino";
import type { ChatAdapter, ChatTarget, MessageAction } from "../chat/chat-adapter.ts";
import { chatFor } from "../chat/chat-for.ts";
import type { Platform } from "../domain.ts";
import type { Db } from "../store/db.ts";
import type { Subscription, SubscriptionStatus } from "../store/records.ts";
import type { Store } from "../store/store.ts";
import { type BillingProvider, createBillingRows } from "./billing-store.ts";
import { type Holder, resolveHolder, subscriptionHolder } from "./holder.ts";
import { DEFAULT_PLAN_NUMBERS, type Plan, type PlanLimits, type PlanNumbers, quotaPeriod } from "./plans.ts";
import { createPremiumEnds } from "./premium-end.ts";
import { premiumPaymentIssueText, premiumStartedText } from "./texts.ts";

/** A button of an upgrade card (a link button where the value is an https URL). */
export type UpgradeAction = MessageAction;

export interface UpgradeRequest {
  /** Fresh opaque token tied to the holder and the thread (≥ 16 chars of [A-Za-z0-9_-]). */
  token: string;
  holder: Holder;
  target: ChatTarget;
  /** The payer's email when the platform told us (Stripe's prefilled_email). */
  email?: string;
}

/** A payment provider as billing sees it. Each method is optional: a provider offers what it can. */
export interface BillingProviderPlugin {
  readonly name: BillingProvider;
  /** The upgrade button for a chat on this platform, or null where this provider does not sell (Stripe on Telegram). */
  upgradeAction?(request: UpgradeRequest): Promise<UpgradeAction | null>;
  /** A link where the holder manages what they bought (Stripe's Customer Portal), made on demand. */
  manageLink?(input: {
    holder: Holder;
    subscription: Subscription;
    target: ChatTarget;
  }): Promise<string | null>;
}

/** A subscription change as a provider reports it, after re-reading the provider's current state. */
export interface SubscriptionChange {
  holder: Holder;
  provider: BillingProvider;
  externalSubscriptionId: string;
  externalCustomerId?: string | null;
  status: SubscriptionStatus;
  /** The end of the paid period (premium lasts until then; null: open-ended). */
  currentPeriodEnd?: Date | null;
  /** Cancelled, so premium ends at currentPeriodEnd (true), renews then (false), or not said (absent, null). */
  cancelAtPeriodEnd?: boolean | null;
  /** When the provider's state was observed; an older observation than the last applied is ignored. */
  eventAt: Date;
  /** The thread the purchase was made from (kept with the subscription, told when premium starts or ends). */
  target?: ChatTarget | null;
}

export interface SubscriptionChangeResult {
  applied: boolean;
  subscription: Subscription;
  premiumBefore: boolean;
  premiumAfter: boolean;
}

export interface HolderPlan {
  plan: Plan;
  limits: PlanLimits;
  subscription: Subscription | null;
}

export interface BillingDeps {
  db: Db;
  store: Store;
  chats: Partial<Record<Platform, ChatAdapter>>;
  logger: Logger;
  plans?: PlanNumbers;
  providers?: readonly BillingProviderPlugin[];
  now?: () => Date;
  /** How long after a paid period ends to look whether it was renewed (BILLING_END_GRACE_SECONDS; default 1 h). */
  endGraceMs?: number;
}

export type Billing = ReturnType<typeof createBilling>;

export function createBilling(deps: BillingDeps) {
  const rows = createBillingRows(deps.db);
  const plans = deps.plans ?? DEFAULT_PLAN_NUMBERS;
  const providers = deps.providers ?? [];
  const now = deps.now ?? (() => new Date());
  const log = deps.logger.child({ module: "billing" });
  const enabled = providers.length > 0 || Object.values(deps.chats).some((chat) => Boolean(chat?.checkout));

  const isPremium = (s: Subscription | null): boolean =>
    s !== null &&
    (s.status === "active" || s.status === "past_due") &&
    (s.currentPeriodEnd === null || s.currentPeriodEnd.getTime() > now().getTime());

  async function planOf(holder: Holder): Promise<HolderPlan> {
    const subscription = await deps.store.findActiveSubscription(subscriptionHolder(holder));
    const plan: Plan = isPremium(subscription) ? "premium" : "free";
    return { plan, limits: plans[plan], subscription: plan === "premium" ? subscription : null };
  }

  /** The upgrade buttons for a chat: one fresh token, each provider's action for this platform. */
  async function upgradeActions(input: {
    holder: Holder;
    target: ChatTarget;
    requestedByAccountId?: string;
    email?: string;
  }): Promise<UpgradeAction[]> {
    const offering = providers.filter((p) => p.upgradeAction);
    const platform = deps.chats[input.target.platform];
    if (offering.length === 0 && !platform?.checkout) return [];
    const token = await rows.createUpgradeToken({
      holder: input.holder,
      target: input.target,
      requestedByAccountId: input.requestedByAccountId ?? null,
    });
    const actions: UpgradeAction[] = [];
    // The platform's own checkout first (Discord wants premium buyable inside Discord); an exclusive one alone
    // (Telegram: digital goods are paid in Stars only).
    if (platform?.checkout) {
      const checkout = await platform.checkout({ token, target: input.target });
      if (checkout.exclusive) return [checkout.action];
      actions.push(checkout.action);
    }
    for (const provider of offering) {
      const action = await provider.upgradeAction?.({
        token,
        holder: input.holder,
        target: input.target,
        ...(input.email ? { email: input.email } : {}),
      });
      if (action) actions.push(action);
    }
    return actions;
  }

  async function notify(target: ChatTarget | null, text: string): Promise<void> {
    if (!target) return;
    try {
      await chatFor(deps, target).postMessage(target, { text });
    } catch (error) {
      log.warn({ err: error, platform: target.platform }, "could not tell the thread about the plan change");
    }
  }

  const ends = createPremiumEnds({
    ...deps,
    rows,
    plans,
    now,
    log,
    enabled,
    isPremium,
    planOf,
    upgradeActions,
  });

  async function setSubscription(change: SubscriptionChange): Promise<SubscriptionChangeResult> {
    const before = await planOf(change.holder);
    // Whether this subscription gave premium until now by its own row, even if its period ran out unnoticed: a
    // provider's end event after the period (Stripe's customer.subscription.deleted) still tells the thread.
    const previous = await rows.findSubscription(change.provider, change.externalSubscriptionId);
    const gavePremium =
      previous?.subscription.status === "active" || previous?.subscription.status === "past_due";
    const result = await deps.store.upsertSubscription({
      ...subscriptionHolder(change.holder),
      provider: change.provider,
      externalSubscriptionId: change.externalSubscriptionId,
      externalCustomerId: change.externalCustomerId ?? null,
      status: change.status,
      currentPeriodEnd: change.currentPeriodEnd ?? null,
      cancelAtPeriodEnd: change.cancelAtPeriodEnd ?? null,
      eventAt: change.eventAt,
    });
    if (change.target)
      await rows.setSubscriptionThread(change.provider, change.externalSubscriptionId, change.target);
    const after = await planOf(change.holder);
    const premiumBefore = before.plan === "premium";
    const premiumAfter = after.plan === "premium";
    log.info(
      {
        provider: change.provider,
        holder: change.holder.kind,
        holderId: change.holder.id,
        status: result.subscription.status,
        applied: result.applied,
        premiumBefore,
        premiumAfter,
      },
      "subscription recorded",
    );
    if (result.applied) {
      const thread =
        (await rows.subscriptionThread(change.provider, change.externalSubscriptionId)) ??
        change.target ??
        null;
      const wasIssue = before.subscription?.status === "past_due";
      // Premium by this subscription again: the end of this period may be told when it comes.
      if (isPremium(result.subscription))
        await rows.resetEndNotice(change.provider, change.externalSubscriptionId);
      if (!premiumBefore && premiumAfter)
        await notify(thread, premiumStartedText(plans.premium, change.holder, thread?.platform));
      else if (
        !premiumAfter &&
        (premiumBefore || gavePremium) &&
        thread &&
        (await rows.claimEndNotice(change.provider, change.externalSubscriptionId))
      )
        await ends.tellEnded(change.holder, thread, {});
      else if (premiumAfter && result.subscription.status === "past_due" && !wasIssue)
        await notify(thread, premiumPaymentIssueText());
    }
    return { applied: result.applied, subscription: result.subscription, premiumBefore, premiumAfter };
  }

  return {
    /**
     * False when no payment is configured (no provider, no platform checkout such as Telegram Stars or a Discord SKU):
     * every style and limit is open.
     */
    enabled,
    plans,
    providers,
    rows,
    planOf,
    /** The holder of a chat (see holder.ts). */
    holderOf: (input: { target: ChatTarget; accountId: string }) => resolveHolder(deps.store, input),

    /** Records premium granted until `until` (a Stars payment, a Discord entitlement): status active. */
    grantPremium(input: Omit<SubscriptionChange, "status" | "currentPeriodEnd"> & { until: Date | null }) {
      const { until, ...rest } = input;
      return setSubscription({ ...rest, status: "active", currentPeriodEnd: until });
    },

    setSubscription,

    /**
     * Changes a subscription already recorded, found by the provider's id (a refund, an entitlement deleted).
     * Null when it was never recorded.
     */
    async updateSubscription(
      input: Omit<SubscriptionChange, "holder" | "target">,
    ): Promise<SubscriptionChangeResult | null> {
      const found = await rows.findSubscription(input.provider, input.externalSubscriptionId);
      if (!found) return null;
      return setSubscription({ ...input, holder: found.holder });
    },

    /**
     * Runs `fn` once per provider event id: "duplicate" without running it when the event was processed (or is being
     * processed) already. When `fn` throws, the event is marked failed, so the provider's retry runs it again.
     */
    async processEventOnce(
      provider: BillingProvider,
      eventId: string,
      type: string,
      fn: () => Promise<void>,
    ): Promise<"processed" | "duplicate"> {
      if (!(await rows.claimEvent(provider, eventId, type))) return "duplicate";
      try {
        await fn();
      } catch (error) {
        await rows.failEvent(provider, eventId, error instanceof Error ? error.message : String(error));
        throw error;
      }
      await rows.finishEvent(provider, eventId);
      return "processed";
    },

    upgradeActions,

    /** Tells a thread something about the plan (a provider's own notice); failures are logged, never thrown. */
    notify,

    periodEndCheck: ends.periodEndCheck,
    checkPeriodEnd: ends.checkPeriodEnd,

    /** The quota period now ('YYYY-MM' UTC) and when it resets. */
    period: () => quotaPeriod(now()),
    now,
  };
}
