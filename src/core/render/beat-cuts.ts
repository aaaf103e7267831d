/**
 * Cuts on the beat of a user's music (pure, part of planRender): each cut, where a transition starts, moves to the
 * music's beat nearest to where the style's pace puts it, within bounds that keep the style's pace.
 */
import type { MusicBeats, PlannedSlide } from "./types.ts";

/** A slide's length (its transitions included) stays between these fractions of the style's. */
const SHORTEST = 0.7;
const LONGEST = 1.5;

/** The video frames (fractional) the music's beats fall on up to `untilFrame`: the file loops, and its beats too. */
export function beatFrames(music: MusicBeats, fps: number, untilFrame: number): number[] {
  const inLoop = music.beats.filter((b) => b >= 0 && b < music.loopSeconds).sort((a, b) => a - b);
  const frames: number[] = [];
  if (inLoop.length === 0 || !(music.loopSeconds > 0)) return frames;
  for (let offset = 0; offset * fps <= untilFrame; offset += music.loopSeconds) {
    for (const beat of inLoop) {
      const frame = (beat + offset) * fps;
      if (frame > untilFrame) break;
      frames.push(frame);
    }
  }
  return frames;
}

/**
 * The slides with every cut on a beat: the beat nearest to the cut's frame at the style's pace (`paced`, each slide's
 * start; aiming at it rather than at the previous cut plus a slide keeps the memory's length), among those that keep
 * each slide between SHORTEST and LONGEST of its planned length and at least half of its still part (between its
 * transitions). A cut with no beat in reach (a gap in the music) stays as near its paced frame as the bounds allow.
 * Transitions keep their length (whole beats); the last slide keeps its length.
 */
export function cutOnBeats(
  slides: readonly PlannedSlide[],
  paced: readonly number[],
  beats: readonly number[],
): PlannedSlide[] {
  const starts = [0];
  for (let i = 1; i < slides.length; i++) {
    const ending = slides[i - 1] as PlannedSlide;
    const planned = paced[i] as number;
    const transitions = (slides[i - 2]?.transitionOut?.frames ?? 0) + (ending.transitionOut?.frames ?? 0);
    const shortest = Math.max(
      Math.ceil(ending.frames * SHORTEST),
      transitions + Math.ceil((ending.frames - transitions) / 2),
    );
    const longest = Math.max(shortest, Math.floor(ending.frames * LONGEST));
    const overlap = ending.transitionOut?.frames ?? 0;
    const previous = starts[i - 1] as number;
    const earliest = previous + shortest - overlap;
    const latest = previous + longest - overlap;
    let cut = Math.min(latest, Math.max(earliest, planned));
    let miss = Number.POSITIVE_INFINITY;
    for (const beat of beats) {
      const frame = Math.round(beat);
      if (frame < earliest) continue;
      if (frame > latest) break;
      if (Math.abs(beat - planned) < miss) {
        miss = Math.abs(beat - planned);
        cut = frame;
      }
    }
    starts.push(cut);
  }
  return slides.map((slide, i) => {
    const start = starts[i] as number;
    const next = starts[i + 1];
    const frames = next === undefined ? slide.frames : next - start + (slide.transitionOut?.frames ?? 0);
    return { ...slide, startFrame: start, frames };
  });
}
