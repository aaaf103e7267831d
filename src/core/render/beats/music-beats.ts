/**
 * The beats of a user's music file, found once before planning (a chat's song at intake, the CLI's `--music` before
 * its plan): ffmpeg decodes it to mono PCM at a low rate from its first sound, with the very leading-silence cut the
 * render plays it with, and the tracker (track-beats.ts) finds the beats. One decode gives both the cut music and
 * the length of one whole play (the loop): the cut music is padded to the whole file's length in a second channel.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LEADING_SILENCE_CUT } from "../audio-args.ts";
import { type FfmpegBinary, runFfmpeg } from "../ffmpeg-run.ts";
import type { MusicBeats } from "../types.ts";
import { trackBeats } from "./track-beats.ts";

/** Low enough to be cheap (a 3-minute song decodes to 8 MB, both channels), high enough for the onsets of drums and plucks. */
export const ANALYSIS_RATE = 11_025;

const MONO = `aresample=${ANALYSIS_RATE},aformat=sample_fmts=s16:channel_layouts=mono`;

export async function findMusicBeats(
  path: string,
  ffmpeg: FfmpegBinary,
  options: { signal?: AbortSignal | undefined; tmpDir?: string | undefined } = {},
): Promise<MusicBeats> {
  const dir = await mkdtemp(join(options.tmpDir ?? tmpdir(), "photomemory-beats-"));
  try {
    const pcm = join(dir, "music.pcm");
    await runFfmpeg({
      ffmpeg,
      args: [
        "-i",
        path,
        "-filter_complex",
        // Channel 1: the music as played (leading silence cut), padded with zeros; channel 2: the whole file, whose
        // length ends the output. amerge stops with the shorter input, so the output is exactly one whole play.
        `[0:a:0]asplit=2[played][whole];[played]${LEADING_SILENCE_CUT},${MONO},apad[cut];[whole]${MONO}[full];[cut][full]amerge=inputs=2[out]`,
        "-map",
        "[out]",
        "-f",
        "s16le",
        "-y",
        pcm,
      ],
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const bytes = await readFile(pcm);
    const frames = Math.floor(bytes.byteLength / 4);
    const played = new Float32Array(frames);
    for (let i = 0; i < frames; i++) played[i] = bytes.readInt16LE(4 * i) / 32768;
    const tracked = trackBeats(played, ANALYSIS_RATE);
    return { ...tracked, loopSeconds: frames / ANALYSIS_RATE };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
