/** Turns any failure into one sentence a chat user can act on (see userMessage: never a key, a path or a stack). */
import { isPhotoMemoryError, userMessage } from "../../core/errors.ts";

export function friendlyError(error: unknown, hints: Partial<Record<string, string>> = {}): string {
  if (isPhotoMemoryError(error)) return hints[error.code] ?? userMessage(error);
  return userMessage(error);
}
