/**
 * The Entitlements port on billing: the chat's holder and plan decide styles, the monthly quota and photos per memory.
 * Billing off (no provider configured): everything is open and `/memory plan` says so.
 */
import { STYLE_NAMES } from "../domain.ts";
import {
  type EntitlementInput,
  type Entitlements,
  type PlanReply,
  unlimitedClaim,
} from "../memories/entitlements.ts";
import type { Billing } from "./billing.ts";
import { planIncludes, resetDay } from "./plans.ts";
import {
  lockedStyleText,
  premiumAlreadyOnText,
  premiumTermText,
  quotaReachedText,
  sharedPlace,
} from "./texts.ts";

export function createBillingEntitlements(billing: Billing): Entitlements {
  const { plans } = billing;

  const upgradeFor = async (input: EntitlementInput, holder: Awaited<ReturnType<Billing["holderOf"]>>) =>
    billing.upgradeActions({ holder, target: input.target, requestedByAccountId: input.accountId });

  return {
    async checkStyle(input) {
      if (!billing.enabled) return { allowed: true };
      const holder = await billing.holderOf(input);
      const { plan } = await billing.planOf(holder);
      if (planIncludes(plan, input.style)) return { allowed: true };
      const actions = await upgradeFor(input, holder);
      return {
        allowed: false,
        code: "billing.style_locked",
        reply: lockedStyleText(input.style, actions.length > 0),
        ...(actions.length > 0 ? { actions } : {}),
      };
    },

    async claimMemory(input) {
      if (!billing.enabled) return unlimitedClaim();
      const holder = await billing.holderOf(input);
      const { plan, limits } = await billing.planOf(holder);
      const { period, resetsAt } = billing.period();
      const taken = await billing.rows.takeMemorySlot(holder, period, limits.memoriesPerMonth);
      if (taken === null) {
        const actions = plan === "free" ? await upgradeFor(input, holder) : [];
        return {
          allowed: false,
          code: "billing.quota_reached",
          reply: quotaReachedText({
            plan,
            limit: limits.memoriesPerMonth,
            resetsAt,
            upgradable: actions.length > 0,
            premium: plans.premium,
          }),
          ...(actions.length > 0 ? { actions } : {}),
        };
      }
      let settled = false;
      return {
        allowed: true,
        photosPerMemory: limits.photosPerMemory,
        premiumPhotosPerMemory: plan === "free" ? plans.premium.photosPerMemory : null,
        async attach(projectId) {
          settled = true;
          await billing.rows.attachMemorySlot(projectId, holder, period);
        },
        async giveBack() {
          if (settled) return;
          settled = true;
          await billing.rows.returnMemorySlot(holder, period);
        },
      };
    },

    async describePlan(input): Promise<PlanReply> {
      if (!billing.enabled) {
        return {
          message: {
            text: `No payment is configured on this server, so everything is open: every style (${STYLE_NAMES.join(", ")}), and no limit on memories or photos beyond the usual.`,
          },
        };
      }
      const holder = await billing.holderOf(input);
      const { plan, limits, subscription } = await billing.planOf(holder);
      const { period, resetsAt } = billing.period();
      const used = await billing.rows.memoriesUsed(holder, period);
      const who = holder.kind === "workspace" ? `This ${sharedPlace(input.target.platform)} is` : "You are";
      const lines = [
        `${who} on the ${plan} plan: ${plan === "premium" ? "every style" : "classic and modern"}, up to ${limits.photosPerMemory} photos per memory and ${limits.memoriesPerMonth} memories a month.`,
        `This month: ${used} of ${limits.memoriesPerMonth} memories used; the count starts again on ${resetDay(resetsAt)}.`,
      ];
      if (subscription?.status === "past_due")
        lines.push("⚠️ The last payment did not go through; type `/memory billing` to update the card.");
      const term = subscription ? premiumTermText(subscription) : null;
      if (term) lines.push(term);
      if (plan === "free")
        lines.push(
          `Premium: every style, up to ${plans.premium.photosPerMemory} photos per memory and ${plans.premium.memoriesPerMonth} memories a month. Type \`/memory upgrade\`.`,
        );
      return { message: { text: lines.join("\n") } };
    },

    async upgradeCard(input): Promise<PlanReply> {
      if (!billing.enabled)
        return { message: { text: "No payment is configured on this server: everything is already open." } };
      const holder = await billing.holderOf(input);
      const { plan, subscription } = await billing.planOf(holder);
      if (plan === "premium") return { message: { text: premiumAlreadyOnText(subscription) } };
      const actions = await upgradeFor(input, holder);
      if (actions.length === 0)
        return { message: { text: "Premium cannot be bought from this chat on this server." } };
      const who =
        holder.kind === "workspace" ? `everyone in this ${sharedPlace(input.target.platform)}` : "you";
      return {
        message: {
          text: `Premium unlocks the cinematic and vintage styles for ${who}, up to ${plans.premium.photosPerMemory} photos per memory and ${plans.premium.memoriesPerMonth} memories a month. I will say here when it is on.`,
          actions,
        },
      };
    },

    async manageBilling(input): Promise<PlanReply> {
      if (!billing.enabled)
        return { message: { text: "No payment is configured on this server." }, private: true };
      const holder = await billing.holderOf(input);
      const { subscription } = await billing.planOf(holder);
      const latest = subscription ?? null;
      if (!latest) {
        return {
          message: {
            text: "There is no premium subscription here to manage. Type `/memory upgrade` to get one.",
          },
          private: true,
        };
      }
      const provider = billing.providers.find((p) => p.name === latest.provider && p.manageLink);
      const url = await provider?.manageLink?.({ holder, subscription: latest, target: input.target });
      if (!url) {
        return {
          message: {
            text: "This subscription is managed where it was bought (Telegram or Discord settings).",
          },
          private: true,
        };
      }
      return {
        message: {
          text: "Here is your billing page (the link works once, for a few minutes): update the card, see invoices or cancel.",
          actions: [{ id: "billing", label: "Manage billing", value: url }],
        },
        private: true,
      };
    },
  };
}
