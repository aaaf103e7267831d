/**
 * Blob keys are relative paths of simple segments (`c_123/photos/<sha256>.jpg`). Anything else — `..`, absolute
 * paths, backslashes, NUL, empty segments, other characters — is refused before it reaches a disk or a URL.
 */
import { PhotoMemoryError } from "../errors.ts";

const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;
const MAX_KEY_LENGTH = 512;

export function assertBlobKey(key: string): void {
  const ok =
    typeof key === "string" &&
    key.length > 0 &&
    key.length <= MAX_KEY_LENGTH &&
    key.split("/").every((segment) => SEGMENT.test(segment) && !segment.includes(".."));
  if (!ok) {
    throw new PhotoMemoryError(
      "blob.invalid_key",
      "That storage key is not allowed (only letters, digits, '.', '_', '-' and '/' between names).",
    );
  }
}
