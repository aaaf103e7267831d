import { describe, expect, it } from "vitest";
import { createProgressThrottle, formatProgress } from "../../src/core/memories/progress-throttle.ts";

describe("progress throttle", () => {
  it("allows at most one edit per 2 s", () => {
    let now = 0;
    const throttle = createProgressThrottle({ now: () => now });
    expect(throttle.next(0.1)).toBe(0.1);
    now = 1000;
    expect(throttle.next(0.5)).toBeNull();
    now = 2100;
    expect(throttle.next(0.5)).toBe(0.5);
  });
  it("skips updates that would not change what the user sees", () => {
    let now = 0;
    const throttle = createProgressThrottle({ now: () => now });
    expect(throttle.next(0.21)).toBe(0.2);
    now = 10_000;
    expect(throttle.next(0.24)).toBeNull();
    expect(throttle.next(0.1)).toBeNull();
    expect(throttle.next(0.25)).toBe(0.25);
  });
  it("shows a text bar", () => {
    expect(formatProgress(0.4)).toBe("▓▓▓▓░░░░░░ 40 %");
  });
});
