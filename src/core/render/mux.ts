/** Arguments for the last step (concatenate segments without re-encoding, add the soundtrack, faststart) and the poster. Pure. */
import { num } from "./filter-escape.ts";
import type { RenderPlan } from "./types.ts";

/** The concat demuxer's list file: one `file '<path>'` line per segment, quotes escaped as the demuxer wants. */
export function concatList(paths: string[]): string {
  return `${paths.map((p) => `file '${p.replace(/'/g, "'\\''")}'`).join("\n")}\n`;
}

export function muxArgs(plan: RenderPlan, listPath: string, output: string, audioKbps: number): string[] {
  const duration = num(plan.durationSeconds, 3);
  const audioIn =
    plan.audio.kind === "music"
      ? ["-stream_loop", "-1", "-i", plan.audio.path]
      : ["-f", "lavfi", "-i", "anullsrc=r=48000:cl=stereo"];
  const fadeOut =
    plan.audio.kind === "music"
      ? `,afade=t=in:d=0.3,afade=t=out:st=${num(Math.max(0, plan.durationSeconds - plan.audio.fadeOutSeconds), 3)}:d=${num(plan.audio.fadeOutSeconds, 3)}`
      : "";
  return [
    "-f",
    "concat",
    "-safe",
    "0",
    "-i",
    listPath,
    ...audioIn,
    "-filter_complex",
    `[1:a]aresample=48000,aformat=channel_layouts=stereo,atrim=0:${duration},asetpts=PTS-STARTPTS${fadeOut}[a]`,
    "-map",
    "0:v",
    "-map",
    "[a]",
    "-c:v",
    "copy",
    "-c:a",
    "aac",
    "-b:a",
    `${audioKbps}k`,
    "-t",
    duration,
    "-movflags",
    "+faststart",
    "-f",
    "mp4",
    "-y",
    output,
  ];
}

/** One JPEG frame of the finished video (the middle of the title card). */
export function posterArgs(plan: RenderPlan, video: string, poster: string): string[] {
  return [
    "-ss",
    num(plan.posterFrame / plan.fps, 3),
    "-i",
    video,
    "-frames:v",
    "1",
    "-q:v",
    "3",
    "-f",
    "image2",
    "-update",
    "1",
    "-y",
    poster,
  ];
}
