/**
 * Port: may this account use this style? Billing will implement it with plans and quotas; until then the free
 * default locks the premium styles and says so by name.
 */
import { type Platform, PREMIUM_STYLES, type StyleName } from "../domain.ts";

export type EntitlementDecision =
  | { allowed: true }
  | {
      allowed: false;
      code: "billing.style_locked" | (string & {});
      /** One friendly sentence that names what is locked and what to do instead. */
      reply: string;
      /** A payment link or invoice, when billing can offer one. */
      upgradeUrl?: string;
    };

export interface Entitlements {
  checkStyle(input: {
    accountId: string;
    platform: Platform;
    style: StyleName;
  }): Promise<EntitlementDecision>;
}

export function lockedStyleReply(style: StyleName): string {
  return `The ${style} style is a premium style and it is locked on the free plan. Try \`/memory classic\` or \`/memory modern\`: they are free.`;
}

/** The default until billing lands: classic and modern are free, premium styles are locked. */
export function createFreeEntitlements(): Entitlements {
  return {
    async checkStyle({ style }) {
      if (PREMIUM_STYLES.includes(style)) {
        return { allowed: false, code: "billing.style_locked", reply: lockedStyleReply(style) };
      }
      return { allowed: true };
    },
  };
}
