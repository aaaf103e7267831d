/**
 * Arguments for the steps around the segments, all pure: the final join (segments and soundtrack copied, faststart), and which segment also writes the poster.
 *
 * Segments are MPEG-TS files already on the memory's timeline, so their bytes appended in order are one stream:
 * the join probes one input. (The concat demuxer over MP4 segments probed every file, decoding several frames of
 * each: ~1 s of CPU at the end of a 20-photo 1080p render, against ~0.15 s now.)
 */
import { num } from "./filter-escape.ts";
import type { Segment } from "./segments.ts";
import type { RenderPlan } from "./types.ts";

/** Joins the appended segments and the soundtrack without re-encoding either, index up front (faststart). */
export function muxArgs(plan: RenderPlan, videoPath: string, audioPath: string, output: string): string[] {
  return [
    "-f",
    "mpegts",
    "-i",
    videoPath,
    "-i",
    audioPath,
    "-map",
    "0:v",
    "-map",
    "1:a",
    "-c",
    "copy",
    "-t",
    num(plan.durationSeconds, 3),
    "-movflags",
    "+faststart",
    "-f",
    "mp4",
    "-y",
    output,
  ];
}

/** The segment that holds the poster frame (the middle of the title card). */
export function posterSegment(plan: RenderPlan, segments: Segment[]): Segment | undefined {
  return (
    segments.find((s) => plan.posterFrame >= s.startFrame && plan.posterFrame < s.startFrame + s.frames) ??
    segments[0]
  );
}
