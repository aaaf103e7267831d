/**
 * Step `render`: in a temp dir, fetches the normalised photos from the BlobStore, renders the memory (one render at
 * a time per instance, RENDER_CONCURRENCY), shows progress in the chat, and stores the MP4 and poster under
 * deterministic keys so a re-run overwrites instead of leaking. Returns keys and numbers, never bytes.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChatTarget, MessageRef } from "../../chat/chat-adapter.ts";
import type { Aspect, Resolution, Script, StyleName } from "../../domain.ts";
import { isPhotoMemoryError } from "../../errors.ts";
import { type MemoryMusic, songLabel } from "../../songs/song-words.ts";
import type { Song } from "../../store/records.ts";
import { chatFor, type PipelineDeps, type RenderInput } from "./deps.ts";
import { type PhotoRef, toPreparedPhoto } from "./photo-refs.ts";
import { createProgressReporter } from "./progress-reporter.ts";

export interface RenderedVideo {
  videoKey: string;
  posterKey: string;
  bytes: number;
  durationSeconds: number;
  width: number;
  height: number;
  /** The music the memory has, for the final status. */
  music: MemoryMusic;
}

/** How long a render waits for its song still arriving (its photos were waited for already). */
export const SONG_WAIT_MS = 90_000;
const SONG_POLL_MS = 500;

export function videoKeyOf(conversationId: string, videoId: string): string {
  return `${conversationId}/videos/${videoId}.mp4`;
}

export function posterKeyOf(conversationId: string, videoId: string): string {
  return `${conversationId}/posters/${videoId}.jpg`;
}

export interface RenderVideoInput {
  conversationId: string;
  videoId: string;
  photos: PhotoRef[];
  script: Script;
  style: StyleName;
  aspect?: Aspect | undefined;
  silent?: boolean | undefined;
  /** The chat's song or voice note the memory plays. */
  songId?: string | undefined;
  resolution?: Resolution | undefined;
  target: ChatTarget;
  statusMessage?: MessageRef | undefined;
  signal?: AbortSignal | undefined;
}

export async function renderVideo(
  deps: Pick<
    PipelineDeps,
    "store" | "blobs" | "chats" | "renderer" | "renderSemaphore" | "logger" | "tmpDir" | "now"
  >,
  input: RenderVideoInput,
): Promise<RenderedVideo> {
  const chat = chatFor(deps, input.target);
  const log = deps.logger.child({ videoId: input.videoId, conversationId: input.conversationId });
  return deps.renderSemaphore.use(async () => {
    const workDir = await mkdtemp(join(deps.tmpDir ?? tmpdir(), "photomemory-render-"));
    try {
      const photos = await Promise.all(
        input.photos.map(async (ref, i) => {
          const path = join(workDir, `photo-${String(i).padStart(3, "0")}.jpg`);
          await deps.blobs.download(ref.blobKey, path);
          return toPreparedPhoto(ref, path);
        }),
      );
      const progress = createProgressReporter({
        chat,
        target: input.target,
        statusMessage: input.statusMessage,
        text: `🎞️ Making your memory “${input.script.title}”…`,
        onShown: (fraction) => {
          deps.store.setVideoProgress(input.videoId, fraction).catch((error: unknown) => {
            log.warn({ err: error }, "could not record progress");
          });
        },
        onError: (error) => log.warn({ err: error }, "could not show progress in the chat"),
        stillMaking: async () => (await deps.store.getVideo(input.videoId))?.status === "processing",
        ...(deps.now ? { now: deps.now } : {}),
      });
      const song = input.silent ? null : await loadSong(deps, input, workDir);
      const videoPath = join(workDir, "memory.mp4");
      const posterPath = join(workDir, "memory.jpg");
      const base = {
        photos,
        script: input.script,
        style: input.style,
        aspect: input.aspect,
        silent: input.silent,
        song: song?.file,
        resolution: input.resolution,
        videoPath,
        posterPath,
        workDir,
        signal: input.signal,
        onProgress: (fraction: number) => progress.report(fraction),
      };
      const maxBytes = chat.limits(input.target).maxUploadBytes;
      let result: Awaited<ReturnType<PipelineDeps["renderer"]["render"]>>;
      try {
        result = await deps.renderer.render({ ...base, maxBytes });
      } catch (error) {
        // Too large for this chat even when encoded smaller: render it anyway; deliver posts the share link instead.
        if (!isPhotoMemoryError(error, "render.too_large")) throw error;
        log.info({ maxBytes }, "video does not fit the chat's upload limit; it will be shared by link");
        result = await deps.renderer.render(base);
      }
      await progress.flush();
      const videoKey = videoKeyOf(input.conversationId, input.videoId);
      const posterKey = posterKeyOf(input.conversationId, input.videoId);
      await deps.blobs.putFile(videoKey, videoPath, "video/mp4");
      await deps.blobs.putFile(posterKey, posterPath, "image/jpeg");
      const music = musicOf(input, song, result.songFallback);
      log.info(
        { bytes: result.bytes, durationSeconds: result.durationSeconds, music: music.kind },
        "memory rendered",
      );
      const { songFallback: _fallback, ...numbers } = result;
      return { videoKey, posterKey, ...numbers, music };
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
  });
}

interface LoadedSong {
  song: Song;
  /** The file to play; absent when the song cannot be played (`why`). */
  file?: RenderInput["song"];
  why?: string;
}

/** The memory's song, waited for (bounded) while it is still arriving and fetched into the work folder. */
async function loadSong(
  deps: Pick<PipelineDeps, "store" | "blobs" | "now">,
  input: Pick<RenderVideoInput, "songId" | "signal">,
  workDir: string,
): Promise<LoadedSong | null> {
  if (!input.songId) return null;
  const now = () => deps.now?.() ?? Date.now();
  const deadline = now() + SONG_WAIT_MS;
  let song = await deps.store.getSong(input.songId);
  while (song?.status === "pending" && now() < deadline && !input.signal?.aborted) {
    await new Promise((resolve) => setTimeout(resolve, SONG_POLL_MS));
    song = await deps.store.getSong(input.songId);
  }
  if (!song) return null;
  if (song.status === "pending") return { song, why: "was still arriving" };
  if (song.status !== "ready" || !song.blobKey) return { song, why: "could not be played" };
  const path = join(workDir, `song.${song.blobKey.split(".").pop() ?? "audio"}`);
  await deps.blobs.download(song.blobKey, path);
  return { song, file: { path, kind: song.kind, seconds: song.durationSeconds ?? 0, beats: song.beats } };
}

function musicOf(
  input: RenderVideoInput,
  song: LoadedSong | null,
  fallback: string | undefined,
): MemoryMusic {
  if (input.silent) return { kind: "none" };
  if (!song) return { kind: "style", style: input.style };
  const why = song.why ?? fallback;
  if (why) return { kind: "style", style: input.style, insteadOf: { label: songLabel(song.song), why } };
  return song.song.kind === "voice"
    ? { kind: "voice", label: songLabel(song.song), style: input.style }
    : { kind: "song", label: songLabel(song.song) };
}
