/** Small generated photos and plans for the render tests. */
import { spawn } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import type { PreparedPhoto, Script } from "../../src/core/domain.ts";
import { LEADING_SILENCE_CUT } from "../../src/core/render/audio-args.ts";
import { resolveFfmpeg } from "../../src/core/render/index.ts";
import type { Score } from "../../src/core/render/soundtrack/scores.ts";
import { beatSamples, SAMPLE_RATE, synthesise } from "../../src/core/render/soundtrack/synth.ts";
import { encodeWav } from "../../src/core/render/soundtrack/wav.ts";

export function fakePhoto(
  id: string,
  width: number,
  height: number,
  focus?: { x: number; y: number },
): PreparedPhoto {
  return {
    id,
    path: `/photos/${id}.jpg`,
    width,
    height,
    takenAt: null,
    arrivalIndex: Number(id.replace(/\D/g, "")) || 0,
    ...(focus ? { focus } : {}),
  };
}

export function scriptFor(photos: PreparedPhoto[], extra: Partial<Script> = {}): Script {
  return {
    title: "Summer in Lisbon",
    subtitle: "14–16 July 2025",
    order: photos.map((p) => p.id),
    captions: {},
    locale: "en",
    writer: "test",
    ...extra,
  };
}

/** Real JPEGs with gradients and noise (so they compress like photos), landscape and portrait mixed. */
export async function makePhotos(dir: string, count: number): Promise<PreparedPhoto[]> {
  await mkdir(dir, { recursive: true });
  const photos: PreparedPhoto[] = [];
  for (let i = 0; i < count; i++) {
    const portrait = i % 2 === 1;
    const width = portrait ? 480 : 640;
    const height = portrait ? 640 : 480;
    const path = join(dir, `photo-${i}.jpg`);
    const gradient = Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl(${i * 70},70%,55%)"/><stop offset="1" stop-color="hsl(${i * 70 + 140},60%,30%)"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/><circle cx="${width * 0.3}" cy="${height * 0.6}" r="${width / 8}" fill="#ffe0b0"/></svg>`,
    );
    // Seeded grain on top, so the photos compress like real ones (a flat gradient would make tiny videos).
    const { data, info } = await sharp(gradient).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    let seed = 1234 + i;
    for (let p = 0; p < data.length; p++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      data[p] = Math.min(255, Math.max(0, (data[p] as number) + ((seed >>> 16) % 41) - 20));
    }
    await sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
      .jpeg({ quality: 85 })
      .toFile(path);
    photos.push({
      id: `photo-${i}`,
      path,
      width,
      height,
      takenAt: null,
      arrivalIndex: i,
      focus: { x: 0.3, y: 0.6 },
      name: `photo-${i}.jpg`,
    });
  }
  return photos;
}

/** What the resolved ffmpeg writes to stdout for `args` (raw frames, say); its stderr is the error when it fails. */
export async function ffmpegStdout(args: string[]): Promise<Buffer> {
  const { ffmpeg } = await resolveFfmpeg();
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, ["-hide_banner", "-loglevel", "error", ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Buffer[] = [];
    let err = "";
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      err += d;
    });
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`ffmpeg exit ${code}: ${err}`)),
    );
  });
}

/** A song the project's synthesiser plays, as a user would send it, with where its beats really are. */
export interface SynthSong {
  path: string;
  /** Beats per minute of the score. */
  bpm: number;
  /** Beat times in seconds from the song's first sound as the render plays it (its leading silence cut). */
  beats: number[];
  /** The whole file's length in seconds. */
  seconds: number;
}

/**
 * `score` played `loops` times as a WAV (or, with `mp3`, encoded as a phone would send it): `silenceSeconds` of
 * silence first, then the music from `startBeats` beats into the score, so its first beat comes after some sound
 * (a non-zero phase). Beat times are measured from where the shared leading-silence cut starts the music.
 */
export async function synthSong(
  path: string,
  score: Score,
  options: { silenceSeconds: number; startBeats: number; loops: number; mp3?: boolean },
): Promise<SynthSong> {
  const loop = await synthesise(score);
  const beat = beatSamples(score);
  const from = Math.round(options.startBeats * beat);
  const silence = Math.round(options.silenceSeconds * SAMPLE_RATE);
  const music = loop.left.length * options.loops - from;
  const channels = [loop.left, loop.right].map((one) => {
    const out = new Float32Array(silence + music);
    for (let i = 0; i < music; i++) out[silence + i] = one[(from + i) % one.length] as number;
    return out;
  });
  const wav = options.mp3 ? `${path}.wav` : path;
  await writeFile(wav, encodeWav(channels, SAMPLE_RATE));
  if (options.mp3) await ffmpegStdout(["-i", wav, "-c:a", "libmp3lame", "-b:a", "160k", "-y", path]);
  // Where the cut starts the music: the samples it leaves out, counted on the file itself (an MP3's too).
  const samples = async (filter: string) =>
    (
      await ffmpegStdout([
        "-i",
        path,
        "-af",
        `${filter}aformat=sample_fmts=s16:channel_layouts=mono`,
        "-ar",
        "48000",
        "-f",
        "s16le",
        "-",
      ])
    ).length / 2;
  const whole = await samples("");
  const cutAt = (whole - (await samples(`${LEADING_SILENCE_CUT},`))) / 48_000;
  const beats: number[] = [];
  for (let k = Math.ceil(from / beat); k * beat - from < music; k++) {
    beats.push((silence + k * beat - from) / SAMPLE_RATE - cutAt);
  }
  return { path, bpm: 1800 / score.beatFrames, beats, seconds: whole / 48_000 };
}
