/**
 * Billing: plans, quotas and premium bought through a payment provider. The API for provider integrations
 * (Stripe in src/billing/stripe, Telegram Stars, Discord entitlements):
 *
 * - `createBilling({ db, store, chats, logger, plans, providers })` → `Billing`. `billing.enabled` is false when no
 *   provider is configured: then every style and limit is open and `/memory plan` says so.
 * - Plans (`plans.ts`): free and premium, numbers from BILLING_FREE_MEMORIES_PER_MONTH (10),
 *   BILLING_FREE_PHOTOS_PER_MEMORY (30), BILLING_PREMIUM_MEMORIES_PER_MONTH (200), BILLING_PREMIUM_PHOTOS_PER_MEMORY
 *   (100). Premium = a subscription with status active or past_due whose currentPeriodEnd is in the future (or null).
 * - Holders (`holder.ts`): `billing.holderOf({ target, accountId })` — the Slack workspace or Discord guild of the
 *   chat, else the person (Telegram user, Discord DM, playground). `holderForWorkspace(store, platform, guildId)` and
 *   `holderForUser(store, platform, userId)` find one from a provider's ids (a Discord entitlement's guild_id/user_id).
 * - A provider plugs in as `BillingProviderPlugin { name, upgradeAction?(request), manageLink?(input) }`:
 *   `upgradeAction` gets a fresh opaque token (`request.token`, 24 chars of [A-Za-z0-9_-], stored with the holder and
 *   the thread) and returns the button for that chat's platform, or null where it does not sell there. Put the token
 *   in the payment (Stripe client_reference_id, a Stars invoice payload) and read it back with
 *   `billing.rows.findUpgradeToken(token)` → `{ holder, target, requestedByAccountId }` or null (unknown: upgrade
 *   nobody; keep the payment with `billing.rows.recordUnreconciled({ provider, eventId, eventType, reason, ... })`).
 * - Recording what the provider says: `billing.setSubscription({ holder, provider, externalSubscriptionId,
 *   externalCustomerId?, status, currentPeriodEnd?, eventAt, target? })` (status: active | past_due | cancelled |
 *   unpaid), `billing.grantPremium({ holder, provider, externalSubscriptionId, until, eventAt, target? })`, and
 *   `billing.updateSubscription({ provider, externalSubscriptionId, status, currentPeriodEnd?, eventAt })` for a row
 *   already recorded (refund, entitlement deleted). Events older (`eventAt`) than the last applied one are ignored.
 *   When premium starts or ends (or a renewal fails), the thread kept with the subscription (`target`, first one
 *   wins) is told through that platform's ChatAdapter; the end is told once (with the upgrade button), whichever of
 *   a refund, the provider's end event (Stripe's customer.subscription.deleted, Discord's ENTITLEMENT_UPDATE with
 *   ends_at) or the period-end check comes first.
 * - Ends no provider reports: `billing.periodEndCheck(subscription)` is the job event (`premium/period-recorded`)
 *   to send when a paid period with a known end is recorded by a provider that sends nothing when a cancelled
 *   subscription runs out (Telegram Stars); the job `premium-end-check` sleeps until the end plus
 *   BILLING_END_GRACE_SECONDS and calls `billing.checkPeriodEnd(...)`. Stripe needs none: it sends
 *   customer.subscription.deleted when a subscription ends.
 * - Dedupe: `billing.processEventOnce(provider, eventId, type, fn)` runs `fn` once per (provider, event id); a throw
 *   marks the event failed so the provider's retry runs it again. Providers: 'stripe' | 'telegram_stars' | 'discord'.
 * - Quotas: `createBillingEntitlements(billing)` implements the memories' Entitlements port (styles, the atomic
 *   monthly memory quota with its slot given back when a memory fails or is cancelled, photos per memory, and the
 *   `/memory plan|upgrade|billing` replies).
 */

export {
  type Billing,
  type BillingDeps,
  type BillingProviderPlugin,
  createBilling,
  type HolderPlan,
  type SubscriptionChange,
  type SubscriptionChangeResult,
  type UpgradeAction,
  type UpgradeRequest,
} from "./billing.ts";
export type { BillingProvider, UnreconciledPayment, UpgradeTokenRecord } from "./billing-store.ts";
export { UPGRADE_TOKEN } from "./billing-store.ts";
export { createBillingEntitlements } from "./entitlements.ts";
export {
  type Holder,
  holderForUser,
  holderForWorkspace,
  holderKey,
  resolveHolder,
  subscriptionHolder,
} from "./holder.ts";
export {
  DEFAULT_PLAN_NUMBERS,
  type Plan,
  type PlanLimits,
  type PlanNumbers,
  planIncludes,
  quotaPeriod,
  stylesOf,
} from "./plans.ts";
export { DEFAULT_END_GRACE_MS, type PeriodEndOutcome } from "./premium-end.ts";
