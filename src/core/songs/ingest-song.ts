/**
 * Turns a pending song into a stored one, like a photo: download it (the platform adapter's downloadFile, with its
 * host allow-list, size cap and timeout), check it by its bytes and by ffprobe/ffmpeg (it must decode and not be
 * silent), listen for a song's beats (once, so no render has to), store it under a key derived from its content and
 * mark it ready. A file that cannot be used is rejected with a sentence the user can act on; a download that fails for
 * a passing reason is retried.
 */
import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isPhotoMemoryError } from "../errors.ts";
import { downloadPendingFile, type IngestPhotoDeps } from "../photos/ingest.ts";
import { findMusicBeats } from "../render/beats/music-beats.ts";
import { type ResolvedFfmpeg, resolveFfmpeg } from "../render/ffmpeg-resolve.ts";
import type { MusicBeats } from "../render/types.ts";
import type { Song } from "../store/records.ts";
import { inspectAudio } from "./inspect-audio.ts";
import { sniffAudio } from "./sniff-audio.ts";
import { songLabel } from "./song-words.ts";

/** The largest song or voice note taken (Telegram lets bots fetch 20 MB; a 4-minute MP3 is ~8 MB). */
export const SONG_MAX_BYTES = 20 * 1024 * 1024;
/** The longest: a memory lasts about a minute, so a long file would only be cut. */
export const SONG_MAX_SECONDS = 15 * 60;

export type IngestedSong =
  | { status: "added"; songId: string }
  | { status: "skipped"; songId: string; code: string; reason: string }
  | { status: "settled"; songId: string };

export function songKeyOf(conversationId: string, sha256: string, format: string): string {
  return `${conversationId}/songs/${sha256}.${format}`;
}

export interface IngestSongDeps extends IngestPhotoDeps {
  ffmpeg?: ResolvedFfmpeg;
  tmpDir?: string | undefined;
}

export async function ingestPendingSong(
  deps: IngestSongDeps,
  input: { songId: string; attempt: number; retries: number; signal?: AbortSignal },
): Promise<IngestedSong> {
  const song = await deps.store.getSong(input.songId);
  if (song?.status !== "pending") return { status: "settled", songId: input.songId };
  const log = deps.logger.child({ conversationId: song.conversationId, songId: song.id });
  const name = capitalised(songLabel(song));
  const reject = async (code: string, reason: string): Promise<IngestedSong> => {
    await deps.store.rejectPendingSong(song.id, code, reason);
    log.info({ code }, "song skipped");
    return { status: "skipped", songId: song.id, code, reason };
  };

  const fetched = await downloadPendingFile(deps, {
    attempt: input.attempt,
    retries: input.retries,
    ...(input.signal ? { signal: input.signal } : {}),
    id: song.id,
    kind: "song",
    name,
    source: song.source,
    maxBytes: SONG_MAX_BYTES,
    log,
  });
  if ("code" in fetched) {
    return isPhotoMemoryError(fetched.error, "download.too_large")
      ? reject("song.too_large", `${name} is larger than the ${SONG_MAX_BYTES / 1024 / 1024} MB I can take.`)
      : reject(fetched.code, fetched.reason);
  }
  const { bytes } = fetched;
  return settlePendingSong(deps, { song, name, bytes, ...(input.signal ? { signal: input.signal } : {}) });
}

async function settlePendingSong(
  deps: IngestSongDeps,
  input: { song: Song; name: string; bytes: Uint8Array; signal?: AbortSignal },
): Promise<IngestedSong> {
  const { song, name, bytes } = input;
  const reject = async (code: string, reason: string): Promise<IngestedSong> => {
    await deps.store.rejectPendingSong(song.id, code, reason);
    deps.logger.info({ conversationId: song.conversationId, songId: song.id, code }, "song skipped");
    return { status: "skipped", songId: song.id, code, reason };
  };
  const sniffed = sniffAudio(bytes);
  if (sniffed.kind !== "audio")
    return reject("song.not_audio", `${name} is not a sound file (it looks like ${sniffed.looksLike}).`);
  const dir = await mkdtemp(join(deps.tmpDir ?? tmpdir(), "photomemory-song-"));
  try {
    const path = join(dir, `song.${sniffed.format}`);
    await writeFile(path, bytes);
    const ffmpeg = deps.ffmpeg ?? (await resolveFfmpeg());
    let facts: Awaited<ReturnType<typeof inspectAudio>>;
    try {
      facts = await inspectAudio(path, ffmpeg, {
        name,
        maxSeconds: SONG_MAX_SECONDS,
        ...(input.signal ? { signal: input.signal } : {}),
      });
    } catch (error) {
      if (isPhotoMemoryError(error) && error.code.startsWith("song."))
        return reject(error.code, error.message);
      throw error;
    }
    const beats =
      song.kind === "song" ? await beatsOf(deps, { song, path, dir, ffmpeg, signal: input.signal }) : null;
    const sha256 = createHash("sha256").update(bytes).digest("hex");
    const blobKey = songKeyOf(song.conversationId, sha256, sniffed.format);
    await deps.blobs.put(blobKey, bytes, sniffed.mimeType);
    await deps.store.completePendingSong(song.id, {
      blobKey,
      sha256,
      mimeType: sniffed.mimeType,
      bytes: bytes.byteLength,
      durationSeconds: facts.durationSeconds,
      beats,
      title: facts.title,
      performer: facts.artist,
    });
    deps.logger.info(
      {
        conversationId: song.conversationId,
        songId: song.id,
        seconds: facts.durationSeconds,
        lufs: facts.loudness,
        bpm: beats?.bpm ?? null,
      },
      "song stored",
    );
    return { status: "added", songId: song.id };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The song's beats, found once here so no render listens to it again; null when the analysis fails (a render then
 * tries again, and without beats its cuts keep the style's pace).
 */
async function beatsOf(
  deps: IngestSongDeps,
  input: { song: Song; path: string; dir: string; ffmpeg: ResolvedFfmpeg; signal?: AbortSignal | undefined },
): Promise<MusicBeats | null> {
  try {
    return await findMusicBeats(input.path, input.ffmpeg, {
      signal: input.signal,
      tmpDir: input.dir,
    });
  } catch (error) {
    if (isPhotoMemoryError(error, "render.cancelled")) throw error;
    deps.logger.warn(
      { err: error, conversationId: input.song.conversationId, songId: input.song.id },
      "song beats not found",
    );
    return null;
  }
}

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
