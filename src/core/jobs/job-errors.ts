/**
 * Errors a step throws to steer its runner without importing it: retry at a given time (a 429 with retry-after),
 * or stop retrying. The Inngest wiring maps them to Inngest's RetryAfterError / NonRetriableError; the embedded
 * runner honours them directly.
 */
export class RetryAfterError extends Error {
  override readonly name = "RetryAfterError";
  constructor(
    message: string,
    /** Milliseconds to wait before the next attempt. */
    readonly retryAfterMs: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class NonRetriableError extends Error {
  override readonly name = "NonRetriableError";
}

export function isRetryAfterError(e: unknown): e is RetryAfterError {
  return e instanceof RetryAfterError;
}

export function isNonRetriableError(e: unknown): e is NonRetriableError {
  return e instanceof NonRetriableError;
}

/** Parses an HTTP `retry-after` (seconds or HTTP date) or `retry-after-ms` value to milliseconds; null if absent/bad. */
export function parseRetryAfter(
  value: string | null | undefined,
  valueMs?: string | null,
  now = Date.now(),
): number | null {
  if (valueMs != null && valueMs.trim() !== "") {
    const ms = Number(valueMs);
    if (Number.isFinite(ms) && ms >= 0) return Math.ceil(ms);
  }
  if (value == null || value.trim() === "") return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? Math.ceil(seconds * 1000) : null;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now);
}
