/**
 * Chooses the photos of a memory so it lasts about 75 s whatever the collection's size. Pure and row-based: it reads
 * the metrics measured at intake (photos/quality.ts) and the faces, never an image, so 10 000 photos take
 * milliseconds.
 *
 * 1. Quality first: near-duplicates (consecutive photos whose difference hashes differ in ≤ 10 of 64 bits: a burst,
 *    the same shot twice) keep their best photo; blurred photos (far less detail than the collection's usual, or
 *    none at all) and badly exposed ones (almost black, almost white, or mostly clipped) are left out. A memory never
 *    shrinks below three photos for quality alone.
 * 2. Length: when more photos remain than the style fits in the target length, the collection is cut in as many
 *    stretches of time as there are places, and each stretch gives its best photo, so the whole period stays covered.
 * "Best" (also which of two near-duplicates stays) weighs the people in it, the people who reacted to it in the chat,
 * then its sharpness: all else equal, a photo someone reacted to is kept over its unreacted twin or neighbour.
 * The chosen photos keep the collection's order. `/memory all` skips both steps, up to ALL_PHOTOS_CAP.
 */
import type { StyleName } from "../domain.ts";
import { hashDistance } from "../photos/quality.ts";
import { STYLES } from "../render/styles.ts";
import type { Photo } from "../store/records.ts";

export const TARGET_SECONDS = 75;
/** `/memory all` above this says so instead of starting a render of hours. */
export const ALL_PHOTOS_CAP = 300;

const NEAR_DUPLICATE_BITS = 10;
/** How many kept photos back a near-duplicate is looked for (bursts are consecutive). */
const DUPLICATE_WINDOW = 6;
const MIN_PHOTOS = 3;
/** Sharpness below this is a photo with no detail at all; below BLUR_RELATIVE × the median, blurred for its set. */
const BLUR_ABSOLUTE = 12;
const BLUR_RELATIVE = 0.2;
const TOO_DARK = 0.06;
const TOO_BRIGHT = 0.94;
const TOO_CLIPPED = 0.6;

export interface Curation {
  photos: Photo[];
  /** `plan`: left out for the plan's photos-per-memory limit (the best of the period are kept). */
  leftOut: { duplicates: number; blurred: number; exposure: number; length: number; plan: number };
}

/** How many photos a memory of about `seconds` holds in a style (title and closing cards included). */
export function photosForLength(style: StyleName, seconds = TARGET_SECONDS): number {
  const spec = STYLES[style];
  const step = spec.photoSeconds - spec.transitionSeconds;
  const fixed = spec.titleSeconds + spec.closingSeconds - spec.transitionSeconds;
  return Math.max(MIN_PHOTOS, Math.floor((seconds - fixed) / step));
}

export function curatePhotos(
  photos: readonly Photo[],
  options: {
    style: StyleName;
    all?: boolean;
    maxPhotos?: number;
    /** How many people reacted to each photo (Store.countReactors); absent: none. */
    reactors?: ReadonlyMap<string, number>;
  },
): Curation {
  const leftOut = { duplicates: 0, blurred: 0, exposure: 0, length: 0, plan: 0 };
  const max = options.maxPhotos ?? Number.POSITIVE_INFINITY;
  const reactors = options.reactors ?? new Map<string, number>();
  const score = (photo: Photo) => photoScore(photo, reactors.get(photo.id) ?? 0);
  if (options.all) {
    if (photos.length <= max) return { photos: [...photos], leftOut };
    // `/memory all` beyond the plan's limit: the best photo of each stretch of the period, as for length.
    leftOut.plan = photos.length - max;
    const chosen = new Set(bestPerStretch(chronological(photos), max, score).map((p) => p.id));
    return { photos: photos.filter((p) => chosen.has(p.id)), leftOut };
  }

  type Reason = "duplicates" | "blurred" | "exposure";
  const order = chronological(photos);
  const rejected: { photo: Photo; reason: Reason }[] = [];
  const sharpnesses = order.flatMap((p) => (p.quality ? [p.quality.sharpness] : [])).sort((a, b) => a - b);
  const median = sharpnesses[Math.floor(sharpnesses.length / 2)] ?? 0;
  const blurBelow = Math.max(BLUR_ABSOLUTE, sharpnesses.length >= 5 ? median * BLUR_RELATIVE : 0);

  let kept: Photo[] = [];
  for (const photo of order) {
    const q = photo.quality;
    if (q && (q.brightness < TOO_DARK || q.brightness > TOO_BRIGHT || q.clipped > TOO_CLIPPED)) {
      rejected.push({ photo, reason: "exposure" });
      continue;
    }
    if (q && q.sharpness < blurBelow) {
      rejected.push({ photo, reason: "blurred" });
      continue;
    }
    const twin = q ? findTwin(kept, q.dhash) : -1;
    if (twin >= 0) {
      const other = kept[twin] as Photo;
      if (score(photo) > score(other)) {
        kept[twin] = photo;
        rejected.push({ photo: other, reason: "duplicates" });
      } else rejected.push({ photo, reason: "duplicates" });
      continue;
    }
    kept.push(photo);
  }

  // Quality alone never leaves fewer than three photos: the best of the rest come back.
  const floor = Math.min(MIN_PHOTOS, photos.length);
  if (kept.length < floor) {
    rejected.sort((a, b) => score(b.photo) - score(a.photo));
    const back = rejected.splice(0, floor - kept.length).map((r) => r.photo);
    kept = chronological([...kept, ...back]);
  }
  for (const { reason } of rejected) leftOut[reason]++;

  const places = photosForLength(options.style);
  const room = Math.min(places, max);
  if (kept.length > room) {
    // Cut for length first; what the plan's limit cuts beyond that is counted apart, so the reply can name it.
    leftOut.length = Math.max(0, kept.length - places);
    leftOut.plan = kept.length - room - leftOut.length;
    kept = bestPerStretch(kept, room, score);
  }
  const chosen = new Set(kept.map((p) => p.id));
  return { photos: photos.filter((p) => chosen.has(p.id)), leftOut };
}

/**
 * People make memories: each face (up to four) and each person who reacted count about as much, reactions with
 * diminishing returns (1 → 2, 3 → 4, 7 → 6), so one crowd-pleaser does not outweigh everything; then detail
 * (log of sharpness, about 2–3 for a sharp photo). A photo without metrics scores as an average one.
 */
function photoScore(photo: Photo, reactors: number): number {
  const faces = Math.min(photo.faces?.length ?? 0, 4);
  const reactions = 2 * Math.log2(1 + Math.max(0, reactors));
  const sharpness = photo.quality ? Math.log10(1 + photo.quality.sharpness) : 2;
  return faces * 2 + reactions + sharpness;
}

function findTwin(kept: readonly Photo[], dhash: string): number {
  for (let i = kept.length - 1; i >= Math.max(0, kept.length - DUPLICATE_WINDOW); i--) {
    const other = kept[i]?.quality;
    if (other && hashDistance(other.dhash, dhash) <= NEAR_DUPLICATE_BITS) return i;
  }
  return -1;
}

/** Taken time when known (EXIF), else arrival; ties by arrival. */
function chronological(photos: readonly Photo[]): Photo[] {
  const at = (p: Photo) => (p.takenAt ?? p.createdAt).getTime();
  return [...photos].sort((a, b) => at(a) - at(b) || a.seq - b.seq);
}

function bestPerStretch(photos: readonly Photo[], places: number, score: (p: Photo) => number): Photo[] {
  const chosen: Photo[] = [];
  for (let i = 0; i < places; i++) {
    const start = Math.floor((i * photos.length) / places);
    const end = Math.floor(((i + 1) * photos.length) / places);
    let best: Photo | undefined;
    for (let j = start; j < end; j++) {
      const photo = photos[j] as Photo;
      if (!best || score(photo) > score(best)) best = photo;
    }
    if (best) chosen.push(best);
  }
  return chosen;
}
