/**
 * Arguments for the soundtrack, all pure: the style's loop, a music file (looped or trimmed), or a voice note over the
 * style's loop with the music ducked under it; faded in and out with the picture, at SOUNDTRACK_LUFS. A file from a
 * user is measured first (`loudnessArgs`, loudnorm's analysis of exactly the part the video plays) and then brought to
 * the target by loudnorm's linear mode with those numbers: one gain, no pumping, and within a fraction of a LU.
 */
import { num } from "./filter-escape.ts";
import { SOUNDTRACK_LUFS } from "./soundtrack/soundtrack.ts";
import type { RenderPlan } from "./types.ts";

/** Where a voice note starts: over the title card, after the music has begun. */
export const VOICE_START_SECONDS = 1;
/** How far the music goes down while the voice speaks (−14 dB): clearly under it, still there. */
const DUCKED_GAIN = 0.2;
const DUCK_IN_SECONDS = 0.4;
const DUCK_OUT_SECONDS = 0.8;
/** True-peak ceiling of the finished soundtrack: room for the AAC encoder's overshoot. */
const TRUE_PEAK = -1.5;
const LOUDNORM = `loudnorm=I=${SOUNDTRACK_LUFS}:TP=${TRUE_PEAK}:LRA=11`;

/** What loudnorm's analysis pass found (its print_format=json block). */
export interface Loudness {
  inputI: number;
  inputTp: number;
  inputLra: number;
  inputThresh: number;
  targetOffset: number;
}

/**
 * A looped user file is read for at most the video's length and a minute of leading silence: a file that is silence
 * (or quieter than the cut's threshold) then ends instead of looping forever.
 */
function readAtMost(plan: RenderPlan): string[] {
  return ["-t", num(plan.durationSeconds + 60, 3)];
}

/**
 * Cuts a user's file's leading silence (all but its last 50 ms before the first sound above −70 dB). The render plays
 * the file from there, and the beat analysis (beats/music-beats.ts) listens from there too, so the beats it finds are
 * where the video plays them. Only the first play is cut: a looped file plays whole after that.
 */
export const LEADING_SILENCE_CUT = "silenceremove=start_periods=1:start_threshold=-70dB:start_silence=0.05";

/** The user's file as stereo 48 kHz from its first sound (leading silence cut), looped to and trimmed at `seconds`. */
function userAudio(input: string, seconds: number): string {
  return `[${input}]${LEADING_SILENCE_CUT},aresample=48000,aformat=channel_layouts=stereo,atrim=0:${num(seconds, 3)},asetpts=PTS-STARTPTS`;
}

/** How long the voice plays: all of it, up to the start of the fade at the end. */
export function voiceSeconds(plan: RenderPlan): number {
  if (plan.audio.kind !== "voice") return 0;
  const room = plan.durationSeconds - plan.audio.fadeOutSeconds - VOICE_START_SECONDS;
  return Math.max(0.5, Math.min(plan.audio.voiceSeconds, room));
}

/**
 * The analysis pass for a user's file (music, or the voice of a voice note): loudnorm measures what the render will
 * play and prints its numbers (parsed by parseLoudness). Null when the soundtrack is the style's own (already at the
 * target) or silence.
 */
export function loudnessArgs(plan: RenderPlan, source: string | null): string[] | null {
  const { audio } = plan;
  if (audio.kind === "music" && source !== null) {
    return [
      "-loglevel",
      "info",
      "-stream_loop",
      "-1",
      ...readAtMost(plan),
      "-i",
      source,
      "-filter_complex",
      `${userAudio("0:a", plan.durationSeconds)},${LOUDNORM}:print_format=json`,
      "-vn",
      // The input loops forever: ffmpeg 5.1 keeps decoding it after atrim has ended the graph, so the output is cut
      // as well (a 4 s song under a 9.5 s video never finished without this).
      "-t",
      num(plan.durationSeconds + 1, 3),
      "-f",
      "null",
      "-",
    ];
  }
  if (audio.kind === "voice") {
    return [
      "-loglevel",
      "info",
      "-i",
      audio.path,
      "-filter_complex",
      `${userAudio("0:a", voiceSeconds(plan))},${LOUDNORM}:print_format=json`,
      "-vn",
      "-f",
      "null",
      "-",
    ];
  }
  return null;
}

/** loudnorm's JSON block out of ffmpeg's log; null when it is not there or says the input was silent. */
export function parseLoudness(log: string): Loudness | null {
  const block = /\{[^{}]*"input_i"[^{}]*\}/.exec(log)?.[0];
  if (!block) return null;
  let raw: Record<string, string>;
  try {
    raw = JSON.parse(block) as Record<string, string>;
  } catch {
    return null;
  }
  const value = (key: string) => Number(raw[key]);
  const loudness = {
    inputI: value("input_i"),
    inputTp: value("input_tp"),
    inputLra: value("input_lra"),
    inputThresh: value("input_thresh"),
    targetOffset: value("target_offset"),
  };
  return Object.values(loudness).every(Number.isFinite) ? loudness : null;
}

/** loudnorm in linear mode with the analysis' numbers; its one-pass dynamic mode when there are none. */
function levelled(measured: Loudness | null): string {
  if (!measured) return LOUDNORM;
  return `${LOUDNORM}:measured_I=${num(measured.inputI, 2)}:measured_TP=${num(measured.inputTp, 2)}:measured_LRA=${num(measured.inputLra, 2)}:measured_thresh=${num(measured.inputThresh, 2)}:offset=${num(measured.targetOffset, 2)}:linear=true`;
}

/**
 * The soundtrack as AAC, exactly the video's length: the style's loop (`source`, already at the target loudness), the
 * user's music (`source`), or the voice note (the plan's) over the style's loop (`source`); else silence. `measured`
 * is what loudnessArgs found for the user's file.
 */
export function audioArgs(
  plan: RenderPlan,
  source: string | null,
  output: string,
  audioKbps: number,
  measured: Loudness | null = null,
): string[] {
  const duration = num(plan.durationSeconds, 3);
  const { audio } = plan;
  if (audio.kind !== "silence" && source === null)
    throw new RangeError("a memory with music needs its source file");
  const fades =
    audio.kind === "silence"
      ? ""
      : `,afade=t=in:d=0.3,afade=t=out:st=${num(Math.max(0, plan.durationSeconds - audio.fadeOutSeconds), 3)}:d=${num(audio.fadeOutSeconds, 3)}`;
  let inputs: string[];
  let graph: string;
  if (audio.kind === "silence" || source === null) {
    inputs = ["-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo"];
    graph = `[0:a]aresample=48000,aformat=channel_layouts=stereo,atrim=0:${duration},asetpts=PTS-STARTPTS[a]`;
  } else if (audio.kind === "soundtrack") {
    inputs = ["-stream_loop", "-1", "-i", source];
    graph = `[0:a]aresample=48000,aformat=channel_layouts=stereo,atrim=0:${duration},asetpts=PTS-STARTPTS${fades}[a]`;
  } else if (audio.kind === "music") {
    inputs = ["-stream_loop", "-1", ...readAtMost(plan), "-i", source];
    graph = `${userAudio("0:a", plan.durationSeconds)},${levelled(measured)},aresample=48000${fades}[a]`;
  } else {
    // The voice starts over the title card; the music dips under it (and comes back after it) in smooth ramps.
    const speaks = voiceSeconds(plan);
    const start = VOICE_START_SECONDS;
    const end = start + speaks;
    const dip = `clip(min((t-${num(start - DUCK_IN_SECONDS, 3)})/${DUCK_IN_SECONDS}\\,(${num(end + DUCK_OUT_SECONDS, 3)}-t)/${DUCK_OUT_SECONDS})\\,0\\,1)`;
    const delayMs = Math.round(start * 1000);
    inputs = ["-stream_loop", "-1", "-i", source, "-i", audio.path];
    graph = [
      `[0:a]aresample=48000,aformat=channel_layouts=stereo,atrim=0:${duration},asetpts=PTS-STARTPTS,volume='1-${num(1 - DUCKED_GAIN, 3)}*${dip}':eval=frame[music]`,
      `${userAudio("1:a", speaks)},${levelled(measured)},aresample=48000,afade=t=in:d=0.05,afade=t=out:st=${num(Math.max(0, speaks - 0.15), 3)}:d=0.15,adelay=${delayMs}|${delayMs}[voice]`,
      // normalize=0: the voice at the target over the dipped music, not both halved; the limiter only catches peaks.
      `[music][voice]amix=inputs=2:duration=first:normalize=0,alimiter=limit=${num(10 ** (TRUE_PEAK / 20), 3)}:level=0,atrim=0:${duration},asetpts=PTS-STARTPTS${fades}[a]`,
    ].join(";");
  }
  return [
    ...inputs,
    "-filter_complex",
    graph,
    "-map",
    "[a]",
    "-vn",
    "-c:a",
    "aac",
    // The fast coder: half the CPU of the default twoloop on music (0.64 s against 1.25 s for 71 s of the classic
    // soundtrack), with the same levels and no audible difference at these bitrates.
    "-aac_coder",
    "fast",
    "-b:a",
    `${audioKbps}k`,
    "-t",
    duration,
    "-f",
    "mp4",
    "-y",
    output,
  ];
}
