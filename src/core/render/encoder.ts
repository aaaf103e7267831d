/**
 * Encoder settings shared by every segment (they must match for `-c copy` concatenation) and by the benchmark's
 * floor, plus the bitrate budget that makes a video fit `maxBytes`. Pure.
 */

/**
 * superfast with macroblock-tree rate control put back: measured on the bench's 1080p segments it encodes ~25 %
 * faster than veryfast and, thanks to mbtree, into a slightly smaller file at the same CRF.
 * b-adapt=0 + scenecut=0: a slideshow has no cuts (transitions are fades/slides, keyframes come every
 * KEYFRAME_SECONDS) and a fixed 3-B-frame pattern suits slow Ken Burns motion; skipping the per-frame lowres B-frame
 * decision and scene-cut analysis measured ~7 % less x264 CPU on a moving 1080p segment at equal SSIM/PSNR
 * (0.9736 vs 0.9735, 42.93 vs 42.93 dB) and a 3 % smaller file.
 */
export const X264_PRESET = "superfast";
export const X264_QUALITY_PARAMS = "mbtree=1:rc-lookahead=5:b-adapt=0:scenecut=0";
export const X264_CRF = 21;
export const KEYFRAME_SECONDS = 4;
export const AUDIO_BITRATE_KBPS = 128;

export interface VideoRate {
  /** Peak video bitrate in kbit/s (x264 VBV), or null for plain CRF quality. */
  maxrateKbps: number | null;
}

/**
 * `threads`: renderMemory runs two segment processes at once with one x264 thread each (ffmpeg 5 then encodes in
 * its main thread: no frame-thread hand-offs, and less memory per process); a single process (the benchmark's
 * floor) lets x264 choose.
 */
export function x264Args(fps: number, rate: VideoRate, threads: number | "auto" = 1): string[] {
  const args = [
    "-c:v",
    "libx264",
    "-preset",
    X264_PRESET,
    "-crf",
    String(X264_CRF),
    "-profile:v",
    "high",
    "-pix_fmt",
    "yuv420p",
    "-r",
    String(fps),
    "-g",
    String(KEYFRAME_SECONDS * fps),
    "-x264-params",
    `${X264_QUALITY_PARAMS}:threads=${threads}`,
  ];
  if (rate.maxrateKbps !== null) {
    // One second of buffer: the whole file stays within maxrate × (duration + segments) seconds.
    args.push("-maxrate", `${rate.maxrateKbps}k`, "-bufsize", `${rate.maxrateKbps}k`);
  }
  return args;
}

/** Smallest video bitrate we accept before saying the memory cannot fit (below this it is a smear). */
export const MIN_VIDEO_KBPS = 150;

/**
 * Chooses audio and video bitrates so duration × rates (+ the VBV slack of each segment and ~2 % container overhead)
 * stays under `maxBytes`. Returns null when even the minimum video bitrate cannot fit.
 */
export function budgetFor(
  maxBytes: number,
  durationSeconds: number,
  segments: number,
  shrink = 1,
): { videoKbps: number; audioKbps: number } | null {
  const usableBits = maxBytes * 8 * 0.97 * shrink;
  for (const audioKbps of [AUDIO_BITRATE_KBPS, 96, 64, 32]) {
    const audioBits = audioKbps * 1000 * durationSeconds;
    const videoKbps = Math.floor((usableBits - audioBits) / (durationSeconds + segments) / 1000);
    if (
      videoKbps >= Math.max(MIN_VIDEO_KBPS, audioKbps * 4) ||
      (audioKbps === 32 && videoKbps >= MIN_VIDEO_KBPS)
    ) {
      return { videoKbps, audioKbps };
    }
  }
  return null;
}
