/**
 * The one error type of PhotoMemory. `code` is stable and machine-readable (`photo.truncated`, `billing.style_locked`);
 * `message` is one human sentence for the log, which most codes also show to the user as is; the codes in
 * OPERATOR_CODES name storage keys, paths or settings, and users get `userMessage` instead. Edges map codes to HTTP
 * statuses or chat replies.
 */
export type ErrorCode =
  | "photo.empty"
  | "photo.not_image"
  | "photo.truncated"
  | "photo.too_large"
  | "photo.too_many_pixels"
  | "photo.unsupported"
  | "song.not_audio"
  | "song.unreadable"
  | "song.too_long"
  | "song.too_large"
  | "render.audio_unreadable"
  | "render.no_photos"
  | "render.ffmpeg_missing"
  | "render.ffmpeg_incapable"
  | "render.ffmpeg_failed"
  | "render.cancelled"
  | "render.stalled"
  | "disk.full"
  | "render.too_large"
  | "script.failed"
  | "store.conflict"
  | "store.not_found"
  | "store.invalid_transition"
  | "store.invalid_input"
  | "store.token_unreadable"
  | "store.busy"
  | "blob.invalid_key"
  | "blob.not_found"
  | "blob.failed"
  | "billing.style_locked"
  | "config.invalid"
  | "download.forbidden_host"
  | "download.too_large"
  | "download.failed"
  | "platform.unauthorized"
  | "platform.failed"
  | "chat.too_large"
  | "chat.not_allowed"
  | "job.failed"
  | (string & {});

export class PhotoMemoryError extends Error {
  override readonly name = "PhotoMemoryError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isPhotoMemoryError(e: unknown, code?: ErrorCode): e is PhotoMemoryError {
  return e instanceof PhotoMemoryError && (code === undefined || e.code === code);
}

/**
 * Codes whose message is written for whoever runs the service (it names a storage key, a path or a setting): the
 * log keeps that message, the user reads this sentence instead.
 */
const OPERATOR_CODES: Partial<Record<ErrorCode, string>> = {
  "blob.not_found": "A file this memory needs is missing on the server; please drop the photos again.",
  "blob.failed": "The server's file storage is not answering right now; please try again in a few minutes.",
  "blob.invalid_key":
    "A file this memory needs could not be found on the server; please drop the photos again.",
  "render.ffmpeg_missing":
    "This server cannot make videos right now (its video tool is not set up); please tell whoever runs PhotoMemory.",
  "render.ffmpeg_incapable":
    "This server cannot make videos right now (its video tool is not set up); please tell whoever runs PhotoMemory.",
  "render.ffmpeg_failed": "The video could not be made from these photos; please try again.",
  "render.stalled": "Making the video got stuck; I am trying again.",
  "disk.full":
    "This server has run out of disk space, so the video could not be made; please tell whoever runs PhotoMemory.",
  "config.invalid": "PhotoMemory is not fully set up on this server; please tell whoever runs it.",
  "store.invalid_input":
    "Something in that request could not be saved; please try again with a simpler title.",
  "store.busy": "PhotoMemory is busy starting up; please try again in a minute.",
  "store.token_unreadable":
    "PhotoMemory lost its access to this workspace; ask an admin to reinstall the app.",
};

const GENERIC_SENTENCE = "Something went wrong on my side. Please try again in a minute.";

/** The sentence a chat user is shown for an error: never a storage key, a path or a stack. */
export function userMessage(error: unknown): string {
  if (!isPhotoMemoryError(error)) return GENERIC_SENTENCE;
  return OPERATOR_CODES[error.code] ?? error.message;
}
