/**
 * A song or a voice note from the chat as a memory's soundtrack, rendered by the real ffmpeg and listened to: the
 * loudness by ffmpeg's EBU R128 meter, the song by its pitch (a narrow band around the tone holds nearly all of the
 * sound), the voice over the style's music by the music's level while the voice speaks and after it; a song with a
 * beat by where the picture changes against where the sound has its onsets.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PreparedPhoto } from "../../src/core/domain.ts";
import { findMusicBeats } from "../../src/core/render/beats/music-beats.ts";
import { FPS, planRender, probe, renderMemory, resolveFfmpeg } from "../../src/core/render/index.ts";
import { SCORES, type Score } from "../../src/core/render/soundtrack/scores.ts";
import { around, brokenMp3, integratedLufs, meanVolume, without, writeTone } from "./audio-meter.ts";
import { ffmpegStdout, makePhotos, scriptFor, synthSong } from "./fixtures.ts";

let dir: string;
let photos: PreparedPhoto[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pm-chat-song-"));
  photos = await makePhotos(join(dir, "photos"), 2);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A tone as a chat would send it: `codec` in its usual container, quiet (as a phone recording often is). */
const tone = (name: string, frequency: number, seconds: number, codec: string[]) =>
  writeTone(dir, name, { frequency, seconds, volume: 0.1 }, codec);

describe("a chat's song or voice note as the soundtrack (real ffmpeg)", { timeout: 300_000 }, () => {
  it("plays the song (looped to the video), at −16 LUFS ±2 whatever its own level, faded out at the end", async () => {
    const song = await tone("song.mp3", 660, 4, ["-c:a", "libmp3lame", "-b:a", "128k"]);
    expect(await integratedLufs(song)).toBeLessThan(-26); // far below the target: the render must lift it
    const plan = planRender(photos, scriptFor(photos), "classic", {
      aspect: "16:9",
      resolution: 720,
      musicPath: song,
      musicFallback: true,
    });
    const video = join(dir, "song.mp4");
    const result = await renderMemory(plan, { videoPath: video, posterPath: join(dir, "song.jpg") });
    expect(result.audio).toBe("music");
    expect(result.audioFallback).toBeUndefined();
    const audio = (await probe(video)).streams.find((s) => s.codecType === "audio");
    expect(audio?.durationSeconds).toBeCloseTo(plan.durationSeconds, 0);
    expect(Math.abs((await integratedLufs(video)) - -16)).toBeLessThanOrEqual(2);
    // Long after the 4-second song's first play it is still the song (looped): the 660 Hz band holds its sound.
    const from = plan.durationSeconds - 6;
    const whole = await meanVolume(video, from, 2);
    expect(whole).toBeGreaterThan(-30);
    expect(await meanVolume(video, from, 2, around(660))).toBeGreaterThan(whole - 3);
    expect(await meanVolume(video, plan.durationSeconds - 0.1, 0.1)).toBeLessThan(whole - 20);
  });

  it("a corrupt song: the style's music plays instead, at −16 LUFS, and the result says why", async () => {
    const broken = join(dir, "broken.mp3");
    await writeFile(broken, brokenMp3(64 * 1024));
    const plan = planRender(photos, scriptFor(photos), "classic", {
      aspect: "16:9",
      resolution: 720,
      musicPath: broken,
      musicFallback: true,
    });
    const video = join(dir, "fallback.mp4");
    const result = await renderMemory(plan, { videoPath: video, posterPath: join(dir, "fallback.jpg") });
    expect(result.audio).toBe("soundtrack");
    expect(result.audioFallback).toMatch(/could not be played|no sound/);
    expect(Math.abs((await integratedLufs(video)) - -16)).toBeLessThanOrEqual(2);
    expect(await meanVolume(video, 3, 3)).toBeGreaterThan(-30);
  });

  it("a voice note speaks over the style's music, which dips under it and comes back after it", async () => {
    const voice = await tone("voice.ogg", 1000, 4, [
      "-ac",
      "1",
      "-ar",
      "48000",
      "-c:a",
      "libopus",
      "-b:a",
      "32k",
    ]);
    const plan = planRender(photos, scriptFor(photos), "classic", {
      aspect: "16:9",
      resolution: 720,
      voiceOver: { path: voice, seconds: 4 },
    });
    expect(plan.durationSeconds).toBeGreaterThan(10);
    const video = join(dir, "voice.mp4");
    const result = await renderMemory(plan, { videoPath: video, posterPath: join(dir, "voice.jpg") });
    expect(result.audio).toBe("voice");
    expect(Math.abs((await integratedLufs(video)) - -16)).toBeLessThanOrEqual(2);
    // The voice (1 kHz) is there while it speaks (1 s to 5 s) and is the loudest thing in the mix.
    const whileSpeaking = await meanVolume(video, 1.5, 3);
    const voiceLevel = await meanVolume(video, 1.5, 3, around(1000));
    expect(voiceLevel).toBeGreaterThan(whileSpeaking - 3);
    // The music without the voice: well under it while it speaks, back up afterwards.
    const musicUnder = await meanVolume(video, 1.5, 3, without(1000));
    const musicAfter = await meanVolume(video, 6.5, 3, without(1000));
    expect(musicAfter).toBeGreaterThan(-35);
    expect(musicUnder).toBeLessThan(musicAfter - 9);
    expect(voiceLevel).toBeGreaterThan(musicUnder + 10);
    expect(await meanVolume(video, 6.5, 3, around(1000))).toBeLessThan(voiceLevel - 15);
  });

  it("cuts on the song's beat: each picture cut comes with an onset of the music, within two frames", async () => {
    // 104 bpm, onsets on the beats only (a kick on each, chords on one and three), after a leading second of
    // silence and starting between two beats.
    const onTheBeat: Score = {
      ...SCORES.classic,
      beatFrames: 17.3125,
      parts: [
        { voice: "kick", gain: 0.8, pan: 0, bar: [0, 1, 2, 3].map((at) => ({ at, beats: 0.5, notes: [] })) },
        {
          voice: "piano",
          gain: 0.3,
          pan: 0,
          bar: [
            { at: 0, beats: 2, notes: "chord" },
            { at: 2, beats: 2, notes: "chord" },
          ],
        },
      ],
    };
    const song = await synthSong(join(dir, "beat.mp3"), onTheBeat, {
      silenceSeconds: 1,
      startBeats: 1.45,
      loops: 1,
      mp3: true,
    });
    const musicBeats = await findMusicBeats(song.path, await resolveFfmpeg());
    const options = { aspect: "16:9" as const, resolution: 720 as const, musicPath: song.path };
    const plan = planRender(photos, scriptFor(photos), "modern", { ...options, musicBeats });
    const video = join(dir, "beat.mp4");
    await renderMemory(plan, { videoPath: video, posterPath: join(dir, "beat.jpg") });

    // The sound: where its level jumps (a kick), from the rendered file.
    const pcm = await ffmpegStdout(["-i", video, "-vn", "-ac", "1", "-ar", "48000", "-f", "s16le", "-"]);
    const onsets = audioOnsets(new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length / 2), 48_000);
    expect(onsets.length).toBeGreaterThan(plan.durationSeconds * 1.2);
    // The picture: where consecutive frames start to differ after a still stretch, from the rendered file.
    const gray = await ffmpegStdout(["-i", video, "-vf", "scale=32:18,format=gray", "-f", "rawvideo", "-"]);
    const changes = pictureChanges(gray, 32 * 18);
    const planned = plan.slides.slice(1).map((s) => s.startFrame);
    const nearest = (list: number[], t: number) => Math.min(...list.map((x) => Math.abs(x - t)));
    for (const cut of planned) {
      // The picture changes where the plan cuts...
      expect(nearest(changes, cut)).toBeLessThanOrEqual(1);
      const seen = changes.reduce((a, b) => (Math.abs(b - cut) < Math.abs(a - cut) ? b : a));
      // ...and the music has an onset there.
      expect(nearest(onsets, seen / FPS)).toBeLessThanOrEqual(2 / FPS);
    }
    // Without the beats the same cuts would not all be on an onset: the check can tell.
    const plain = planRender(photos, scriptFor(photos), "modern", options);
    const off = plain.slides.slice(1).map((s) => nearest(onsets, s.startFrame / FPS));
    expect(Math.max(...off)).toBeGreaterThan(2 / FPS);
  });
});

/** Times (s) where the level of 5 ms blocks jumps 8 dB over the 40 ms before, at most one per 100 ms. */
function audioOnsets(samples: Int16Array, rate: number): number[] {
  const block = rate / 200;
  const energy: number[] = [];
  for (let i = 0; i + block <= samples.length; i += block) {
    let sum = 0;
    for (let j = i; j < i + block; j++) sum += (samples[j] as number) ** 2;
    energy.push(sum / block + 1);
  }
  const onsets: number[] = [];
  for (let n = 8; n < energy.length; n++) {
    const before = energy.slice(n - 8, n).reduce((a, b) => a + b, 0) / 8;
    const last = onsets[onsets.length - 1];
    if ((energy[n] as number) > before * 6.3 && (last === undefined || n / 200 - last > 0.1))
      onsets.push(n / 200);
  }
  return onsets;
}

/** Frames where the picture starts changing: the change from the frame before is 4× the median change, after one that was not. */
function pictureChanges(gray: Buffer, size: number): number[] {
  const count = Math.floor(gray.length / size);
  const diffs = [0];
  for (let f = 1; f < count; f++) {
    let sum = 0;
    for (let i = 0; i < size; i++)
      sum += Math.abs((gray[f * size + i] as number) - (gray[(f - 1) * size + i] as number));
    diffs.push(sum / size);
  }
  const median = [...diffs].sort((a, b) => a - b)[Math.floor(diffs.length / 2)] as number;
  const moving = (f: number) => (diffs[f] as number) > Math.max(4 * median, 0.5);
  return diffs.flatMap((_, f) => (f > 0 && moving(f) && !moving(f - 1) ? [f] : []));
}
