/** Planning on the beat of a user's song (pure): every cut on a beat, the style's pace kept, looping songs too. */
import { describe, expect, it } from "vitest";
import { STYLE_NAMES, type StyleName } from "../../src/core/domain.ts";
import { FPS, planRender, STYLES } from "../../src/core/render/index.ts";
import type { MusicBeats, RenderPlan } from "../../src/core/render/types.ts";
import { fakePhoto, scriptFor } from "./fixtures.ts";

const options = { aspect: "16:9" as const, resolution: 720 as const, musicPath: "/music/song.mp3" };
const photos = Array.from({ length: 9 }, (_, i) => fakePhoto(`p${i + 1}`, 3072, 2048));

/** A steady song: `bpm`, the first beat `phase` seconds after its first sound, beats until `until`, looping every `loop` s. */
function steady(bpm: number, phase: number, until: number, loop: number): MusicBeats {
  const beats: number[] = [];
  for (let t = phase; t < until; t += 60 / bpm) beats.push(t);
  return { beats, loopSeconds: loop, bpm, confidence: 0.6 };
}

/** Every beat of the music as the video plays it, the file looping, in frames. */
function playedBeats(music: MusicBeats, seconds: number): number[] {
  const frames: number[] = [];
  for (let offset = 0; offset < seconds; offset += music.loopSeconds)
    for (const b of music.beats) frames.push((b + offset) * FPS);
  return frames;
}

const cuts = (plan: RenderPlan) => plan.slides.slice(1).map((s) => s.startFrame);

function expectOnBeats(plan: RenderPlan, music: MusicBeats, style: StyleName) {
  const beats = playedBeats(music, plan.durationSeconds + 10);
  for (const cut of cuts(plan)) {
    expect(Math.min(...beats.map((b) => Math.abs(b - cut)))).toBeLessThanOrEqual(1);
  }
  // The style's pace, give or take: never a flash, never a long wait (a slide's whole length, transitions included).
  const spec = STYLES[style];
  for (const slide of plan.slides) {
    const planned =
      (slide.kind === "title"
        ? spec.titleSeconds
        : slide.kind === "photo"
          ? spec.photoSeconds
          : spec.closingSeconds) * FPS;
    expect(slide.frames).toBeGreaterThanOrEqual(planned * 0.6);
    expect(slide.frames).toBeLessThanOrEqual(planned * 1.5);
    expect(slide.frames).toBeGreaterThan(1.5 * FPS);
  }
  // Every slide keeps a still part between its transitions (where the renderer may cut segments).
  plan.slides.forEach((slide, i) => {
    const into = plan.slides[i - 1]?.transitionOut?.frames ?? 0;
    expect(slide.frames - into - (slide.transitionOut?.frames ?? 0)).toBeGreaterThan(FPS / 3);
  });
}

describe("cuts on the beat of a user's song", () => {
  it.each(STYLE_NAMES.flatMap((style) => [90, 104, 128, 61].map((bpm) => [style, bpm] as const)))(
    "%s at %d bpm: every cut within a frame of a beat, transitions whole beats, the length kept",
    (style, bpm) => {
      const music = steady(bpm, 0.37, 300, 300);
      const plain = planRender(photos, scriptFor(photos), style, options);
      const plan = planRender(photos, scriptFor(photos), style, { ...options, musicBeats: music });
      expectOnBeats(plan, music, style);
      const beat = (60 * FPS) / bpm;
      for (const slide of plan.slides) {
        if (!slide.transitionOut) continue;
        const beats = Math.round(slide.transitionOut.frames / beat);
        expect(beats).toBeGreaterThanOrEqual(1);
        expect(Math.abs(slide.transitionOut.frames - beats * beat)).toBeLessThanOrEqual(0.5);
      }
      // The memory's length stays the style's: within a beat of the plan without the song's beats.
      expect(Math.abs(plan.totalFrames - plain.totalFrames)).toBeLessThanOrEqual(beat + 1);
      // The cuts did move: most of the plain plan's cuts are off the beat.
      expect(cuts(plan)).not.toEqual(cuts(plain));
    },
  );

  it("follows the beats round a loop: a short song with a gap before it comes round again", () => {
    // 7.6 s of music with beats at 104 bpm for 6.2 s, then its (uncut) leading silence when it loops.
    const music = steady(104, 0.21, 6.2, 7.6);
    for (const style of STYLE_NAMES) {
      const plan = planRender(photos, scriptFor(photos), style, { ...options, musicBeats: music });
      expect(plan.durationSeconds).toBeGreaterThan(music.loopSeconds * 3);
      expectOnBeats(plan, music, style);
    }
  });

  it("keeps to beats that drift (a live band): each cut on one of the song's own beats", () => {
    const beats: number[] = [];
    for (let t = 0.5, i = 0; t < 200; i++) {
      beats.push(t);
      t += 0.6 + 0.04 * Math.sin(i / 9);
    }
    const music = { beats, loopSeconds: 200, bpm: 100, confidence: 0.4 };
    const plan = planRender(photos, scriptFor(photos), "classic", { ...options, musicBeats: music });
    expectOnBeats(plan, music, "classic");
  });

  it("changes nothing without a beat, with the style's soundtrack or under a voice note", () => {
    const none = { beats: [], loopSeconds: 30, bpm: null, confidence: 0.05 };
    const music = steady(104, 0.3, 300, 300);
    for (const style of STYLE_NAMES) {
      const plain = planRender(photos, scriptFor(photos), style, options);
      expect(planRender(photos, scriptFor(photos), style, { ...options, musicBeats: none })).toEqual(plain);
      const { musicPath: _music, ...withoutMusic } = options;
      const soundtrack = planRender(photos, scriptFor(photos), style, withoutMusic);
      expect(planRender(photos, scriptFor(photos), style, { ...withoutMusic, musicBeats: music })).toEqual(
        soundtrack,
      );
      const voiceOver = { path: "/voice.ogg", seconds: 5 };
      expect(
        planRender(photos, scriptFor(photos), style, { ...withoutMusic, voiceOver, musicBeats: music }),
      ).toEqual(planRender(photos, scriptFor(photos), style, { ...withoutMusic, voiceOver }));
    }
  });
});
