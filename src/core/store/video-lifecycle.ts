/**
 * The lifecycle of a generated video. A retried step may repeat a move (processing → processing); a finished video
 * never starts again (completed → processing is refused); a failed one may be queued or started again (retry).
 */
import type { ProjectStatus, VideoStatus } from "./records.ts";

const NEXT: Record<VideoStatus, readonly VideoStatus[]> = {
  queued: ["processing", "failed", "cancelled"],
  processing: ["processing", "completed", "failed", "cancelled"],
  failed: ["queued", "processing"],
  completed: [],
  cancelled: [],
};

export function canTransition(from: VideoStatus, to: VideoStatus): boolean {
  return NEXT[from].includes(to);
}

/** The project follows its latest video. */
export function projectStatusFor(video: VideoStatus): ProjectStatus {
  return video === "queued" ? "processing" : video;
}
