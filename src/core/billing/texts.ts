/** What billing says in chat. One place, so every platform and provider says it the same way. */

import type { Platform } from "../domain.ts";
import { PREMIUM_STYLES } from "../domain.ts";
import type { Subscription } from "../store/records.ts";
import type { Holder } from "./holder.ts";
import { type PlanLimits, resetDay } from "./plans.ts";

const premiumStyles = () => PREMIUM_STYLES.join(" and ");

/** A held-by-all chat in the platform's word: a Slack workspace, a Discord server. */
export function sharedPlace(platform: Platform | undefined): string {
  return platform === "discord" ? "server" : "workspace";
}

function where(holder: Holder, platform: Platform | undefined): string {
  return holder.kind === "workspace" ? `for everyone in this ${sharedPlace(platform)}` : "for you";
}

export function premiumStartedText(premium: PlanLimits, holder: Holder, platform?: Platform): string {
  return `✨ Premium is on ${where(holder, platform)}: the ${premiumStyles()} styles, up to ${premium.photosPerMemory} photos per memory and ${premium.memoriesPerMonth} memories a month. Thank you!`;
}

/** "6 January 2027" (UTC): the end of a paid period, in words. */
export function longDay(date: Date): string {
  return date.toLocaleDateString("en-GB", {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  });
}

export function premiumEndedText(
  free: PlanLimits,
  holder: Holder,
  input: {
    /** Where it is told (a Discord server is a "server", a Slack workspace a "workspace"). */
    platform?: Platform;
    /** The end of the period that ran out without a renewal (absent: ended otherwise, e.g. a refund). */
    lapsedAt?: Date;
    /** An upgrade button comes with the message. */
    upgradable: boolean;
  },
): string {
  const head = input.lapsedAt
    ? `Premium has ended ${where(holder, input.platform)}: it was paid until ${longDay(input.lapsedAt)} and was not renewed.`
    : `Premium has ended ${where(holder, input.platform)}.`;
  const again = input.upgradable
    ? "To get it back, press the button below or type `/memory upgrade`."
    : "Type `/memory upgrade` to get it back.";
  return `${head} This is the free plan again: the classic and modern styles (${premiumStyles()} are locked), up to ${free.photosPerMemory} photos per memory and ${free.memoriesPerMonth} memories a month. ${again}`;
}

export function premiumPaymentIssueText(): string {
  return "⚠️ The last premium payment did not go through. Premium stays on while the payment is retried; type `/memory billing` to update the card.";
}

export function lockedStyleText(style: string, upgradable: boolean): string {
  return upgradable
    ? `The ${style} style is a premium style. Upgrade to premium to unlock it, or try \`/memory classic\` or \`/memory modern\`: they are free.`
    : `The ${style} style is a premium style and it is locked on the free plan. Try \`/memory classic\` or \`/memory modern\`: they are free.`;
}

export function quotaReachedText(input: {
  plan: "free" | "premium";
  limit: number;
  resetsAt: Date;
  upgradable: boolean;
  premium: PlanLimits;
}): string {
  const head = `This ${input.plan === "free" ? "free plan" : "premium plan"} makes ${input.limit} ${input.limit === 1 ? "memory" : "memories"} a month, and they are all used. The count starts again on ${resetDay(input.resetsAt)}.`;
  if (input.plan === "free" && input.upgradable)
    return `${head} Upgrade to premium for ${input.premium.memoriesPerMonth} memories a month: press the button or type \`/memory upgrade\`.`;
  return head;
}

/**
 * Until when premium lasts and whether it renews, as far as the provider says (`/memory plan`): a cancelled
 * subscription lasts to the end of its paid period; Telegram tells nobody of a cancellation, so a Stars period says
 * where it is cancelled; a Discord subscription without an end renews until cancelled (no line).
 */
export function premiumTermText(subscription: Subscription): string | null {
  const end = subscription.currentPeriodEnd;
  if (!end) return null;
  const day = longDay(end);
  if (subscription.cancelAtPeriodEnd === true)
    return `Premium was cancelled and lasts until ${day}; then this is the free plan again.${subscription.provider === "stripe" ? " Type `/memory billing` to keep it." : ""}`;
  if (subscription.cancelAtPeriodEnd === false) return `Premium renews on ${day}.`;
  if (subscription.provider === "telegram_stars")
    return `Premium is paid until ${day}; it renews then unless the subscription was cancelled in Telegram (Settings → My Stars).`;
  return `Premium is paid until ${day}.`;
}

/** `/memory upgrade` where premium is on: nothing to buy; a cancelled subscription says until when it lasts. */
export function premiumAlreadyOnText(subscription: Subscription | null): string {
  const end = subscription?.currentPeriodEnd;
  if (subscription && end && subscription.cancelAtPeriodEnd === true)
    return `Premium is on here until ${longDay(end)}: it was cancelled and does not renew.${subscription.provider === "stripe" ? " Type `/memory billing` to keep it." : ""} Type \`/memory plan\` to see its limits.`;
  return `Premium is already on here${end ? `, paid until ${longDay(end)}` : ""}. Type \`/memory plan\` to see its limits.`;
}
