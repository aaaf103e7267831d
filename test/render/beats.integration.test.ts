/**
 * Beat tracking of a user's music, decoded by the real ffmpeg with the render's leading-silence cut: songs the
 * project's synthesiser plays at 90, 104 and 128 bpm (drums, bass, chords; after a leading silence, starting between
 * two beats) must give their tempo within 2 % and their beats within 30 ms; an ambient pad and a voice-like
 * recording must give no beat.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findMusicBeats } from "../../src/core/render/beats/music-beats.ts";
import { resolveFfmpeg } from "../../src/core/render/index.ts";
import { SCORES, type Score } from "../../src/core/render/soundtrack/scores.ts";
import { SAMPLE_RATE } from "../../src/core/render/soundtrack/synth.ts";
import { encodeWav } from "../../src/core/render/soundtrack/wav.ts";
import { synthSong } from "./fixtures.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pm-beats-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * A pop groove at `beatFrames` per beat: a kick on every beat, a clap on two and four, hi-hats on every eighth, bass
 * and piano chords on one and three.
 */
const groove = (beatFrames: number): Score => ({
  beatFrames,
  beatsPerBar: 4,
  chords: SCORES.classic.chords,
  parts: [
    { voice: "kick", gain: 0.8, pan: 0, bar: [0, 1, 2, 3].map((at) => ({ at, beats: 0.5, notes: [] })) },
    { voice: "snare", gain: 0.3, pan: 0.05, bar: [1, 3].map((at) => ({ at, beats: 0.5, notes: [] })) },
    {
      voice: "hat",
      gain: 0.15,
      pan: 0.3,
      bar: [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5].map((at) => ({ at, beats: 0.25, notes: [] })),
    },
    {
      voice: "bass",
      gain: 0.45,
      pan: 0,
      bar: [0, 2].map((at) => ({ at, beats: 1.5, notes: [-1], octave: -1 })),
    },
    {
      voice: "piano",
      gain: 0.25,
      pan: -0.2,
      bar: [0, 2].map((at) => ({ at, beats: 2, notes: "chord" as const })),
    },
  ],
});

/** Slow pad chords, one every six seconds, and nothing else: music without a beat. */
const pad: Score = {
  beatFrames: 45,
  beatsPerBar: 4,
  chords: SCORES.cinematic.chords,
  parts: [{ voice: "pad", gain: 0.4, pan: 0, bar: [{ at: 0, beats: 4, notes: "chord" }] }],
};

/**
 * Something like a voice note: voiced syllables (a gliding pitch with a few formants) of irregular length, with
 * irregular pauses and a few breathy consonants between them.
 */
function voiceLike(seconds: number): Float32Array {
  const out = new Float32Array(Math.round(seconds * SAMPLE_RATE));
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  let t = 0.4;
  while (t < seconds - 0.6) {
    const length = 0.09 + 0.3 * random();
    const f0 = 95 + 90 * random();
    const glide = (random() - 0.5) * 0.4;
    const start = Math.round(t * SAMPLE_RATE);
    const count = Math.round(length * SAMPLE_RATE);
    let phase = 0;
    for (let i = 0; i < count && start + i < out.length; i++) {
      const x = i / count;
      const f = f0 * (1 + glide * x);
      phase += (2 * Math.PI * f) / SAMPLE_RATE;
      const envelope = Math.sin(Math.PI * x) ** 0.6;
      let v = 0;
      for (let h = 1; h * f < 4000; h++) {
        const formants = 1 / (1 + ((h * f - 600) / 250) ** 2) + 0.5 / (1 + ((h * f - 1700) / 300) ** 2);
        v += (Math.sin(h * phase) * formants) / h;
      }
      out[start + i] = 0.25 * envelope * v;
    }
    t += length;
    if (random() < 0.3) {
      const hiss = Math.round((0.04 + 0.08 * random()) * SAMPLE_RATE);
      const at = Math.round(t * SAMPLE_RATE);
      for (let i = 0; i < hiss && at + i < out.length; i++) out[at + i] = 0.05 * (random() * 2 - 1);
    }
    t += random() < 0.25 ? 0.25 + 0.7 * random() : 0.03 + 0.12 * random();
  }
  return out;
}

describe("the beats of a user's music (real ffmpeg)", { timeout: 120_000 }, () => {
  it.each([
    { beatFrames: 20, mp3: false },
    { beatFrames: 17.3125, mp3: true },
    { beatFrames: 14.0625, mp3: false },
  ])("finds the tempo within 2 % and every beat within 30 ms (%o)", async ({ beatFrames, mp3 }) => {
    const song = await synthSong(
      join(dir, `groove-${beatFrames}.${mp3 ? "mp3" : "wav"}`),
      groove(beatFrames),
      {
        silenceSeconds: 1.3,
        startBeats: 2.4,
        loops: 2,
        mp3,
      },
    );
    const found = await findMusicBeats(song.path, await resolveFfmpeg());
    expect(found.loopSeconds).toBeCloseTo(song.seconds, 2);
    expect(found.bpm).not.toBeNull();
    expect(Math.abs((found.bpm ?? 0) / song.bpm - 1)).toBeLessThanOrEqual(0.02);
    // Every beat found is one of the song's, and (nearly) all of the song's are found.
    const misses = found.beats.map((b) => Math.min(...song.beats.map((t) => Math.abs(t - b))));
    expect(Math.max(...misses)).toBeLessThanOrEqual(0.03);
    expect(found.beats.length).toBeGreaterThanOrEqual(song.beats.length - 2);
    // Its first beat is not its first sound: the phase was found, not assumed.
    expect(found.beats[0]).toBeGreaterThan(0.1);
  });

  it("says there is no beat in an ambient pad or a voice note", async () => {
    const padSong = await synthSong(join(dir, "pad.wav"), pad, {
      silenceSeconds: 0.5,
      startBeats: 0,
      loops: 1,
    });
    const voicePath = join(dir, "voice.wav");
    await writeFile(voicePath, encodeWav([voiceLike(25)], SAMPLE_RATE));
    for (const path of [padSong.path, voicePath]) {
      const found = await findMusicBeats(path, await resolveFfmpeg());
      expect(found).toMatchObject({ beats: [], bpm: null });
      expect(found.loopSeconds).toBeGreaterThan(20);
    }
  });
});
