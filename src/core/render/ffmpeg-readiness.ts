/**
 * ffmpeg checked at start, not when the first user asks for a memory: the service resolves it as the render engine
 * will (FFMPEG_PATH → ffmpeg-static → PATH, with the capability check) and `/readyz` reports the result. A missing
 * ffmpeg is checked again at most every `recheckMs` when asked, so installing it makes the service ready without a
 * restart.
 */
import { isPhotoMemoryError } from "../errors.ts";
import { resolveFfmpeg } from "./ffmpeg-resolve.ts";

/** What a finished check found. */
export type FfmpegResult = { status: "ok"; source: string } | { status: "missing"; message: string };
export type FfmpegStatus = { status: "checking" } | FfmpegResult;

export interface FfmpegReadiness {
  /** The last result; a stale "missing" starts a new check in the background. */
  current(): FfmpegStatus;
  /** Resolves once the check in flight (if any) is done. */
  settled(): Promise<FfmpegStatus>;
}

export function createFfmpegReadiness(
  options: { env?: NodeJS.ProcessEnv; recheckMs?: number; onResult?: (result: FfmpegResult) => void } = {},
): FfmpegReadiness {
  const recheckMs = options.recheckMs ?? 30_000;
  let state: FfmpegStatus = { status: "checking" };
  let checkedAt = 0;
  let inFlight: Promise<FfmpegResult> | undefined;
  const check = (): Promise<FfmpegResult> => {
    inFlight ??= resolveFfmpeg(options.env ?? process.env)
      .then(
        (found): FfmpegResult => ({ status: "ok", source: found.source }),
        (error: unknown): FfmpegResult => ({
          status: "missing",
          message: isPhotoMemoryError(error)
            ? error.message
            : `ffmpeg could not be checked: ${String(error)}`,
        }),
      )
      .then((result) => {
        const changed = result.status !== state.status;
        state = result;
        checkedAt = Date.now();
        inFlight = undefined;
        if (changed) options.onResult?.(result);
        return result;
      });
    return inFlight;
  };
  void check();
  return {
    current() {
      if (state.status === "missing" && !inFlight && Date.now() - checkedAt >= recheckMs) void check();
      return state;
    },
    settled: () => inFlight ?? Promise.resolve(state),
  };
}
