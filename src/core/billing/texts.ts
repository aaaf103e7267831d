/** What billing says in chat. One place, so every platform and provider says it the same way. */
import { PREMIUM_STYLES } from "../domain.ts";
import type { Holder } from "./holder.ts";
import { type PlanLimits, resetDay } from "./plans.ts";

const premiumStyles = () => PREMIUM_STYLES.join(" and ");

function where(holder: Holder): string {
  return holder.kind === "workspace" ? "for everyone in this workspace" : "for you";
}

export function premiumStartedText(premium: PlanLimits, holder: Holder): string {
  return `✨ Premium is on ${where(holder)}: the ${premiumStyles()} styles, up to ${premium.photosPerMemory} photos per memory and ${premium.memoriesPerMonth} memories a month. Thank you!`;
}

export function premiumEndedText(free: PlanLimits): string {
  return `Premium has ended here, so this is the free plan again: classic and modern, up to ${free.photosPerMemory} photos per memory and ${free.memoriesPerMonth} memories a month. Type \`/memory upgrade\` to get premium back.`;
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
