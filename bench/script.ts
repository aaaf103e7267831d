/** The bench's script (title, captions on every third photo, closing) and the length of the video it makes. */
import type { PreparedPhoto, Script, StyleName } from "../src/core/domain.ts";
import { planRender } from "../src/core/render/index.ts";

export function scriptFor(photos: PreparedPhoto[]): Script {
  const captions: Record<string, string> = {};
  photos.forEach((p, i) => {
    if (i % 3 === 0) captions[p.id] = `Day ${i + 1}: the view from the café, 100% worth it`;
  });
  return {
    title: "Summer in Lisbon",
    subtitle: "14–28 July 2025",
    order: photos.map((p) => p.id),
    captions,
    closing: "Until next summer",
    locale: "en",
    writer: "bench",
  };
}

/** The video's length for `count` photos in `style` (the plan's timing does not depend on the photos' pixels). */
export function videoSecondsFor(style: StyleName, resolution: 720 | 1080, count: number): number {
  const photos: PreparedPhoto[] = Array.from({ length: count }, (_, i) => ({
    id: `photo-${i}`,
    path: `/nonexistent/photo-${i}.jpg`,
    width: 3072,
    height: 2304,
    takenAt: null,
    arrivalIndex: i,
    focus: { x: 0.5, y: 0.5 },
  }));
  return planRender(photos, scriptFor(photos), style, { aspect: "16:9", resolution }).durationSeconds;
}
