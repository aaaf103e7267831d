export { type DeliveredVideo, deliverVideo } from "./deliver-video.ts";
export {
  chatFor,
  type MemoryRenderer,
  type PipelineDeps,
  type RenderInput,
  type RenderOutput,
} from "./deps.ts";
export { failMemory } from "./fail-memory.ts";
export { type LoadedPhotos, loadPhotos } from "./load-photos.ts";
export { createMemoryRenderer } from "./memory-renderer.ts";
export type { PhotoRef } from "./photo-refs.ts";
export { createProgressReporter, type ProgressReporter } from "./progress-reporter.ts";
export { type PublishedVideo, publishVideo } from "./publish-video.ts";
export { posterKeyOf, type RenderedVideo, renderVideo, videoKeyOf } from "./render-video.ts";
export { asStepError, failureSentence, finalOnKnownErrors } from "./step-errors.ts";
export { summarisePhotos } from "./summarise-photos.ts";
export { writeScript } from "./write-script.ts";
