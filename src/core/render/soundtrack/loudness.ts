/**
 * Integrated loudness (LUFS) of a 48 kHz stereo signal as ITU-R BS.1770-4 defines it: K-weighting, 400 ms blocks
 * every 100 ms, an absolute gate at −70 LUFS and a relative gate 10 LU below. Used to set the gain of the generated
 * soundtrack once, so no loudness pass is needed at render time.
 */

/** The K-weighting filter's two biquads at 48 kHz (BS.1770-4, Annex 1). */
const SHELF = {
  b: [1.53512485958697, -2.69169618940638, 1.19839281085285],
  a: [-1.69065929318241, 0.73248077421585],
};
const HIGHPASS = { b: [1, -2, 1], a: [-1.99004745483398, 0.99007225036621] };

function biquad(input: Float32Array, f: { b: number[]; a: number[] }): Float64Array {
  const out = new Float64Array(input.length);
  const [b0, b1, b2] = f.b as [number, number, number];
  const [a1, a2] = f.a as [number, number];
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  for (let i = 0; i < input.length; i++) {
    const x = input[i] as number;
    const y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
    out[i] = y;
    x2 = x1;
    x1 = x;
    y2 = y1;
    y1 = y;
  }
  return out;
}

export function integratedLoudness(channels: readonly Float32Array[], sampleRate = 48_000): number {
  if (sampleRate !== 48_000) throw new RangeError("integratedLoudness measures 48 kHz audio only");
  const weighted = channels.map((c) => biquad(Float32Array.from(biquad(c, SHELF)), HIGHPASS));
  const length = channels[0]?.length ?? 0;
  const block = Math.round(0.4 * sampleRate);
  const step = Math.round(0.1 * sampleRate);
  const powers: number[] = [];
  for (let start = 0; start + block <= length; start += step) {
    let power = 0;
    for (const channel of weighted) {
      let sum = 0;
      for (let i = start; i < start + block; i++) sum += (channel[i] as number) ** 2;
      power += sum / block;
    }
    powers.push(power);
  }
  const lufs = (power: number) => -0.691 + 10 * Math.log10(power);
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const aboveAbsolute = powers.filter((p) => lufs(p) > -70);
  if (aboveAbsolute.length === 0) return -Infinity;
  const relativeGate = lufs(mean(aboveAbsolute)) - 10;
  return lufs(mean(aboveAbsolute.filter((p) => lufs(p) > relativeGate)));
}
