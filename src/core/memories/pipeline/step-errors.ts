/**
 * Which failures a retry cannot fix. A PhotoMemoryError with one of these codes becomes a NonRetriableError (with
 * the same human sentence), so the run fails at once and the user hears why instead of waiting through retries.
 */
import { isPhotoMemoryError, PhotoMemoryError, userMessage } from "../../errors.ts";
import { NonRetriableError } from "../../jobs/job-errors.ts";

const FINAL_CODES = new Set([
  "render.no_photos",
  "render.ffmpeg_missing",
  "render.ffmpeg_incapable",
  "disk.full",
  "render.too_large",
  "store.not_found",
  "store.invalid_transition",
  "blob.not_found",
  "blob.invalid_key",
  "platform.unauthorized",
]);

/** An ENOSPC anywhere in the chain (a blob write, a temp file): retrying would only fill the disk again. */
function diskFull(error: unknown): boolean {
  let e: unknown = error;
  for (let depth = 0; depth < 5 && e instanceof Error; depth++) {
    if ((e as NodeJS.ErrnoException).code === "ENOSPC") return true;
    e = e.cause;
  }
  return false;
}

export function asStepError(error: unknown): unknown {
  if (!isPhotoMemoryError(error) && diskFull(error))
    error = new PhotoMemoryError("disk.full", "The server's disk is full (ENOSPC): free space on it.", {
      cause: error,
    });
  if (isPhotoMemoryError(error) && (FINAL_CODES.has(error.code) || error.code.startsWith("photo."))) {
    // The job's own error carries the user's sentence (it may be serialised and shown); the cause keeps the detail.
    return new NonRetriableError(userMessage(error), { cause: error });
  }
  return error;
}

/** Runs a step body, turning final PhotoMemoryErrors into NonRetriableErrors. */
export async function finalOnKnownErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw asStepError(error);
  }
}

const GENERIC = "Something went wrong while making it.";

/** The sentence a user is shown for a failed memory: a PhotoMemoryError's own sentence, else a generic one. */
export function failureSentence(error: unknown): { code: string; message: string } {
  let e: unknown = error;
  // NonRetriableError wraps the PhotoMemoryError and carries its message (also after Inngest serialises it).
  for (let depth = 0; depth < 3 && e instanceof Error; depth++) {
    if (isPhotoMemoryError(e)) return { code: e.code, message: userMessage(e) };
    if (e.name === "NonRetriableError" || e.name === "PhotoMemoryError")
      return { code: "job.failed", message: e.message };
    e = e.cause;
  }
  return { code: "job.failed", message: GENERIC };
}
