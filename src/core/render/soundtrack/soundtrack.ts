/**
 * The style's own soundtrack: its score synthesised into a seamless loop, set to the target loudness, as WAV bytes.
 * Made once per style per process (~0.1–0.3 s of CPU) and kept; renders write it next to their segments and ffmpeg
 * loops, trims and fades it while the segments render.
 */
import type { StyleName } from "../../domain.ts";
import { integratedLoudness } from "./loudness.ts";
import { SCORES } from "./scores.ts";
import { type StereoLoop, synthesise } from "./synth.ts";
import { encodeWav } from "./wav.ts";

/** Integrated loudness of every soundtrack, the level music streaming and social video play at. */
export const SOUNDTRACK_LUFS = -16;
/** Highest sample after normalising: 1.5 dB under full scale, room for the AAC encoder's overshoot. */
const PEAK_CEILING = 10 ** (-1.5 / 20);

const made = new Map<StyleName, Promise<Buffer>>();

export function styleSoundtrack(style: StyleName): Promise<Buffer> {
  let wav = made.get(style);
  if (!wav) {
    wav = synthesise(SCORES[style]).then((loop) => {
      normalise(loop);
      return encodeWav([loop.left, loop.right], loop.sampleRate);
    });
    // A failure is not kept: the next render tries again.
    wav.catch(() => made.delete(style));
    made.set(style, wav);
  }
  return wav;
}

/** Gain to the target loudness; peaks above the ceiling are rounded off smoothly (a soft knee, not a hard clip). */
export function normalise(loop: StereoLoop): void {
  const gain = 10 ** ((SOUNDTRACK_LUFS - integratedLoudness([loop.left, loop.right], loop.sampleRate)) / 20);
  const knee = PEAK_CEILING * 0.8;
  const room = PEAK_CEILING - knee;
  for (const channel of [loop.left, loop.right]) {
    for (let i = 0; i < channel.length; i++) {
      const v = (channel[i] as number) * gain;
      const size = Math.abs(v);
      channel[i] = size <= knee ? v : Math.sign(v) * (knee + room * Math.tanh((size - knee) / room));
    }
  }
}
