/**
 * A small additive synthesiser: a Score → a stereo loop of PCM that repeats seamlessly (the tails of the last bar's
 * notes ring on into the first bar). Every tone is a sum of sine partials kept below the Nyquist frequency, so
 * nothing aliases; noise (drums) comes from a seeded generator. Pure and deterministic: same score, same samples.
 */
import type { Hit, Part, Score, Voice } from "./scores.ts";

export const SAMPLE_RATE = 48_000;
/** Samples per video frame at 30 fps (48 000 / 30): beats are whole frames, so whole samples too. */
const SAMPLES_PER_FRAME = SAMPLE_RATE / 30;

export interface StereoLoop {
  left: Float32Array;
  right: Float32Array;
  sampleRate: number;
}

export function beatSamples(score: Score): number {
  return score.beatFrames * SAMPLES_PER_FRAME;
}

/** Yields to the event loop after every bar of every part (~10–30 ms of work), so a server stays responsive. */
export async function synthesise(score: Score): Promise<StereoLoop> {
  const beat = beatSamples(score);
  const length = score.chords.length * score.beatsPerBar * beat;
  // Room for the longest release after the loop's end; folded back onto its start below.
  const tail = SAMPLE_RATE * 4;
  const left = new Float32Array(length + tail);
  const right = new Float32Array(length + tail);
  const scratch = new NoteScratch();
  for (const [p, part] of score.parts.entries()) {
    for (const [bar, chord] of score.chords.entries()) {
      if (part.bars && !part.bars(bar)) continue;
      part.bar.forEach((hit, h) => {
        const start = bar * score.beatsPerBar * beat + Math.round(hit.at * beat);
        const seconds = (hit.beats * beat) / SAMPLE_RATE;
        const seed = (p + 1) * 7919 + bar * 131 + h;
        // A drum plays once per hit, whatever its notes (scores give drums none).
        const pitches = isDrum(part.voice) ? [0] : pitchesOf(hit, chord);
        for (const pitch of pitches) {
          renderNote(part, pitch, hit.velocity ?? 1, seconds, seed, left, right, start, scratch);
        }
      });
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  for (let i = 0; i < tail; i++) {
    left[i % length] = (left[i % length] as number) + (left[length + i] as number);
    right[i % length] = (right[i % length] as number) + (right[length + i] as number);
  }
  const loop = { left: left.slice(0, length), right: right.slice(0, length), sampleRate: SAMPLE_RATE };
  if (score.lofi) applyLofi(loop, score.lofi);
  removeDc(loop);
  return loop;
}

function isDrum(voice: Voice): voice is "kick" | "snare" | "hat" {
  return voice === "kick" || voice === "snare" || voice === "hat";
}

function pitchesOf(hit: Hit, chord: readonly number[]): number[] {
  const shift = 12 * (hit.octave ?? 0);
  const picked =
    hit.notes === "chord"
      ? [...chord]
      : hit.notes.map((i) => (i < 0 ? (chord[0] as number) - 12 : (chord[i % chord.length] as number)));
  return picked.map((n) => n + shift);
}

interface Partial {
  ratio: number;
  amp: number;
  /** Exponential decay rate (1/s) of this partial; 0 = sustained. */
  decay: number;
}

interface Instrument {
  partials: (frequency: number) => Partial[];
  attack: number;
  release: number;
  /** Detuned copies (cents) for a chorus; [0] for one voice. */
  detune: readonly number[];
}

const INSTRUMENTS: Record<Exclude<Voice, "kick" | "snare" | "hat">, Instrument> = {
  // Hammered string: bright onset, upper partials fading first, lower notes ringing longer.
  piano: {
    partials: (f) => {
      const base = 0.9 + f / 700;
      return [1, 2, 3, 4, 5, 6, 7].map((h) => ({
        ratio: h * Math.sqrt(1 + 0.0003 * h * h),
        amp: 1 / h ** 1.6,
        decay: base * (1 + 0.7 * (h - 1)),
      }));
    },
    attack: 0.006,
    release: 0.9,
    detune: [0],
  },
  // Bowed-string pad: soft sawtooth-like spectrum, slow swell, three detuned voices.
  pad: {
    partials: () => [1, 2, 3, 4, 5].map((h) => ({ ratio: h, amp: 1 / h ** 1.7, decay: 0 })),
    attack: 1.1,
    release: 2.2,
    detune: [-6, 6],
  },
  // Plucked synth: a short, bright decay.
  pluck: {
    partials: () =>
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((h) => ({ ratio: h, amp: 0.9 / h, decay: 4 + 1.8 * h })),
    attack: 0.003,
    release: 0.25,
    detune: [-4, 4],
  },
  bass: {
    partials: () => [
      { ratio: 1, amp: 1, decay: 0.9 },
      { ratio: 2, amp: 0.35, decay: 2.5 },
      { ratio: 3, amp: 0.12, decay: 4 },
    ],
    attack: 0.012,
    release: 0.3,
    detune: [0],
  },
  // A tuned steel tine: the fundamental rings, the inharmonic overtones fade fast.
  musicbox: {
    partials: () => [
      { ratio: 1, amp: 1, decay: 1.3 },
      { ratio: 2.0, amp: 0.18, decay: 3.5 },
      { ratio: 5.4, amp: 0.1, decay: 9 },
      { ratio: 8.9, amp: 0.04, decay: 14 },
    ],
    attack: 0.002,
    release: 1.6,
    detune: [0],
  },
};

const midiToHz = (note: number) => 440 * 2 ** ((note - 69) / 12);

/**
 * A note's envelope and tone buffers, reused from note to note: a fresh pair per note (a few hundred notes of up to a
 * few seconds each) left ~50–80 MB of garbage in the process's RSS while the first segments rendered beside it.
 */
class NoteScratch {
  private envelope = new Float32Array(0);
  private tone = new Float32Array(0);

  /** Zeroed buffers of `length` samples, valid until the next call. */
  take(length: number): { envelope: Float32Array; tone: Float32Array } {
    if (this.tone.length < length) {
      this.envelope = new Float32Array(length);
      this.tone = new Float32Array(length);
    }
    const envelope = this.envelope.subarray(0, length);
    const tone = this.tone.subarray(0, length);
    tone.fill(0);
    return { envelope, tone };
  }
}

function renderNote(
  part: Part,
  pitch: number,
  velocity: number,
  seconds: number,
  seed: number,
  left: Float32Array,
  right: Float32Array,
  start: number,
  scratch: NoteScratch,
): void {
  const gain = part.gain * velocity;
  // Equal-power pan.
  const angle = ((part.pan + 1) * Math.PI) / 4;
  const gl = Math.cos(angle) * gain;
  const gr = Math.sin(angle) * gain;
  if (isDrum(part.voice)) {
    drum(part.voice, seed, left, right, start, gl, gr);
    return;
  }
  const instrument = INSTRUMENTS[part.voice];
  const frequency = midiToHz(pitch);
  const held = Math.max(instrument.attack, seconds);
  const heldN = Math.round(held * SAMPLE_RATE);
  const releaseN = Math.round(instrument.release * SAMPLE_RATE);
  const total = Math.min(left.length - start, heldN + releaseN);
  if (total <= 0) return;
  // Raised-cosine attack and release: both reach exactly zero, so a note never starts or stops with a click.
  const { envelope, tone } = scratch.take(total);
  const attackN = Math.max(1, Math.round(instrument.attack * SAMPLE_RATE));
  for (let i = 0; i < total; i++) {
    const rise = i < attackN ? 0.5 - 0.5 * Math.cos((Math.PI * (i + 1)) / attackN) : 1;
    const fall = i < heldN ? 1 : 0.5 + 0.5 * Math.cos((Math.PI * (i - heldN)) / releaseN);
    envelope[i] = rise * fall;
  }
  const voices = instrument.detune.length;
  for (const cents of instrument.detune) {
    const f0 = frequency * 2 ** (cents / 1200);
    for (const partial of instrument.partials(f0)) {
      const f = f0 * partial.ratio;
      if (f >= SAMPLE_RATE * 0.45 || partial.amp < 0.02) continue;
      // Sine by the two-term recurrence s[n+1] = 2cos(w)·s[n] − s[n−1] (exact, one multiply per sample).
      const w = (2 * Math.PI * f) / SAMPLE_RATE;
      const k = 2 * Math.cos(w);
      const phase = ((seed * 0.618 + pitch * 0.377 + partial.ratio * 0.29) % 1) * 2 * Math.PI;
      let s1 = Math.sin(phase - w);
      let s0 = Math.sin(phase);
      const fall = Math.exp(-partial.decay / SAMPLE_RATE);
      let amp = partial.amp / voices;
      // A decaying partial stops once it is 80 dB down.
      const audible =
        partial.decay > 0 ? Math.ceil((Math.log(amp / 1e-4) / partial.decay) * SAMPLE_RATE) : total;
      for (let i = 0; i < Math.min(total, audible); i++) {
        tone[i] = (tone[i] as number) + s0 * amp;
        const next = k * s0 - s1;
        s1 = s0;
        s0 = next;
        amp *= fall;
      }
    }
  }
  for (let i = 0; i < total; i++) {
    const v = (tone[i] as number) * (envelope[i] as number);
    left[start + i] = (left[start + i] as number) + v * gl;
    right[start + i] = (right[start + i] as number) + v * gr;
  }
}

/** Seeded xorshift noise in −1…1: the same drum hit sounds the same every render. */
function noise(seed: number): () => number {
  let x = (seed * 2654435761) >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2147483648 - 1;
  };
}

/** One-pole low-pass coefficient at `hz`: 1 − e^(−2π·hz / 48 kHz). */
const onePole = (hz: number) => 1 - Math.exp((-2 * Math.PI * hz) / SAMPLE_RATE);
/**
 * Both noise drums roll off above ~3 kHz: the hat is a soft tick rather than a sizzle, and with it the music stays
 * 45 dB quieter above 12 kHz than overall (the soundtrack test), where a brighter hat would fizz.
 */
const HAT_LOWPASS = onePole(3000);
const CLAP_LOWPASS = onePole(3000);
const HAT_GAIN = 4;
const CLAP_GAIN = 3;

function drum(
  voice: "kick" | "snare" | "hat",
  seed: number,
  left: Float32Array,
  right: Float32Array,
  start: number,
  gl: number,
  gr: number,
): void {
  const rand = noise(seed);
  const seconds = voice === "kick" ? 0.45 : voice === "snare" ? 0.25 : 0.08;
  const total = Math.min(left.length - start, Math.round(seconds * SAMPLE_RATE));
  let phase = 0;
  let previous = 0;
  let lp1 = 0;
  let lp2 = 0;
  let lp3 = 0;
  for (let i = 0; i < total; i++) {
    const t = i / SAMPLE_RATE;
    const click = Math.min(1, i / (0.002 * SAMPLE_RATE));
    let v: number;
    if (voice === "kick") {
      // A soft, round thump: a sine falling from ~130 Hz to ~48 Hz.
      phase += (2 * Math.PI * (48 + 82 * Math.exp(-t * 28))) / SAMPLE_RATE;
      v = Math.sin(phase) * Math.exp(-t * 8) * click;
    } else {
      // Noise, high-passed by its first difference and rolled off above by three one-pole low-passes: a hat that
      // ticks and a clap with body, neither fizzing in the top octaves.
      const white = rand();
      const high = white - previous;
      previous = white;
      const cut = voice === "hat" ? HAT_LOWPASS : CLAP_LOWPASS;
      lp1 += cut * (high - lp1);
      lp2 += cut * (lp1 - lp2);
      lp3 += cut * (lp2 - lp3);
      if (voice === "hat") {
        v = lp3 * HAT_GAIN * Math.exp(-t * 55) * click;
      } else {
        phase += (2 * Math.PI * 185) / SAMPLE_RATE;
        v = (lp3 * CLAP_GAIN + Math.sin(phase) * 0.35 * Math.exp(-t * 30)) * Math.exp(-t * 22) * click;
      }
    }
    left[start + i] = (left[start + i] as number) + v * gl;
    right[start + i] = (right[start + i] as number) + v * gr;
  }
}

/**
 * Tape colour: a two-pole low-pass and a slow pitch wobble (a delay line swept by a sine that fits the loop a whole
 * number of times, so the loop stays seamless).
 */
function applyLofi(loop: StereoLoop, lofi: { lowpassHz: number; wowCents: number }): void {
  const n = loop.left.length;
  const cycles = Math.max(1, Math.round(n / SAMPLE_RATE / 1.8));
  // Delay swing giving ±wowCents of pitch: depth = cents·ln2/1200 / ω.
  const omega = (2 * Math.PI * cycles) / n;
  const depth = (lofi.wowCents * Math.LN2) / 1200 / omega;
  const a = Math.exp((-2 * Math.PI * lofi.lowpassHz) / SAMPLE_RATE);
  for (const channel of [loop.left, loop.right]) {
    const source = channel.slice();
    let y1 = 0;
    let y2 = 0;
    // Two passes over the loop: the filter's state at the start equals its state at the end (no click at the seam).
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < n; i++) {
        const delay = depth * (1 + Math.sin(omega * i)) + 2;
        const at = i - delay;
        const j = Math.floor(at);
        const frac = at - j;
        const s0 = source[((j % n) + n) % n] as number;
        const s1 = source[(((j + 1) % n) + n) % n] as number;
        const x = s0 + (s1 - s0) * frac;
        y1 += (1 - a) * (x - y1);
        y2 += (1 - a) * (y1 - y2);
        if (pass === 1) channel[i] = y2;
      }
    }
  }
}

/** Takes out any offset (the mean of the loop): a DC offset wastes headroom and thumps at the fades. */
function removeDc(loop: StereoLoop): void {
  for (const channel of [loop.left, loop.right]) {
    let sum = 0;
    for (const v of channel) sum += v;
    const mean = sum / channel.length;
    for (let i = 0; i < channel.length; i++) channel[i] = (channel[i] as number) - mean;
  }
}
