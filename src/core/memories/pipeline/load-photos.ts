/**
 * Step `load-photos`: marks the video processing and returns its photos as ids and blob keys. A video that was
 * cancelled (or already finished) before the run got here is reported as such, and the run stops quietly.
 */
import { PhotoMemoryError } from "../../errors.ts";
import type { PipelineDeps } from "./deps.ts";
import { type PhotoRef, toPhotoRef } from "./photo-refs.ts";

export type LoadedPhotos =
  | { kind: "ready"; photos: PhotoRef[] }
  | { kind: "stopped"; status: "cancelled" | "completed" | "failed" };

export async function loadPhotos(
  deps: Pick<PipelineDeps, "store">,
  input: { projectId: string; videoId: string },
): Promise<LoadedPhotos> {
  const { store } = deps;
  const video = await store.getVideo(input.videoId);
  if (!video) throw new PhotoMemoryError("store.not_found", "This memory no longer exists.");
  if (video.status === "cancelled" || video.status === "completed" || video.status === "failed") {
    return { kind: "stopped", status: video.status };
  }
  const project = await store.getProject(input.projectId);
  if (!project) throw new PhotoMemoryError("store.not_found", "This memory no longer exists.");
  const photos = (await store.getPhotos(project.photoIds)).filter(
    (p) => p.status === "ready" && !p.deletedAt,
  );
  if (photos.length === 0) {
    throw new PhotoMemoryError(
      "render.no_photos",
      "None of the photos of this memory is left, so no video could be made. Drop photos again, then type `/memory`.",
    );
  }
  await store.transitionVideo(input.videoId, ["queued"], "processing");
  return { kind: "ready", photos: photos.map((p, i) => toPhotoRef(p, i)) };
}
