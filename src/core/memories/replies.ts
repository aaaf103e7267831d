/** The words the bot says for commands. One place, so every platform answers the same way. */
import { PREMIUM_STYLES, STYLE_NAMES, type StyleName } from "../domain.ts";
import { musicPart } from "../songs/song-words.ts";
import type { GeneratedVideo, Song } from "../store/records.ts";
import { ALL_PHOTOS_CAP, type Curation, TARGET_SECONDS } from "./curate.ts";
import { formatProgress } from "./progress-throttle.ts";

export function helpReply(): string {
  const styles = STYLE_NAMES.map((s) => (PREMIUM_STYLES.includes(s) ? `${s} (premium)` : s)).join(", ");
  return [
    "Drop photos here, then type `/memory` and I will turn them into a short memory video.",
    `\`/memory [style] [title]\`: make a memory from the photos since the last one (with no new photos, the last memory's photos again, say in another style). Styles: ${styles}. Each style has its own music; send a song or a voice note first to use it instead, or add \`silent\` for none.`,
    "`/memory status`: how many photos are collected and how the last memory is doing.",
    `\`/memory all [style] [title]\`: use every photo (up to ${ALL_PHOTOS_CAP}); without \`all\`, a memory keeps the best photos for about ${TARGET_SECONDS} s.`,
    "`/memory new`: start a new collection (photos so far are set aside).",
    "`/memory cancel`: stop the memory being made.",
    "`/memory retry`: try the last failed memory again.",
    "`/memory lang fr`: write this conversation's memories in French (any language code; `auto` follows each person's app language).",
    "`/memory plan`: the plan here, this month's memories and the limits. `/memory upgrade`: get premium. `/memory billing`: manage what was bought.",
  ].join("\n");
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export interface StartedInput {
  photoCount: number;
  style: StyleName;
  title?: string | null;
  /** `/memory … silent`: said in the reply, so the user sees it was understood. */
  silent?: boolean;
  /** The chat's song or voice note the memory plays (named in the reply). */
  song?: Song | null;
  /** Photos of the collection the memory was chosen from, and why the others were left out. */
  curation?: {
    from: number;
    leftOut: Curation["leftOut"];
    /** The plan's photos-per-memory limit, when it left photos out (and premium's number, when one can upgrade). */
    planLimit?: { photos: number; premium: number | null };
  };
}

export function startedReply(input: StartedInput): string {
  const title = input.title ? ` “${input.title}”` : "";
  return `🎞️ Making your memory${title} from ${photosPart(input)} in the ${input.style} style${music(input)}…${leftOutPart(input)}`;
}

export function remakeReply(input: StartedInput): string {
  const title = input.title ? ` “${input.title}”` : "";
  return `🎞️ No new photos, so making another memory${title} of the same ${photosPart(input)} in the ${input.style} style${music(input)}… (\`/memory new\` starts a fresh collection.)${leftOutPart(input)}`;
}

function music(input: StartedInput): string {
  return musicPart(input);
}

function photosPart(input: StartedInput): string {
  const from = input.curation?.from ?? input.photoCount;
  return from > input.photoCount
    ? `${input.photoCount} of ${plural(from, "photo")}`
    : plural(input.photoCount, "photo");
}

/** " Left out: 12 near-duplicates, 2 blurred, 40 to keep it about 75 s. `/memory all` keeps every photo." */
export function leftOutPart(input: Pick<StartedInput, "curation">): string {
  const out = input.curation?.leftOut;
  if (!out) return "";
  const limit = input.curation?.planLimit;
  const parts = [
    out.duplicates > 0 ? `${out.duplicates} near-duplicate${out.duplicates === 1 ? "" : "s"}` : "",
    out.blurred > 0 ? `${out.blurred} blurred` : "",
    out.exposure > 0 ? `${out.exposure} too dark or too bright` : "",
    out.length > 0 ? `${out.length} to keep it about ${TARGET_SECONDS} s` : "",
    out.plan > 0 && limit ? `${out.plan} over this plan's ${limit.photos} photos per memory` : "",
  ].filter((p) => p.length > 0);
  if (parts.length === 0) return "";
  const tail =
    out.plan > 0 && limit
      ? limit.premium
        ? ` Premium makes memories of up to ${limit.premium} photos: type \`/memory upgrade\`.`
        : ""
      : " `/memory all` keeps every photo.";
  return ` Left out: ${parts.join(", ")}.${tail}`;
}

export function tooManyForAllReply(count: number): string {
  return `That is ${plural(count, "photo")}: \`/memory all\` makes memories of up to ${ALL_PHOTOS_CAP} photos, so I did not start one that long. Type \`/memory\` for the best of them in about ${TARGET_SECONDS} s, or \`/memory new\` and drop the photos you want.`;
}

export function noPhotosReply(): string {
  return "There are no new photos here yet. Drop a few photos first, then type `/memory`.";
}

export function busyReply(video: GeneratedVideo): string {
  return `A memory is already being made here (${Math.round(video.progress * 100)} %). Wait for it, or type \`/memory cancel\`.`;
}

export function videoStatusLine(video: GeneratedVideo, title: string | null): string {
  const name = title ? `“${title}”` : "Your last memory";
  switch (video.status) {
    case "queued":
      return `${name} is waiting for its turn.`;
    case "processing":
      return `${name} is being made: ${formatProgress(video.progress)}.`;
    case "completed":
      return `${name} is ready.`;
    case "failed":
      return `${name} failed${video.errorMessage ? `: ${video.errorMessage}` : "."} Type \`/memory retry\` to try again.`;
    case "cancelled":
      return `${name} was cancelled. Type \`/memory retry\` to make it after all.`;
  }
}
