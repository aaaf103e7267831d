/**
 * Beat tracking of mono PCM, after Ellis (2007), "Beat tracking by dynamic programming" (librosa's beat_track): an
 * onset-strength envelope by spectral flux of the log-magnitude spectrum, the tempo by the envelope's autocorrelation
 * weighted towards 120 bpm, then the beats as the path through the envelope that best balances strong onsets against
 * steady spacing (dynamic programming). Music without a steady beat (speech, a voice note, an ambient pad) comes back
 * without beats: its envelope barely correlates with itself at any beat period. Pure and deterministic.
 */
import FFT from "fft.js";

export interface TrackedBeats {
  /** Beat times in seconds from the first sample; empty when there is no steady beat. */
  beats: number[];
  /** The tempo the beats keep (from their spacing); null when there is no steady beat. */
  bpm: number | null;
  /** 0–1: how strongly the onsets repeat at the beat period (autocorrelation of the envelope at that lag). */
  confidence: number;
}

/** Analysis window and hop in samples: at 11 025 Hz, 46 ms windows every 5.8 ms. */
const WINDOW = 512;
const HOP = 64;
/** The spectrum is read in this many mel-spaced bands up to MAX_HZ. */
const BANDS = 40;
const MAX_HZ = 5000;
/** The tempo range searched, and the prior's centre and width (log-normal, one octave). */
const MIN_BPM = 40;
const MAX_BPM = 240;
const PRIOR_BPM = 120;
const PRIOR_OCTAVES = 1;
/** How strictly the beats keep the tempo (librosa's tightness). */
const TIGHTNESS = 100;
/** Below this autocorrelation at the beat period the music has no beat to follow (the grooves in the tests measure ~0.7, an ambient pad 0.2, a voice 0.1). */
export const MIN_CONFIDENCE = 0.3;
/** Intervals that stray from the beats' average period by more than this (root mean square, in beats) are no steady beat. */
const MAX_DRIFT_BEATS = 0.08;
const MIN_BEATS = 8;
/** The first sound always makes an onset, beat or not (the cut starts the music from silence): it counts for nothing. */
const FIRST_SOUND_SECONDS = 0.1;

export function trackBeats(samples: Float32Array, sampleRate: number): TrackedBeats {
  const frameRate = sampleRate / HOP;
  const none = (confidence: number): TrackedBeats => ({ beats: [], bpm: null, confidence });
  const envelope = onsetEnvelope(samples, sampleRate);
  if (envelope.length < frameRate * 4) return none(0);
  envelope.fill(0, 0, Math.round(FIRST_SOUND_SECONDS * frameRate));
  standardise(envelope);
  const tempo = estimatePeriod(envelope, frameRate);
  if (!tempo || tempo.strength < MIN_CONFIDENCE) return none(Math.max(0, tempo?.strength ?? 0));
  const local = localScore(envelope, tempo.period);
  const frames = dynamicBeats(local, tempo.period);
  if (frames.length < MIN_BEATS) return none(tempo.strength);
  const beats = frames.map((f) => (refinePeak(local, f) * HOP) / sampleRate);
  const grid = fitGrid(beats, tempo.period / frameRate);
  if (grid.drift > MAX_DRIFT_BEATS) return none(tempo.strength);
  return { beats, bpm: 60 / grid.period, confidence: Math.min(1, tempo.strength) };
}

/**
 * Spectral flux of the log-magnitude spectrum in BANDS bands evenly spaced on the mel scale (so a kick's few low bins
 * count as much as a hi-hat's many high ones), one value per hop; frame t is centred on sample t × HOP.
 */
function onsetEnvelope(samples: Float32Array, sampleRate: number): Float64Array {
  let energy = 0;
  for (const s of samples) energy += s * s;
  const scale = 1 / Math.max(1e-9, Math.sqrt(energy / Math.max(1, samples.length)));
  const fft = new FFT(WINDOW);
  const window = Float64Array.from(
    { length: WINDOW },
    (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / WINDOW),
  );
  const input = new Float64Array(WINDOW);
  const spectrum = fft.createComplexArray();
  const bins = WINDOW / 2;
  const mel = (hz: number) => 2595 * Math.log10(1 + hz / 700);
  const top = mel(Math.min(MAX_HZ, sampleRate / 2));
  const bandOf = Int32Array.from({ length: bins }, (_, k) =>
    Math.min(BANDS - 1, Math.floor((mel((k * sampleRate) / WINDOW) / top) * BANDS)),
  );
  const band = new Float64Array(BANDS);
  let previous = new Float64Array(BANDS);
  let current = new Float64Array(BANDS);
  const count = Math.floor(samples.length / HOP) + 1;
  const envelope = new Float64Array(count);
  for (let t = 0; t < count; t++) {
    const from = t * HOP - WINDOW / 2;
    for (let i = 0; i < WINDOW; i++) {
      const at = from + i;
      input[i] = at >= 0 && at < samples.length ? (samples[at] as number) * scale * (window[i] as number) : 0;
    }
    fft.realTransform(spectrum, input);
    band.fill(0);
    for (let k = 1; k < bins; k++) {
      const re = spectrum[2 * k] as number;
      const im = spectrum[2 * k + 1] as number;
      const b = bandOf[k] as number;
      band[b] = (band[b] as number) + re * re + im * im;
    }
    let flux = 0;
    for (let b = 0; b < BANDS; b++) {
      const level = Math.log1p(Math.sqrt(band[b] as number));
      current[b] = level;
      const rise = level - (previous[b] as number);
      if (rise > 0 && t > 0) flux += rise;
    }
    envelope[t] = flux;
    [previous, current] = [current, previous];
  }
  return envelope;
}

/** Zero mean, unit standard deviation (in place). */
function standardise(values: Float64Array): void {
  let mean = 0;
  for (const v of values) mean += v;
  mean /= values.length;
  let variance = 0;
  for (const v of values) variance += (v - mean) ** 2;
  const sd = Math.sqrt(variance / values.length) || 1;
  for (let i = 0; i < values.length; i++) values[i] = ((values[i] as number) - mean) / sd;
}

/**
 * The beat period in frames: the lag where the envelope's autocorrelation, weighted by the tempo prior, is highest
 * (refined between frames by a parabola); `strength` is the unweighted, normalised autocorrelation there.
 */
function estimatePeriod(
  envelope: Float64Array,
  frameRate: number,
): { period: number; strength: number } | null {
  const minLag = Math.floor((60 / MAX_BPM) * frameRate);
  const maxLag = Math.min(Math.ceil((60 / MIN_BPM) * frameRate), envelope.length - 1);
  const n = envelope.length;
  const correlation = (lag: number) => {
    let sum = 0;
    for (let t = lag; t < n; t++) sum += (envelope[t] as number) * (envelope[t - lag] as number);
    return sum / (n - lag);
  };
  const zero = correlation(0) || 1;
  const ac = new Float64Array(maxLag + 2);
  for (let lag = Math.max(1, minLag - 1); lag <= maxLag + 1 && lag < n; lag++)
    ac[lag] = correlation(lag) / zero;
  let best = -1;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let lag = minLag; lag <= maxLag; lag++) {
    const here = ac[lag] as number;
    if (here < (ac[lag - 1] as number) || here < (ac[lag + 1] as number)) continue;
    const bpm = (60 * frameRate) / lag;
    const prior = Math.exp(-0.5 * (Math.log2(bpm / PRIOR_BPM) / PRIOR_OCTAVES) ** 2);
    if (here * prior > bestScore) {
      bestScore = here * prior;
      best = lag;
    }
  }
  if (best < 0) return null;
  return { period: best + parabolaOffset(ac, best), strength: ac[best] as number };
}

/** Where a parabola through values[i − 1], values[i], values[i + 1] peaks, relative to i (−0.5…0.5). */
function parabolaOffset(values: ArrayLike<number>, i: number): number {
  const a = values[i - 1];
  const b = values[i];
  const c = values[i + 1];
  if (a === undefined || b === undefined || c === undefined) return 0;
  const curve = a - 2 * b + c;
  return curve < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / curve)) : 0;
}

/** The envelope smoothed by a Gaussian of a thirty-second of a beat: how good a beat each frame would be. */
function localScore(envelope: Float64Array, period: number): Float64Array {
  const sigma = period / 32;
  const reach = Math.ceil(4 * sigma);
  const kernel = Float64Array.from({ length: 2 * reach + 1 }, (_, i) =>
    Math.exp(-0.5 * ((i - reach) / sigma) ** 2),
  );
  const out = new Float64Array(envelope.length);
  for (let t = 0; t < envelope.length; t++) {
    let sum = 0;
    for (let k = -reach; k <= reach; k++) {
      const v = envelope[t + k];
      if (v !== undefined) sum += v * (kernel[k + reach] as number);
    }
    out[t] = sum;
  }
  return out;
}

/**
 * The best chain of beats: each frame's score is its own plus the best predecessor's, half to two periods back,
 * less a penalty for straying from the period; the chain ends at the last strong score and is read backwards. Weak
 * beats at either end (silence, a fade) are trimmed.
 */
function dynamicBeats(local: Float64Array, period: number): number[] {
  const n = local.length;
  const cumulative = new Float64Array(n);
  const back = new Int32Array(n).fill(-1);
  const near = Math.max(1, Math.round(period / 2));
  const far = Math.round(2 * period);
  const penalty = Float64Array.from({ length: far + 1 }, (_, gap) =>
    gap === 0 ? Number.POSITIVE_INFINITY : TIGHTNESS * Math.log(gap / period) ** 2,
  );
  let started = false;
  let loudest = 0;
  for (const v of local) loudest = Math.max(loudest, v);
  const firstStrong = 0.01 * loudest;
  for (let t = 0; t < n; t++) {
    let best = Number.NEGATIVE_INFINITY;
    let from = -1;
    for (let gap = near; gap <= far && gap <= t; gap++) {
      const score = (cumulative[t - gap] as number) - (penalty[gap] as number);
      if (score > best) {
        best = score;
        from = t - gap;
      }
    }
    const own = local[t] as number;
    // Nothing before the first real onset links up: the chain starts with the music.
    cumulative[t] = own + (started && from >= 0 ? best : 0);
    back[t] = started ? from : -1;
    if (own > firstStrong) started = true;
  }
  // The chain's end: the last local maximum of the cumulative score that reaches half their median.
  const peaks: number[] = [];
  for (let t = 1; t + 1 < n; t++) {
    const c = cumulative[t] as number;
    if (c > (cumulative[t - 1] as number) && c >= (cumulative[t + 1] as number)) peaks.push(t);
  }
  if (peaks.length === 0) return [];
  const sorted = peaks.map((t) => cumulative[t] as number).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] as number;
  let end = peaks[peaks.length - 1] as number;
  for (let i = peaks.length - 1; i >= 0; i--) {
    if ((cumulative[peaks[i] as number] as number) >= 0.5 * median) {
      end = peaks[i] as number;
      break;
    }
  }
  const beats: number[] = [];
  for (let t = end; t >= 0; t = back[t] as number) beats.push(t);
  beats.reverse();
  return trimWeak(beats, local);
}

/** Drops beats at the start and end whose score is under half the beats' root mean square score. */
function trimWeak(beats: number[], local: Float64Array): number[] {
  if (beats.length === 0) return beats;
  const rms = Math.sqrt(beats.reduce((s, b) => s + (local[b] as number) ** 2, 0) / beats.length);
  const strong = (b: number) => (local[b] as number) >= 0.5 * rms;
  let first = 0;
  let last = beats.length - 1;
  while (first <= last && !strong(beats[first] as number)) first++;
  while (last >= first && !strong(beats[last] as number)) last--;
  return beats.slice(first, last + 1);
}

/** The beat frame moved to where the score peaks between frames. */
function refinePeak(local: Float64Array, frame: number): number {
  return frame + parabolaOffset(local, frame);
}

/**
 * The tempo the beats keep on average (least squares of time against beat number, a gap of about two periods
 * counting as two beats), and how unsteadily they keep it: the root mean square of each interval's departure from
 * that period, in beats (a slow drift over a song is steady; intervals that jump about are not).
 */
function fitGrid(beats: number[], roughPeriod: number): { period: number; drift: number } {
  const first = beats[0] as number;
  const index = beats.map((b) => Math.round((b - first) / roughPeriod));
  const n = beats.length;
  const meanI = index.reduce((s, i) => s + i, 0) / n;
  const meanT = beats.reduce((s, b) => s + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    const di = (index[i] as number) - meanI;
    sxy += di * ((beats[i] as number) - meanT);
    sxx += di * di;
  }
  const period = sxx > 0 ? sxy / sxx : roughPeriod;
  let squares = 0;
  for (let i = 1; i < n; i++) {
    const steps = Math.max(1, (index[i] as number) - (index[i - 1] as number));
    const interval = ((beats[i] as number) - (beats[i - 1] as number)) / steps;
    squares += ((interval - period) / period) ** 2;
  }
  return { period, drift: Math.sqrt(squares / Math.max(1, n - 1)) };
}
