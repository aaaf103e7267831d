/**
 * Cinematic's fade through black is spliced from two maskedmerges (see fadeSplices) instead of xfade: the same
 * transition, frame by frame, as ffmpeg's own xfade=fadeblack, and a cinematic segment graph holds no xfade.
 */
import { describe, expect, it } from "vitest";
import { fadeBlackMask, segmentFilterGraph } from "../../src/core/render/filter-graph.ts";
import { planRender, type RenderPlan } from "../../src/core/render/index.ts";
import { planSegments } from "../../src/core/render/segments.ts";
import { fakePhoto, ffmpegStdout, scriptFor } from "./fixtures.ts";

const size = { width: 64, height: 36 };
const plan = { ...size, fps: 30 } as RenderPlan;
const frames = 30;
const lead = 10; // frames of the old colour before the transition
/** Two flat colours (an old photo and a new one), as yuv420p streams of `lead + frames + lead` frames. */
const colour = (c: string, label: string) =>
  `color=c=${c}:s=${size.width}x${size.height}:r=30,format=yuv420p,trim=end_frame=${lead + frames + lead},setpts=N/(30*TB)[${label}]`;

/** Mean Y, U and V of each frame of a raw yuv420p stream. */
function means(raw: Buffer): [number, number, number][] {
  const luma = size.width * size.height;
  const frame = luma * 1.5;
  const out: [number, number, number][] = [];
  for (let f = 0; f + frame <= raw.length; f += frame) {
    const mean = (from: number, n: number) => {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += raw[f + from + i] as number;
      return sum / n;
    };
    out.push([mean(0, luma), mean(luma, luma / 4), mean(luma * 1.25, luma / 4)]);
  }
  return out;
}

const yuv = (graph: string) =>
  ffmpegStdout(["-filter_complex", graph, "-map", "[v]", "-f", "rawvideo", "-pix_fmt", "yuv420p", "-"]);

describe("fade through black without xfade", () => {
  it("matches xfade=fadeblack frame by frame", async () => {
    const expected = means(
      await yuv(
        [
          colour("0xE0B070", "a"),
          colour("0x3070C0", "b"),
          `[a][b]xfade=transition=fadeblack:duration=${frames / 30}:offset=${lead / 30}[v]`,
        ].join(";"),
      ),
    );
    // As fadeSplices does it: the new photo's frames, the old one's tail merged in, then black merged over both.
    const black = `color=c=black:s=${size.width}x${size.height}:r=30,format=yuv420p,lutyuv=y=0,trim=end_frame=${frames}[k]`;
    const spliced = means(
      await yuv(
        [
          colour("0xE0B070", "a0"),
          colour("0x3070C0", "b0"),
          `[a0]trim=start_frame=${lead}:end_frame=${lead + frames},setpts=PTS-STARTPTS[t]`,
          `[b0]trim=end_frame=${frames + lead},setpts=PTS-STARTPTS[m]`,
          `${fadeBlackMask(plan, frames, "outgoing")}[wo]`,
          `${fadeBlackMask(plan, frames, "black")}[wb]`,
          black,
          `[m][t][wo]maskedmerge=enable='lt(n,${frames})'[q]`,
          `[q][k][wb]maskedmerge=enable='lt(n,${frames})'[v]`,
        ].join(";"),
      ),
    );
    const transition = expected.slice(lead, lead + frames + lead);
    expect(spliced).toHaveLength(transition.length);
    // It does go through black in the middle…
    expect(Math.min(...spliced.map((m) => m[0]))).toBeLessThan(40);
    // … and every frame's colour is xfade's within a couple of levels (two roundings, against one float mix).
    spliced.forEach((m, n) => {
      const want = transition[n] as [number, number, number];
      for (let c = 0; c < 3; c++)
        expect(Math.abs((m[c] as number) - (want[c] as number))).toBeLessThanOrEqual(2.5);
    });
  });

  it("plans cinematic's segments without xfade", () => {
    const photos = Array.from({ length: 6 }, (_, i) =>
      fakePhoto(`p${i}`, i % 2 ? 2304 : 3072, i % 2 ? 3072 : 2304),
    );
    const cinematic = planRender(photos, scriptFor(photos, { captions: { p1: "Hi" } }), "cinematic", {
      aspect: "16:9",
      resolution: 720,
    });
    const kinds = new Set(cinematic.slides.map((s) => s.transitionOut?.kind).filter(Boolean));
    expect(kinds).toEqual(new Set(["fade", "fadeblack"]));
    for (const segment of planSegments(cinematic)) {
      const graph = segmentFilterGraph(cinematic, segment);
      expect(graph).not.toContain("xfade");
      if (segment.slides.length > 1) expect(graph).toContain("maskedmerge=enable=");
    }
  });
});
