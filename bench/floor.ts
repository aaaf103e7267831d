/**
 * The ffmpeg floor: the same duration, the same encoder settings (preset, CRF, profile, rate control, GOP) and the
 * same audio, from one still decoded once. As one process it gets x264's own threading (both cores), where a render
 * runs two single-threaded segment processes side by side.
 */
import { AUDIO_BITRATE_KBPS, x264Args } from "../src/core/render/encoder.ts";
import { FPS } from "../src/core/render/plan.ts";

export function floorArgs(still: string, durationSeconds: number, output: string): string[] {
  const frames = Math.round(durationSeconds * FPS);
  return [
    "-framerate",
    String(FPS),
    "-i",
    still,
    "-f",
    "lavfi",
    "-i",
    "anullsrc=r=48000:cl=stereo",
    "-filter_complex",
    `[0:v]format=yuv420p,loop=loop=-1:size=1:start=0,trim=end_frame=${frames},setpts=N/(${FPS}*TB),setsar=1[v]`,
    "-map",
    "[v]",
    "-map",
    "1:a",
    "-frames:v",
    String(frames),
    ...x264Args(FPS, { maxrateKbps: null }, "auto"),
    "-c:a",
    "aac",
    "-b:a",
    `${AUDIO_BITRATE_KBPS}k`,
    "-t",
    String(durationSeconds),
    "-movflags",
    "+faststart",
    "-y",
    output,
  ];
}
