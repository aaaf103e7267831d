/** Frame sizes and Ken Burns rectangles. Pure maths in source pixels; no I/O. */
import type { Aspect, Resolution } from "../domain.ts";
import type { Rect } from "./types.ts";

/** Resolution is the short side: 720p 16:9 = 1280×720, 9:16 = 720×1280, 1:1 = 720×720. */
export function frameSize(aspect: Aspect, resolution: Resolution): { width: number; height: number } {
  const long = Math.round((resolution * 16) / 9 / 2) * 2;
  if (aspect === "16:9") return { width: long, height: resolution };
  if (aspect === "9:16") return { width: resolution, height: long };
  return { width: resolution, height: resolution };
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** The largest rectangle of the frame's aspect inside the photo, centred on the focus as far as the edges allow. */
export function coverRect(
  photo: { width: number; height: number },
  frameAspect: number,
  focus: { x: number; y: number },
): Rect {
  const photoAspect = photo.width / photo.height;
  const w = photoAspect > frameAspect ? photo.height * frameAspect : photo.width;
  const h = w / frameAspect;
  const fx = focus.x * photo.width;
  const fy = focus.y * photo.height;
  return { x: clamp(fx - w / 2, 0, photo.width - w), y: clamp(fy - h / 2, 0, photo.height - h), w, h };
}

/** The cover rect zoomed in by `zoom` (≥ 1) so the focus keeps its place on screen: it can never leave the crop. */
export function zoomTowards(cover: Rect, zoom: number, focus: { x: number; y: number }): Rect {
  const w = cover.w / zoom;
  const h = cover.h / zoom;
  return { x: focus.x - (focus.x - cover.x) / zoom, y: focus.y - (focus.y - cover.y) / zoom, w, h };
}

/** Linear interpolation of two rectangles (both containing a point means every step contains it too). */
export function lerpRect(a: Rect, b: Rect, t: number): Rect {
  return {
    x: a.x + (b.x - a.x) * t,
    y: a.y + (b.y - a.y) * t,
    w: a.w + (b.w - a.w) * t,
    h: a.h + (b.h - a.h) * t,
  };
}

export function containsPoint(r: Rect, p: { x: number; y: number }, epsilon = 1e-6): boolean {
  return (
    p.x >= r.x - epsilon && p.x <= r.x + r.w + epsilon && p.y >= r.y - epsilon && p.y <= r.y + r.h + epsilon
  );
}

export function containsRect(outer: Rect, inner: Rect, epsilon = 1e-6): boolean {
  return (
    inner.x >= outer.x - epsilon &&
    inner.y >= outer.y - epsilon &&
    inner.x + inner.w <= outer.x + outer.w + epsilon &&
    inner.y + inner.h <= outer.y + outer.h + epsilon
  );
}

/** The smallest rectangle around all of `rects` (which must not be empty). */
export function unionRect(rects: readonly Rect[]): Rect {
  const x = Math.min(...rects.map((r) => r.x));
  const y = Math.min(...rects.map((r) => r.y));
  const right = Math.max(...rects.map((r) => r.x + r.w));
  const bottom = Math.max(...rects.map((r) => r.y + r.h));
  return { x, y, w: right - x, h: bottom - y };
}

/**
 * What framing must keep of a face: the detector's box (fractions of the photo) grown by a margin, more above
 * (hair) than below (chin), clamped to the photo; in source pixels.
 */
export function faceKeepRect(
  photo: { width: number; height: number },
  face: { x: number; y: number; w: number; h: number },
): Rect {
  const w = face.w * photo.width;
  const h = face.h * photo.height;
  const left = clamp(face.x * photo.width - 0.15 * w, 0, photo.width);
  const top = clamp(face.y * photo.height - 0.25 * h, 0, photo.height);
  const right = clamp((face.x + face.w) * photo.width + 0.15 * w, 0, photo.width);
  const bottom = clamp((face.y + face.h) * photo.height + 0.15 * h, 0, photo.height);
  return { x: left, y: top, w: right - left, h: bottom - top };
}

/**
 * The faces framing keeps: all of them when the box around them fits `max`; otherwise the largest face and, nearest
 * first, every other face that still fits with it (a group at one side of a wide photo beats half of everyone).
 */
export function faceGroup(faces: readonly Rect[], max: { w: number; h: number }): Rect | null {
  if (faces.length === 0) return null;
  const all = unionRect(faces);
  if (all.w <= max.w && all.h <= max.h) return all;
  const area = (r: Rect) => r.w * r.h;
  const centre = (r: Rect) => ({ x: r.x + r.w / 2, y: r.y + r.h / 2 });
  const [largest, ...others] = [...faces].sort((a, b) => area(b) - area(a)) as [Rect, ...Rect[]];
  // A face bigger than the frame itself: keep its middle (the crop is centred on it).
  let group: Rect = largest;
  const c = centre(largest);
  const byDistance = others.sort(
    (a, b) =>
      Math.hypot(centre(a).x - c.x, centre(a).y - c.y) - Math.hypot(centre(b).x - c.x, centre(b).y - c.y),
  );
  for (const face of byDistance) {
    const grown = unionRect([group, face]);
    if (grown.w <= max.w && grown.h <= max.h) group = grown;
  }
  return group;
}

/**
 * A rectangle of `size` inside `bounds` that contains `subject` (when it is smaller than `size`), centred on the
 * subject as far as `bounds` allows.
 */
export function placeAround(subject: Rect, size: { w: number; h: number }, bounds: Rect): Rect {
  const along = (start: number, length: number, span: number, lo: number, hi: number) => {
    const centred = start + length / 2 - span / 2;
    // Containing the subject wins over centring; staying inside the bounds wins over both.
    const keep = length <= span ? clamp(centred, start + length - span, start) : centred;
    return clamp(keep, lo, hi - span);
  };
  return {
    x: along(subject.x, subject.w, size.w, bounds.x, bounds.x + bounds.w),
    y: along(subject.y, subject.h, size.h, bounds.y, bounds.y + bounds.h),
    w: size.w,
    h: size.h,
  };
}
