/**
 * Step `publish`: the rendered video (already stored under its deterministic keys) becomes the memory's result:
 * the video row is completed with its keys and numbers, and its share link is made. Safe to run twice.
 */
import type { PipelineDeps } from "./deps.ts";
import type { RenderedVideo } from "./render-video.ts";

export interface PublishedVideo {
  videoId: string;
  /** False when the memory was cancelled meanwhile: nothing is delivered then. */
  published: boolean;
  shareUrl: string | null;
}

export async function publishVideo(
  deps: Pick<PipelineDeps, "store" | "blobs" | "shareUrl">,
  input: { videoId: string; rendered: RenderedVideo },
): Promise<PublishedVideo> {
  const { rendered } = input;
  await deps.store.transitionVideo(input.videoId, ["processing"], "completed", {
    progress: 1,
    videoKey: rendered.videoKey,
    posterKey: rendered.posterKey,
    bytes: rendered.bytes,
    durationSeconds: rendered.durationSeconds,
    width: rendered.width,
    height: rendered.height,
  });
  const video = await deps.store.getVideo(input.videoId);
  if (video?.status !== "completed") return { videoId: input.videoId, published: false, shareUrl: null };
  const shareUrl = deps.shareUrl
    ? deps.shareUrl(video.shareToken)
    : await deps.blobs.signedUrl(rendered.videoKey, 7 * 24 * 3600);
  return { videoId: input.videoId, published: true, shareUrl };
}
