/**
 * The one error type of PhotoMemory. `code` is stable and machine-readable (`photo.heic`, `billing.style_locked`);
 * `message` is one human sentence that can be shown to a user as is. Edges map codes to HTTP statuses or chat replies.
 */
export type ErrorCode =
  | "photo.empty"
  | "photo.not_image"
  | "photo.heic"
  | "photo.truncated"
  | "photo.too_large"
  | "photo.too_many_pixels"
  | "photo.unsupported"
  | "render.no_photos"
  | "render.ffmpeg_missing"
  | "render.ffmpeg_incapable"
  | "render.ffmpeg_failed"
  | "render.cancelled"
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
