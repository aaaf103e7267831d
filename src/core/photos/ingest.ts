/**
 * Turns a pending photo into a stored one, the one intake path for every platform and the playground: download it
 * (the platform adapter's downloadFile, with its host allow-list, size cap and timeout), normalise it (EXIF and GPS
 * stripped), store it under a key derived from its content (so a re-run overwrites the same object) and complete it
 * (the same content again is a duplicate, not an error). A photo that cannot be used is rejected with a sentence the
 * user can act on; a download that fails for a passing reason is retried, and named to the user if it never works.
 */
import type { Logger } from "pino";
import type { BlobStore } from "../blobs/blob-store.ts";
import type { ChatAdapter } from "../chat/chat-adapter.ts";
import type { Platform } from "../domain.ts";
import { isPhotoMemoryError } from "../errors.ts";
import { fileRefSchema } from "../jobs/events.ts";
import { RetryAfterError } from "../jobs/job-errors.ts";
import type { Store } from "../store/store.ts";
import { normalisePhoto, PHOTO_DEFAULTS } from "./normalise-photo.ts";

/**
 * What became of a pending photo in this run. `settled` means an earlier run (or another event for the same file)
 * already handled it: nothing to report or acknowledge again.
 */
export type IngestedPhoto =
  | { status: "added" | "duplicate"; photoId: string; name: string }
  | { status: "skipped"; photoId: string; name: string; code: string; reason: string }
  | { status: "settled"; photoId: string; name: string };

/** Waits before the retries of a failed download: short, so a memory waiting for the photo is not held up long. */
export const DOWNLOAD_RETRY_DELAYS_MS = [2_000, 8_000, 30_000] as const;

export interface IngestPhotoDeps {
  store: Store;
  blobs: BlobStore;
  chats: Partial<Record<Platform, ChatAdapter>>;
  logger: Logger;
  /** Waits before each retry of a failed download; DOWNLOAD_RETRY_DELAYS_MS by default (tests shorten them). */
  downloadRetryDelaysMs?: readonly number[] | undefined;
}

export interface IngestPhotoInput {
  photoId: string;
  /** Zero-based attempt; from the last one on a download that keeps failing is rejected instead of retried. */
  attempt: number;
  retries: number;
  signal?: AbortSignal;
}

export function photoKeyOf(conversationId: string, sha256: string): string {
  return `${conversationId}/photos/${sha256}.jpg`;
}

const nameOf = (name: string | null | undefined) => name?.trim() || "A photo";

export async function ingestPendingPhoto(
  deps: IngestPhotoDeps,
  input: IngestPhotoInput,
): Promise<IngestedPhoto> {
  const photo = await deps.store.getPhoto(input.photoId);
  const name = nameOf(photo?.originalName);
  if (photo?.status !== "pending") return { status: "settled", photoId: input.photoId, name };
  const log = deps.logger.child({ conversationId: photo.conversationId, photoId: photo.id });
  const reject = async (code: string, reason: string): Promise<IngestedPhoto> => {
    await deps.store.rejectPendingPhoto(photo.id, code, reason);
    log.info({ code }, "photo skipped");
    return { status: "skipped", photoId: photo.id, name, code, reason };
  };

  const fetched = await downloadPendingFile(deps, {
    attempt: input.attempt,
    retries: input.retries,
    ...(input.signal ? { signal: input.signal } : {}),
    id: photo.id,
    kind: "photo",
    name,
    source: photo.source,
    maxBytes: PHOTO_DEFAULTS.maxBytes,
    log,
  });
  if ("code" in fetched) return reject(fetched.code, fetched.reason);
  const { bytes } = fetched;
  return settlePendingPhoto(deps, { photoId: photo.id, conversationId: photo.conversationId, name, bytes });
}

/**
 * Fetches a pending photo's or song's bytes from its chat. A download that fails for a passing reason throws
 * RetryAfterError while retries remain (the job waits a little and runs again); otherwise the failure comes back as
 * the code and sentence to reject the file with, and the error for callers that name some failures their own way.
 */
export async function downloadPendingFile(
  deps: Pick<IngestPhotoDeps, "chats" | "downloadRetryDelaysMs">,
  input: {
    id: string;
    kind: "photo" | "song";
    /** How the user knows the file, at the start of a sentence. */
    name: string;
    source: unknown;
    maxBytes: number;
    attempt: number;
    retries: number;
    signal?: AbortSignal;
    log: Logger;
  },
): Promise<{ bytes: Uint8Array } | { code: string; reason: string; error?: unknown }> {
  const { name, log } = input;
  const file = fileRefSchema.safeParse(input.source);
  const chat = file.success ? deps.chats[file.data.platform] : undefined;
  if (!file.success || !chat) {
    return {
      code: "platform.failed",
      reason: `${name} could not be fetched: that chat is not connected any more.`,
    };
  }
  try {
    return {
      bytes: await chat.downloadFile(file.data, {
        maxBytes: input.maxBytes,
        ...(input.signal ? { signal: input.signal } : {}),
      }),
    };
  } catch (error) {
    const passing = !isPhotoMemoryError(error) || error.code === "download.failed";
    if (passing && input.attempt < input.retries) {
      log.warn({ err: error, attempt: input.attempt }, `${input.kind} download failed; will retry`);
      const delays = deps.downloadRetryDelaysMs ?? DOWNLOAD_RETRY_DELAYS_MS;
      const delay = delays[Math.min(input.attempt, delays.length - 1)] ?? 30_000;
      throw new RetryAfterError(`Downloading ${input.id} failed`, delay, { cause: error });
    }
    log.warn({ err: error }, `${input.kind} download failed for good`);
    return isPhotoMemoryError(error) && !passing
      ? { code: error.code, reason: `${name}: ${error.message}`, error }
      : {
          code: "download.failed",
          reason: `${name} could not be downloaded from the chat; please send it again.`,
          error,
        };
  }
}

/**
 * Normalises, stores and completes a pending photo whose bytes are here (after a platform download, or a playground
 * upload). A photo that cannot be used is rejected with its sentence; other errors are thrown (retryable).
 */
export async function settlePendingPhoto(
  deps: Pick<IngestPhotoDeps, "store" | "blobs" | "logger">,
  input: { photoId: string; conversationId: string; name: string; bytes: Uint8Array },
): Promise<IngestedPhoto> {
  const { name, photoId } = input;
  let normalised: Awaited<ReturnType<typeof normalisePhoto>>;
  try {
    normalised = await normalisePhoto(input.bytes, { name });
  } catch (error) {
    if (!isPhotoMemoryError(error) || !error.code.startsWith("photo.")) throw error;
    await deps.store.rejectPendingPhoto(photoId, error.code, error.message);
    deps.logger.info({ conversationId: input.conversationId, photoId, code: error.code }, "photo skipped");
    return { status: "skipped", photoId, name, code: error.code, reason: error.message };
  }
  if (normalised.faces === null)
    deps.logger.warn(
      { conversationId: input.conversationId },
      "face detection unavailable; framing by attention",
    );
  const blobKey = photoKeyOf(input.conversationId, normalised.sha256);
  await deps.blobs.put(blobKey, normalised.jpeg, "image/jpeg");
  const { photo, duplicate } = await deps.store.completePendingPhoto(photoId, {
    blobKey,
    sha256: normalised.sha256,
    width: normalised.width,
    height: normalised.height,
    takenAt: normalised.takenAt,
    focus: normalised.focus,
    faces: normalised.faces,
    quality: normalised.quality,
    mimeType: "image/jpeg",
    bytes: normalised.jpeg.byteLength,
  });
  return { status: duplicate ? "duplicate" : "added", photoId: photo.id, name };
}
