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

/**
 * The K-weighted energy (sum of squares) of each `step`-sample stretch of one channel, filtered sample by sample:
 * no filtered copy of the signal is kept (two full-length copies per channel were ~65 MB of garbage in the render's
 * process for a 25-second loop).
 */
function stepEnergies(input: Float32Array, step: number): Float64Array {
  const out = new Float64Array(Math.floor(input.length / step));
  const [s0, s1, s2] = SHELF.b as [number, number, number];
  const [sa1, sa2] = SHELF.a as [number, number];
  const [h0, h1, h2] = HIGHPASS.b as [number, number, number];
  const [ha1, ha2] = HIGHPASS.a as [number, number];
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  let u1 = 0;
  let u2 = 0;
  let z1 = 0;
  let z2 = 0;
  for (let k = 0; k < out.length; k++) {
    let sum = 0;
    for (let i = k * step; i < (k + 1) * step; i++) {
      const x = input[i] as number;
      const y = s0 * x + s1 * x1 + s2 * x2 - sa1 * y1 - sa2 * y2;
      x2 = x1;
      x1 = x;
      y2 = y1;
      y1 = y;
      // The shelf's output is rounded to 32 bits between the stages, as the measure has always done.
      const u = Math.fround(y);
      const z = h0 * u + h1 * u1 + h2 * u2 - ha1 * z1 - ha2 * z2;
      u2 = u1;
      u1 = u;
      z2 = z1;
      z1 = z;
      sum += z * z;
    }
    out[k] = sum;
  }
  return out;
}

export function integratedLoudness(channels: readonly Float32Array[], sampleRate = 48_000): number {
  if (sampleRate !== 48_000) throw new RangeError("integratedLoudness measures 48 kHz audio only");
  const step = Math.round(0.1 * sampleRate);
  const stepsPerBlock = 4; // 400 ms blocks every 100 ms
  const block = step * stepsPerBlock;
  const energies = channels.map((c) => stepEnergies(c, step));
  const steps = energies[0]?.length ?? 0;
  const powers: number[] = [];
  for (let first = 0; first + stepsPerBlock <= steps; first++) {
    let power = 0;
    for (const channel of energies) {
      let sum = 0;
      for (let j = first; j < first + stepsPerBlock; j++) sum += channel[j] as number;
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
