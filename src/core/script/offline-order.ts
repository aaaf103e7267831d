/**
 * The order photos are shown in when no model decides it: by when they were taken, then by arrival.
 *
 * A photo without a date (a screenshot, an edited copy, a photo from a messenger that strips EXIF) stays next to the
 * photo that arrived just before it; when nothing dated arrived before it, it stays just before the first dated photo
 * that arrived after it. So undated photos keep their place in the story and their arrival order among themselves.
 * When no photo has a date, the order is simply the order of arrival.
 */
import type { PreparedPhoto } from "../domain.ts";

export function orderPhotos<P extends Pick<PreparedPhoto, "takenAt" | "arrivalIndex">>(
  photos: readonly P[],
): P[] {
  const byArrival = [...photos].sort((a, b) => a.arrivalIndex - b.arrivalIndex);
  const firstDated = byArrival.find((p) => p.takenAt !== null)?.takenAt ?? null;
  if (firstDated === null) return byArrival;

  let previous = firstDated.getTime();
  const keyed = byArrival.map((photo, position) => {
    const own = photo.takenAt?.getTime();
    if (own !== undefined) previous = own;
    return { photo, time: own ?? previous, position };
  });
  // Leading undated photos borrowed the first dated photo's time and arrived before it, so they sort just before it.
  return keyed.sort((a, b) => a.time - b.time || a.position - b.position).map((k) => k.photo);
}
