/**
 * The ScriptWriter that needs no network: a title from the photo dates (unless the user gave one), photos in date
 * order (see offline-order.ts), and, for a trip of a few days, a day caption ("Monday 14 July") on the first photo of
 * each day. Used when no OpenAI key is set and as the fallback when OpenAI fails. Pure: same request, same script.
 */
import type { Script, ScriptRequest, ScriptWriter } from "../domain.ts";
import { orderPhotos } from "./offline-order.ts";
import { DAY_TITLE_MAX_SPAN_DAYS, dayCaption, titleFromDates } from "./title.ts";

const DAY_MS = 86_400_000;

export function createOfflineScriptWriter(): ScriptWriter {
  return {
    name: "offline",
    async write(request: ScriptRequest): Promise<Script> {
      const locale = request.locale?.trim() || "en";
      const ordered = orderPhotos(request.photos);
      const dates = ordered.flatMap((p) => (p.takenAt ? [p.takenAt] : []));
      const title = cleanTitle(request.title) ?? titleFromDates(dates, locale);
      return {
        title,
        order: ordered.map((p) => p.id),
        captions: dayCaptions(ordered, locale),
        locale,
        writer: "offline",
      };
    },
  };
}

function cleanTitle(title: string | undefined): string | null {
  const cleaned = title?.replace(/\s+/g, " ").trim();
  return cleaned ? cleaned : null;
}

/**
 * Captions mark day changes, and only when the memory covers 2 to 14 days: one day needs no date line, and a
 * month of photos would get one on nearly every photo.
 */
function dayCaptions(ordered: ScriptRequest["photos"], locale: string): Record<string, string> {
  const days = new Set(ordered.flatMap((p) => (p.takenAt ? [Math.floor(p.takenAt.getTime() / DAY_MS)] : [])));
  if (days.size < 2) return {};
  const span = Math.max(...days) - Math.min(...days);
  if (span > DAY_TITLE_MAX_SPAN_DAYS) return {};
  const captions: Record<string, string> = {};
  let currentDay: number | null = null;
  for (const photo of ordered) {
    if (!photo.takenAt) continue;
    const day = Math.floor(photo.takenAt.getTime() / DAY_MS);
    if (day !== currentDay) captions[photo.id] = dayCaption(photo.takenAt, locale);
    currentDay = day;
  }
  return captions;
}
