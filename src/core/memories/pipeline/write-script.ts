/**
 * Step `write-script`: the script writer (OpenAI or offline) turns the photos into a title, order and captions,
 * reading small previews from the BlobStore. A RetryAfterError (rate limit) goes up to the runner when the wait is
 * short and the rate limit is new; a long wait (`retry-after: 3600`), a rate limit that persists, or any other failure
 * of the writer falls back to the offline writer so the memory is still made, and soon. The script is stored on the
 * project.
 */
import type { Script, StyleName } from "../../domain.ts";
import { isRetryAfterError } from "../../jobs/job-errors.ts";
import type { PipelineDeps } from "./deps.ts";
import { type PhotoRef, toPreparedPhoto } from "./photo-refs.ts";

/** The longest wait for a rate-limited script writer a memory accepts, and how many rate-limited tries it gives it. */
export const MAX_SCRIPT_WAIT_MS = 60_000;
export const SCRIPT_RATE_LIMIT_TRIES = 2;

export async function writeScript(
  deps: Pick<PipelineDeps, "store" | "blobs" | "scriptWriter" | "fallbackWriter" | "logger">,
  input: {
    projectId: string;
    photos: PhotoRef[];
    style: StyleName;
    locale: string;
    title?: string | undefined;
    signal?: AbortSignal | undefined;
    /** Zero-based attempt of this step (the runner's). */
    attempt?: number;
  },
): Promise<Script> {
  const keyById = new Map(input.photos.map((p) => [p.id, p.blobKey]));
  const request = {
    // Writers get no local paths here: the photos are read through `preview` from the BlobStore.
    photos: input.photos.map((p) => toPreparedPhoto(p, "")),
    style: input.style,
    locale: input.locale,
    ...(input.title ? { title: input.title } : {}),
    preview: (photoId: string) => deps.blobs.get(keyById.get(photoId) ?? `missing/${photoId}`),
  };
  let script: Script;
  try {
    script = await deps.scriptWriter.write(request, input.signal);
  } catch (error) {
    if (input.signal?.aborted) throw error;
    const worthWaiting =
      isRetryAfterError(error) &&
      error.retryAfterMs <= MAX_SCRIPT_WAIT_MS &&
      (input.attempt ?? 0) + 1 < SCRIPT_RATE_LIMIT_TRIES;
    if (worthWaiting) throw error;
    deps.logger.warn(
      { err: error, projectId: input.projectId, writer: deps.scriptWriter.name, attempt: input.attempt ?? 0 },
      "script writer failed; using the fallback writer",
    );
    script = await deps.fallbackWriter.write(request, input.signal);
  }
  await deps.store.setProjectScript(input.projectId, script);
  return script;
}
