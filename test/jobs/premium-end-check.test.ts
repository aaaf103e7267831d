/**
 * `premium-end-check` on Inngest: triggered by `premium/period-recorded`, it sleeps until the end of the paid period
 * plus the grace in hops of at most six days (Inngest's free plan sleeps at most seven), then asks billing once.
 */
import { InngestTestEngine } from "@inngest/test";
import { describe, expect, it } from "vitest";
import type { PeriodEndOutcome } from "../../src/core/billing/index.ts";
import { LONGEST_SLEEP_MS } from "../../src/core/jobs/jobs.ts";
import { premiumEndCheckFunction } from "../../src/jobs/functions/premium-end-check.ts";
import { createInngestClient } from "../../src/jobs/inngest-client.ts";
import { toInngestFunction } from "../../src/jobs/inngest-function.ts";
import { silentLogger } from "./helpers.ts";

const client = createInngestClient({ logger: silentLogger, isDev: true });
const DAY = 86_400_000;

describe("premium-end-check on Inngest", () => {
  it("sleeps until the period's end plus the grace in hops under seven days, then checks once", async () => {
    const checks: unknown[] = [];
    const fn = toInngestFunction(
      client,
      premiumEndCheckFunction({
        async checkPeriodEnd(input): Promise<PeriodEndOutcome> {
          checks.push(input);
          return "told";
        },
      }),
      silentLogger,
    );
    const config = fn["getConfig"]({
      baseUrl: new URL("http://localhost:3000/api/inngest"),
      appPrefix: "photomemory",
    })[0] as Record<string, unknown>;
    expect(config).toMatchObject({ triggers: [{ event: "premium/period-recorded" }] });

    const recordedAt = new Date("2026-12-07T12:00:00Z");
    const periodEnd = new Date(recordedAt.getTime() + 30 * DAY);
    const checkAt = new Date(periodEnd.getTime() + 3_600_000);
    const hops = Math.ceil((checkAt.getTime() - recordedAt.getTime()) / LONGEST_SLEEP_MS);
    const t = new InngestTestEngine({ function: fn });
    const { result, ctx } = await t.execute({
      events: [
        {
          name: "premium/period-recorded",
          data: {
            provider: "telegram_stars",
            externalSubscriptionId: "pmu_Zk3v9QeL0wYt7bN2xR5aH1cD",
            periodEnd: periodEnd.toISOString(),
            checkAt: checkAt.toISOString(),
            recordedAt: recordedAt.toISOString(),
          },
        },
      ],
      steps: Array.from({ length: hops }, (_, i) => ({ id: `wait-for-period-end-${i + 1}`, handler() {} })),
    });
    expect(result).toEqual({ outcome: "told" });
    const sleeps = (ctx.step.sleepUntil as unknown as { mock: { calls: [string, Date][] } }).mock.calls;
    expect(sleeps.map(([id]) => id)).toEqual(
      Array.from({ length: hops }, (_, i) => `wait-for-period-end-${i + 1}`),
    );
    expect(hops).toBe(6);
    expect(sleeps.at(-1)?.[1].toISOString()).toBe(checkAt.toISOString());
    for (let i = 1; i < sleeps.length; i++) {
      const gap = (sleeps[i]?.[1].getTime() ?? 0) - (sleeps[i - 1]?.[1].getTime() ?? 0);
      expect(gap).toBeLessThanOrEqual(LONGEST_SLEEP_MS);
    }
    expect(checks).toEqual([
      {
        provider: "telegram_stars",
        externalSubscriptionId: "pmu_Zk3v9QeL0wYt7bN2xR5aH1cD",
        periodEnd,
      },
    ]);
  });
});
