/** The two plans and their numbers. The numbers are configuration (BILLING_* variables), never code. */
import { PREMIUM_STYLES, STYLE_NAMES, type StyleName } from "../domain.ts";

/** Which plan a holder is on: premium while a subscription gives it (see billing.ts), else free. */
export type Plan = "free" | "premium";

export interface PlanLimits {
  /** Memories a holder may start per calendar month (UTC). */
  memoriesPerMonth: number;
  /** Photos one memory may hold; curation picks the best of a larger collection. */
  photosPerMemory: number;
}

export interface PlanNumbers {
  free: PlanLimits;
  premium: PlanLimits;
}

export const DEFAULT_PLAN_NUMBERS: PlanNumbers = {
  free: { memoriesPerMonth: 10, photosPerMemory: 30 },
  premium: { memoriesPerMonth: 200, photosPerMemory: 100 },
};

/** The styles a plan includes: every style on premium, the free ones otherwise. */
export function stylesOf(plan: Plan): readonly StyleName[] {
  return plan === "premium" ? STYLE_NAMES : STYLE_NAMES.filter((s) => !PREMIUM_STYLES.includes(s));
}

export function planIncludes(plan: Plan, style: StyleName): boolean {
  return stylesOf(plan).includes(style);
}

/** The calendar month a memory counts in ('YYYY-MM', UTC) and when its count starts again. */
export function quotaPeriod(now: Date): { period: string; resetsAt: Date } {
  const resetsAt = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return { period: now.toISOString().slice(0, 7), resetsAt };
}

/** "1 January" (UTC): when a month's count starts again, in words. */
export function resetDay(resetsAt: Date): string {
  return resetsAt.toLocaleDateString("en-GB", { day: "numeric", month: "long", timeZone: "UTC" });
}
