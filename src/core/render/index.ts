/** The render engine's public API: styles, pure planning, rendering with ffmpeg, and the ffmpeg helpers. */
export { type ResolvedFfmpeg, resolveFfmpeg } from "./ffmpeg-resolve.ts";
export { type RunFfmpegOptions, type RunFfmpegResult, runFfmpeg } from "./ffmpeg-run.ts";
export { FPS, type PlanOptions, planRender } from "./plan.ts";
export { type ProbedStream, type ProbeResult, probe } from "./probe.ts";
export { type RenderOutput, type RenderResult, renderMemory } from "./render.ts";
export { FONTS, STYLES } from "./styles.ts";
export type {
  PlannedSlide,
  PlannedText,
  Rect,
  RenderPlan,
  StyleSpec,
  TextLook,
  TransitionKind,
} from "./types.ts";
