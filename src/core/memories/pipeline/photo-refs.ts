/** The step-sized view of a memory's photos: ids and blob keys (what `load-photos` returns and later steps use). */
import type { FaceBox, PreparedPhoto } from "../../domain.ts";
import { PhotoMemoryError } from "../../errors.ts";
import type { Photo } from "../../store/records.ts";

export interface PhotoRef {
  id: string;
  blobKey: string;
  width: number;
  height: number;
  /** ISO string (step outputs go through JSON). */
  takenAt: string | null;
  arrivalIndex: number;
  focus: { x: number; y: number } | null;
  /** Optional: refs returned by a `load-photos` step before faces existed carry none. */
  faces?: FaceBox[] | null;
  name: string | null;
}

/** Only a ready photo has content to render. */
export function toPhotoRef(photo: Photo, arrivalIndex: number): PhotoRef {
  const { blobKey, width, height } = photo;
  if (photo.status !== "ready" || blobKey === null || width === null || height === null) {
    throw new PhotoMemoryError("render.no_photos", "A photo of this memory is not ready.");
  }
  return {
    id: photo.id,
    blobKey,
    width,
    height,
    takenAt: photo.takenAt ? new Date(photo.takenAt).toISOString() : null,
    arrivalIndex,
    focus: photo.focus,
    faces: photo.faces,
    name: photo.originalName,
  };
}

/** A PhotoRef as the script writers and the renderer see it; `path` is where the JPEG was (or will be) put. */
export function toPreparedPhoto(ref: PhotoRef, path: string): PreparedPhoto {
  return {
    id: ref.id,
    path,
    width: ref.width,
    height: ref.height,
    takenAt: ref.takenAt ? new Date(ref.takenAt) : null,
    arrivalIndex: ref.arrivalIndex,
    ...(ref.focus ? { focus: ref.focus } : {}),
    ...(ref.faces ? { faces: ref.faces } : {}),
    ...(ref.name ? { name: ref.name } : {}),
  };
}
