import { describe, expect, it } from "vitest";
import { createSemaphore } from "../../src/core/jobs/semaphore.ts";
import { gate } from "./helpers.ts";

describe("render semaphore (RENDER_CONCURRENCY)", () => {
  it("never runs more renders at once than the limit, and frees the slot when a render fails", async () => {
    const slots = createSemaphore(2);
    let running = 0;
    let peak = 0;
    const gates = [gate(), gate(), gate(), gate()];
    const renders = gates.map((g, i) =>
      slots.use(async () => {
        running++;
        peak = Math.max(peak, running);
        await g.promise;
        running--;
        if (i === 0) throw new Error("ffmpeg failed");
        return i;
      }),
    );
    await Promise.resolve();
    expect(slots.active).toBe(2);
    expect(slots.waiting).toBe(2);
    gates[0]?.open();
    await expect(renders[0]).rejects.toThrow("ffmpeg failed");
    for (const g of gates.slice(1)) g.open();
    expect(await Promise.all(renders.slice(1))).toEqual([1, 2, 3]);
    expect(peak).toBe(2);
    expect(slots.active).toBe(0);
  });
});
