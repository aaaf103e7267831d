/**
 * `premium-end-check` on `premium/period-recorded`: sleeps until the end of a paid premium period plus the grace (in
 * hops Inngest's free plan allows), then `check`: when nothing renewed or ended that period meanwhile, the thread it
 * was bought from is told once that premium has ended, with the upgrade button. Telegram sends nothing when a
 * cancelled Stars subscription runs out, so without this nobody would be told.
 */
import type { Billing } from "../../core/billing/index.ts";
import { RetryAfterError } from "../../core/jobs/job-errors.ts";
import { sleepUntilInHops } from "../../core/jobs/jobs.ts";
import { defineFunction } from "../define-function.ts";

export function premiumEndCheckFunction(billing: Pick<Billing, "checkPeriodEnd">) {
  return defineFunction({
    id: "premium-end-check",
    trigger: "premium/period-recorded",
    retries: 4,
    async handler({ event, step, logger }) {
      const { data } = event;
      await sleepUntilInHops(step, "wait-for-period-end", new Date(data.recordedAt), new Date(data.checkAt));
      const outcome = await step.run("check", async () => {
        const found = await billing.checkPeriodEnd({
          provider: data.provider,
          externalSubscriptionId: data.externalSubscriptionId,
          periodEnd: new Date(data.periodEnd),
        });
        // Woken early (clocks apart): look again at the end.
        if (found === "not-yet")
          throw new RetryAfterError(
            "the paid period has not ended yet",
            Math.max(1000, Date.parse(data.periodEnd) - Date.now()),
          );
        return found;
      });
      logger.info({ provider: data.provider, outcome }, "premium period end looked at");
      return { outcome };
    },
  });
}
