/**
 * Ingest one photo a chat platform holds: download it (the platform adapter's downloadFile, with its host
 * allow-list, size cap and timeout), normalise it (EXIF and GPS stripped), store it under a key derived from its
 * content (so a re-run overwrites the same object) and record it (the same photo again is a duplicate, not an
 * error). A photo that cannot be used is reported as skipped with a sentence the user can act on.
 */
import type { Logger } from "pino";
import type { BlobStore } from "../blobs/blob-store.ts";
import type { ChatAdapter, FileRef } from "../chat/chat-adapter.ts";
import { isPhotoMemoryError } from "../errors.ts";
import type { Store } from "../store/store.ts";
import { normalisePhoto, PHOTO_DEFAULTS } from "./normalise-photo.ts";

export type IngestedPhoto =
  | { status: "added" | "duplicate"; photoId: string; name: string }
  | { status: "skipped"; name: string; code: string; reason: string };

export interface IngestPhotoDeps {
  store: Store;
  blobs: BlobStore;
  chat: ChatAdapter;
  logger: Logger;
}

export interface IngestPhotoInput {
  conversationId: string;
  accountId?: string | null;
  file: FileRef;
  /** On the last attempt a download that keeps failing is reported as skipped instead of retried. */
  finalAttempt?: boolean;
  signal?: AbortSignal;
}

export function photoKeyOf(conversationId: string, sha256: string): string {
  return `${conversationId}/photos/${sha256}.jpg`;
}

export async function ingestPhoto(deps: IngestPhotoDeps, input: IngestPhotoInput): Promise<IngestedPhoto> {
  const { file } = input;
  const name = file.name?.trim() || "A photo";
  const log = deps.logger.child({ conversationId: input.conversationId, fileId: file.fileId });
  let bytes: Uint8Array;
  try {
    bytes = await deps.chat.downloadFile(file, {
      maxBytes: PHOTO_DEFAULTS.maxBytes,
      ...(input.signal ? { signal: input.signal } : {}),
    });
  } catch (error) {
    const permanent = isPhotoMemoryError(error) && error.code !== "download.failed";
    if (!permanent && !input.finalAttempt) throw error;
    log.warn({ err: error }, "photo download failed; skipped");
    const reason = isPhotoMemoryError(error)
      ? `${name}: ${error.message}`
      : `${name} could not be downloaded from the chat; send it again.`;
    return {
      status: "skipped",
      name,
      code: isPhotoMemoryError(error) ? error.code : "download.failed",
      reason,
    };
  }

  return storePhoto(deps, {
    conversationId: input.conversationId,
    accountId: input.accountId ?? null,
    name,
    bytes,
  });
}

/**
 * Normalise, store and record photo bytes that are already here (after a platform download, or a playground upload).
 * A photo that cannot be used comes back as skipped with its sentence; other errors are thrown (retryable).
 */
export async function storePhoto(
  deps: Pick<IngestPhotoDeps, "store" | "blobs" | "logger">,
  input: { conversationId: string; accountId: string | null; name: string; bytes: Uint8Array },
): Promise<IngestedPhoto> {
  const { name } = input;
  let normalised: Awaited<ReturnType<typeof normalisePhoto>>;
  try {
    normalised = await normalisePhoto(input.bytes, { name });
  } catch (error) {
    if (!isPhotoMemoryError(error) || !error.code.startsWith("photo.")) throw error;
    deps.logger.info({ conversationId: input.conversationId, code: error.code }, "photo skipped");
    return { status: "skipped", name, code: error.code, reason: error.message };
  }
  if (normalised.faces === null)
    deps.logger.warn(
      { conversationId: input.conversationId },
      "face detection unavailable; framing by attention",
    );
  const blobKey = photoKeyOf(input.conversationId, normalised.sha256);
  await deps.blobs.put(blobKey, normalised.jpeg, "image/jpeg");
  const { photo, duplicate } = await deps.store.addPhoto({
    conversationId: input.conversationId,
    contributorAccountId: input.accountId,
    blobKey,
    sha256: normalised.sha256,
    width: normalised.width,
    height: normalised.height,
    takenAt: normalised.takenAt,
    focus: normalised.focus,
    faces: normalised.faces,
    quality: normalised.quality,
    originalName: name,
    mimeType: "image/jpeg",
    bytes: normalised.jpeg.byteLength,
  });
  return { status: duplicate ? "duplicate" : "added", photoId: photo.id, name };
}
