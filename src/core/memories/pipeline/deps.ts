/**
 * What the pipeline steps need. Built once by `createJobFunctions` (src/jobs/functions.ts) from the composition root.
 * Steps take (deps, input) and return ids and storage keys only, never bytes: a job step's output is capped at 4 MB.
 */
import type { Logger } from "pino";
import type { BlobStore } from "../../blobs/blob-store.ts";
import type { ChatAdapter } from "../../chat/chat-adapter.ts";
import type {
  Aspect,
  Platform,
  PreparedPhoto,
  Resolution,
  Script,
  ScriptWriter,
  StyleName,
} from "../../domain.ts";
import type { Semaphore } from "../../jobs/semaphore.ts";
import type { MusicBeats } from "../../render/types.ts";
import type { Store } from "../../store/store.ts";

export interface RenderInput {
  photos: PreparedPhoto[];
  script: Script;
  style: StyleName;
  aspect?: Aspect | undefined;
  resolution?: Resolution | undefined;
  videoPath: string;
  posterPath: string;
  workDir: string;
  /** The chat's upload limit; the renderer sizes the encode to fit, or throws `render.too_large`. */
  maxBytes?: number | undefined;
  /** No music (`/memory … silent`); otherwise `song`, else the style's soundtrack. */
  silent?: boolean | undefined;
  /**
   * The chat's song (played instead of the style's soundtrack) or voice note (spoken over it), on local disk, with
   * the song's beats when intake found them (null: not analysed).
   */
  song?: { path: string; kind: "song" | "voice"; seconds: number; beats?: MusicBeats | null } | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((fraction: number) => void) | undefined;
}

export interface RenderOutput {
  durationSeconds: number;
  bytes: number;
  width: number;
  height: number;
  /** Why the chat's song could not be played (the style's soundtrack played instead); absent when it played. */
  songFallback?: string | undefined;
}

/** Photos + script → MP4 and poster on local disk (planRender + renderMemory in production, a fake in tests). */
export interface MemoryRenderer {
  render(input: RenderInput): Promise<RenderOutput>;
}

export interface PipelineDeps {
  store: Store;
  blobs: BlobStore;
  chats: Partial<Record<Platform, ChatAdapter>>;
  scriptWriter: ScriptWriter;
  /** Used when the script writer fails outright (the offline writer). */
  fallbackWriter: ScriptWriter;
  renderer: MemoryRenderer;
  /** Per-instance limit on renders running at once (RENDER_CONCURRENCY). */
  renderSemaphore: Semaphore;
  logger: Logger;
  /** A public link to a finished video, offered with it (or instead of it when too large for the chat). */
  shareUrl?: (shareToken: string) => string;
  /** Waits before the retries of a failed photo download (default DOWNLOAD_RETRY_DELAYS_MS). */
  downloadRetryDelaysMs?: readonly number[];
  /** Where temp dirs go; default the OS temp dir. */
  tmpDir?: string;
  now?: () => number;
}

export { chatFor } from "../../chat/chat-for.ts";
