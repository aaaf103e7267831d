import { describe, expect, it } from "vitest";
import { ProgressParser } from "../../src/core/render/progress.ts";

describe("ProgressParser", () => {
  it("turns out_time into a fraction of the planned duration, across split chunks", () => {
    const seen: number[] = [];
    const parser = new ProgressParser(10, (f) => seen.push(f));
    parser.feed("frame=30\nout_time_us=1000000\nout_time=00:00:01.000000\nprogress=cont");
    parser.feed("inue\nout_time_us=2500");
    parser.feed("000\nprogress=continue\n");
    expect(seen).toEqual([0.1, 0.25]);
  });

  it("never goes backwards, is clamped to 0..1 and ends at 1", () => {
    const seen: number[] = [];
    const parser = new ProgressParser(4, (f) => seen.push(f));
    parser.feed("out_time_us=-23000\nout_time_us=3000000\nout_time_us=1000000\nout_time_us=N/A\n");
    parser.feed("out_time_us=9000000\nprogress=end\n");
    expect(seen).toEqual([0.75, 1]);
    for (const f of seen) expect(f).toBeLessThanOrEqual(1);
  });
});
