/** Turns any failure into one sentence a chat user can act on; PhotoMemoryError messages are already written so. */
import { isPhotoMemoryError } from "../../core/errors.ts";

export function friendlyError(error: unknown, hints: Partial<Record<string, string>> = {}): string {
  if (isPhotoMemoryError(error)) return hints[error.code] ?? error.message;
  return "Something went wrong on my side. Please try again in a minute.";
}
