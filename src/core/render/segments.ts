/**
 * Splits a plan into segments that ffmpeg renders one process at a time, so no filter graph ever holds more than a
 * few photos. Cuts fall in the middle of a photo's hold (never inside a transition); the motion is a function of the
 * photo's own frame number, so it continues seamlessly across a cut. Pure.
 */
import type { RenderPlan } from "./types.ts";

export interface SegmentSlide {
  slideIndex: number;
  /** How many frames of the slide came before this segment (the motion continues from there). */
  offsetFrames: number;
  frames: number;
  /** Where the piece starts inside the segment. */
  localStart: number;
}

export interface Segment {
  index: number;
  startFrame: number;
  frames: number;
  slides: SegmentSlide[];
}

export const SLIDES_PER_SEGMENT = 1;

/**
 * Every segment is written with timestamps on the memory's timeline, lifted by this much so that no decode
 * timestamp is negative (x264's B-frames start two frames early): appended in order, the segment files are one
 * continuous stream, and the final mux starts it at zero again.
 */
export const TIMELINE_BASE_SECONDS = 10;

export function segmentTimestampOffset(plan: Pick<RenderPlan, "fps">, segment: Segment): number {
  return TIMELINE_BASE_SECONDS + segment.startFrame / plan.fps;
}

export function planSegments(plan: RenderPlan, slidesPerSegment = SLIDES_PER_SEGMENT): Segment[] {
  const cuts = [0];
  let sinceCut = 0;
  plan.slides.forEach((slide, i) => {
    sinceCut += 1;
    const transitionIn = plan.slides[i - 1]?.transitionOut?.frames ?? 0;
    const holdStart = slide.startFrame + transitionIn;
    const holdEnd = slide.startFrame + slide.frames - (slide.transitionOut?.frames ?? 0);
    const cut = Math.floor((holdStart + holdEnd) / 2);
    const previous = cuts[cuts.length - 1] ?? 0;
    if (sinceCut >= slidesPerSegment && holdEnd > holdStart && cut > previous && cut < plan.totalFrames) {
      cuts.push(cut);
      sinceCut = 0;
    }
  });
  cuts.push(plan.totalFrames);

  const segments: Segment[] = [];
  for (let j = 0; j + 1 < cuts.length; j++) {
    const a = cuts[j] as number;
    const b = cuts[j + 1] as number;
    const slides: SegmentSlide[] = [];
    plan.slides.forEach((slide, slideIndex) => {
      const from = Math.max(a, slide.startFrame);
      const to = Math.min(b, slide.startFrame + slide.frames);
      if (to > from)
        slides.push({
          slideIndex,
          offsetFrames: from - slide.startFrame,
          frames: to - from,
          localStart: from - a,
        });
    });
    segments.push({ index: j, startFrame: a, frames: b - a, slides });
  }
  return segments;
}
