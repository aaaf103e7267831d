/**
 * Port: what may this chat do on its plan? Which styles, how many memories this month (claimed atomically when a
 * memory starts, given back when it is not made), how many photos per memory, and the words of `/memory plan`,
 * `/memory upgrade` and `/memory billing`. Billing implements it (src/core/billing/entitlements.ts);
 * `createFreeEntitlements` is the plain free plan with no payment provider, for tests of the memory use cases.
 */
import type { ChatTarget, OutgoingMessage } from "../chat/chat-adapter.ts";
import { type Platform, PREMIUM_STYLES, type StyleName } from "../domain.ts";

export type EntitlementAction = NonNullable<OutgoingMessage["actions"]>[number];

export interface EntitlementInput {
  /** The asking person's account (Store.upsertAccount). */
  accountId: string;
  platform: Platform;
  /** The chat asked from: it decides who holds the plan (its workspace, or the person) and where to tell. */
  target: ChatTarget;
}

export type EntitlementDecision =
  | { allowed: true }
  | {
      allowed: false;
      code: "billing.style_locked" | (string & {});
      /** One friendly sentence that names what is locked and what to do instead. */
      reply: string;
      /** Upgrade buttons (payment links), when billing can offer them. */
      actions?: EntitlementAction[];
    };

export type MemoryClaim =
  | {
      allowed: true;
      /** Photos one memory may hold on this plan; null: no limit beyond the product's own. */
      photosPerMemory: number | null;
      /** The premium plan's number, said when a free memory leaves photos out for the limit; null when no upgrade. */
      premiumPhotosPerMemory: number | null;
      /** Ties the slot to the memory made with it: it comes back when that memory fails or is cancelled. */
      attach(projectId: string): Promise<void>;
      /** The memory was not made after all (a conflict, an error): the slot comes back now. */
      giveBack(): Promise<void>;
    }
  | {
      allowed: false;
      code: "billing.quota_reached";
      /** Names the limit, when it resets, and how to upgrade. */
      reply: string;
      actions?: EntitlementAction[];
    };

/** A reply to `/memory plan`, `upgrade` or `billing`; `private` asks the platform to show it to the asker only. */
export interface PlanReply {
  message: OutgoingMessage;
  private?: boolean;
}

export interface Entitlements {
  checkStyle(input: EntitlementInput & { style: StyleName }): Promise<EntitlementDecision>;
  /** Takes one memory of this month's quota, atomically (two requests at once cannot both take the last one). */
  claimMemory(input: EntitlementInput): Promise<MemoryClaim>;
  /** `/memory plan`: the plan, this month's use, the limits. */
  describePlan(input: EntitlementInput): Promise<PlanReply>;
  /** `/memory upgrade`: the upgrade card. */
  upgradeCard(input: EntitlementInput): Promise<PlanReply>;
  /** `/memory billing`: a link to manage what was bought, made on demand. */
  manageBilling(input: EntitlementInput): Promise<PlanReply>;
}

export function lockedStyleReply(style: StyleName): string {
  return `The ${style} style is a premium style and it is locked on the free plan. Try \`/memory classic\` or \`/memory modern\`: they are free.`;
}

/** A claim with no quota behind it (no payment provider): no photo limit, nothing to attach or give back. */
export function unlimitedClaim(): MemoryClaim {
  return {
    allowed: true,
    photosPerMemory: null,
    premiumPhotosPerMemory: null,
    attach: async () => {},
    giveBack: async () => {},
  };
}

const noPayment = "Payments are not set up on this server.";

/** The free plan with no payment provider and no quota: premium styles are locked and say so by name. */
export function createFreeEntitlements(): Entitlements {
  return {
    async checkStyle({ style }) {
      if (PREMIUM_STYLES.includes(style)) {
        return { allowed: false, code: "billing.style_locked", reply: lockedStyleReply(style) };
      }
      return { allowed: true };
    },
    async claimMemory() {
      return unlimitedClaim();
    },
    async describePlan() {
      return { message: { text: "This chat is on the free plan: classic and modern styles." } };
    },
    async upgradeCard() {
      return { message: { text: noPayment } };
    },
    async manageBilling() {
      return { message: { text: noPayment }, private: true };
    },
  };
}
