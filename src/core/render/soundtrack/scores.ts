/**
 * The soundtrack of each style as data: a tempo, one chord per bar, and parts that play the chords in a rhythm.
 * The synthesiser (synth.ts) turns a score into a seamless loop. Every tempo is a whole number of video frames per
 * beat at 30 fps, so the plan can put every cut exactly on a beat.
 */
import type { StyleName } from "../../domain.ts";

/** A voice of the synthesiser (see synth.ts); drums ignore the notes. */
export type Voice = "piano" | "pad" | "pluck" | "bass" | "musicbox" | "kick" | "snare" | "hat";

/** One event in a bar: when (in beats from the bar's start), how long, and which chord tones. */
export interface Hit {
  at: number;
  beats: number;
  /** Indices into the bar's chord (-1 = the chord's root an octave down), or "chord" for all of it. */
  notes: "chord" | readonly number[];
  /** Octave shift of the notes. */
  octave?: number;
  velocity?: number;
}

export interface Part {
  voice: Voice;
  /** Linear gain of the part in the mix. */
  gain: number;
  /** -1 (left) … 1 (right). */
  pan: number;
  /** The hits of one bar, repeated every bar the part plays. */
  bar: readonly Hit[];
  /** Which bars of the loop the part plays; all when absent. */
  bars?: (bar: number) => boolean;
}

export interface Score {
  /** Video frames (30 fps) per beat: the tempo is 1800 / beatFrames beats per minute. */
  beatFrames: number;
  beatsPerBar: number;
  /** One chord per bar (MIDI note numbers, lowest first); the loop is this many bars long. */
  chords: readonly (readonly number[])[];
  parts: readonly Part[];
  /** Lo-fi colour: a low-pass corner (Hz) and a slow pitch wobble (tape wow, in cents). */
  lofi?: { lowpassHz: number; wowCents: number };
}

const secondHalf = (bar: number) => bar >= 4;
const eighths = (notes: readonly number[], from: number, count: number, velocity = 1): Hit[] =>
  Array.from({ length: count }, (_, i) => ({
    at: from + i / 2,
    beats: 0.5,
    notes: [notes[i % notes.length] as number],
    velocity,
  }));

// Chords are voiced close around middle C (60) so every part sits in a pleasant register.
const C = [60, 64, 67];
const G_B = [59, 62, 67];
const Am = [57, 60, 64];
const F = [57, 60, 65];
const Em = [59, 64, 67];
const Dm = [57, 62, 65];
const Bb = [58, 62, 65];
const C_E = [55, 60, 64];

/** Warm piano chords, a low root, and a broken-chord melody in the second half; 75 bpm. */
const classic: Score = {
  beatFrames: 24,
  beatsPerBar: 4,
  chords: [C, G_B, Am, F, C, Em, F, G_B],
  parts: [
    { voice: "bass", gain: 0.5, pan: 0, bar: [{ at: 0, beats: 3.5, notes: [-1], octave: -1 }] },
    {
      voice: "piano",
      gain: 0.32,
      pan: -0.15,
      bar: [
        { at: 0, beats: 2, notes: "chord" },
        { at: 2, beats: 2, notes: "chord", velocity: 0.7 },
      ],
    },
    {
      voice: "piano",
      gain: 0.22,
      pan: 0.25,
      bar: [...eighths([0, 1, 2, 1], 0, 4, 0.9), ...eighths([2, 1, 0, 1], 2, 4, 0.8)].map((h) => ({
        ...h,
        octave: 1,
      })),
      bars: secondHalf,
    },
  ],
};

/** Bright plucked chords on the off-beats, a syncopated bass and a light kick, clap and hi-hat; 112.5 bpm. */
const modern: Score = {
  beatFrames: 16,
  beatsPerBar: 4,
  chords: [Am, F, C, G_B, Am, F, C, G_B],
  parts: [
    { voice: "kick", gain: 0.55, pan: 0, bar: [0, 1, 2, 3].map((at) => ({ at, beats: 0.5, notes: [] })) },
    {
      voice: "snare",
      gain: 0.16,
      pan: 0.05,
      bar: [1, 3].map((at) => ({ at, beats: 0.5, notes: [] })),
    },
    {
      voice: "hat",
      gain: 0.35,
      pan: 0.3,
      bar: [0.5, 1.5, 2.5, 3.5].map((at) => ({ at, beats: 0.25, notes: [] })),
    },
    {
      voice: "bass",
      gain: 0.5,
      pan: 0,
      bar: [
        { at: 0, beats: 1.25, notes: [-1], octave: -1 },
        { at: 1.5, beats: 0.5, notes: [-1], octave: -1, velocity: 0.7 },
        { at: 2.5, beats: 1, notes: [-1], octave: -1, velocity: 0.85 },
      ],
    },
    {
      voice: "pluck",
      gain: 0.2,
      pan: -0.2,
      bar: [0.5, 1, 2, 2.5, 3.5].map((at) => ({ at, beats: 0.4, notes: "chord" as const })),
    },
    {
      voice: "musicbox",
      gain: 0.14,
      pan: 0.3,
      bar: [
        { at: 0, beats: 1, notes: [2], octave: 1 },
        { at: 1.5, beats: 0.5, notes: [1], octave: 1 },
        { at: 2, beats: 1, notes: [0], octave: 1 },
        { at: 3, beats: 1, notes: [1], octave: 1, velocity: 0.8 },
      ],
      bars: secondHalf,
    },
  ],
};

/** Slow string pads over a deep root marked by a soft drum and a low piano note, high notes in the second half; 66.7 bpm. */
const cinematic: Score = {
  beatFrames: 27,
  beatsPerBar: 4,
  chords: [Dm, Bb, F, C_E, Dm, Bb, F, C_E],
  parts: [
    { voice: "pad", gain: 0.22, pan: 0, bar: [{ at: 0, beats: 4, notes: "chord" }] },
    { voice: "pad", gain: 0.2, pan: 0, bar: [{ at: 0, beats: 4, notes: [-1], octave: -1 }] },
    { voice: "kick", gain: 0.7, pan: 0, bar: [{ at: 0, beats: 1, notes: [] }] },
    { voice: "piano", gain: 0.35, pan: -0.1, bar: [{ at: 0, beats: 4, notes: [-1] }] },
    {
      voice: "piano",
      gain: 0.16,
      pan: 0.2,
      bar: [
        { at: 0, beats: 2, notes: [2], octave: 1 },
        { at: 2, beats: 1, notes: [1], octave: 1, velocity: 0.8 },
        { at: 3, beats: 1, notes: [0], octave: 1, velocity: 0.7 },
      ],
      bars: secondHalf,
    },
  ],
};

/** A music box over a soft pad, warm and slightly wobbly like an old tape; 81.8 bpm. */
const vintage: Score = {
  beatFrames: 22,
  beatsPerBar: 4,
  chords: [F, Dm, Bb, C_E, F, Dm, Bb, C_E],
  parts: [
    { voice: "pad", gain: 0.16, pan: 0, bar: [{ at: 0, beats: 4, notes: "chord", octave: -1 }] },
    { voice: "bass", gain: 0.35, pan: 0, bar: [{ at: 0, beats: 3, notes: [-1], octave: -1 }] },
    {
      voice: "musicbox",
      gain: 0.22,
      pan: 0.1,
      bar: [...eighths([0, 1, 2, 1], 0, 4), ...eighths([2, 1, 0, 2], 2, 4, 0.85)].map((h) => ({
        ...h,
        octave: 1,
      })),
    },
    {
      voice: "musicbox",
      gain: 0.14,
      pan: -0.3,
      bar: [
        { at: 0, beats: 2, notes: [2], octave: 2 },
        { at: 2, beats: 2, notes: [1], octave: 2, velocity: 0.8 },
      ],
      bars: secondHalf,
    },
  ],
  lofi: { lowpassHz: 3800, wowCents: 6 },
};

export const SCORES: Record<StyleName, Score> = { classic, modern, cinematic, vintage };

/** Beats per minute of a score (for people: the plan works in frames). */
export function tempoOf(score: Score): number {
  return 1800 / score.beatFrames;
}
