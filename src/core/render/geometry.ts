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
