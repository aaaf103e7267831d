/** The words the bot says for commands. One place, so every platform answers the same way. */
import { PREMIUM_STYLES, STYLE_NAMES, type StyleName } from "../domain.ts";
import type { GeneratedVideo } from "../store/records.ts";
import { formatProgress } from "./progress-throttle.ts";

export function helpReply(): string {
  const styles = STYLE_NAMES.map((s) => (PREMIUM_STYLES.includes(s) ? `${s} (premium)` : s)).join(", ");
  return [
    "Drop photos here, then type `/memory` and I will turn them into a short memory video.",
    `\`/memory [style] [title]\`: make a memory from the photos since the last one (with no new photos, the last memory's photos again, say in another style). Styles: ${styles}.`,
    "`/memory status`: how many photos are collected and how the last memory is doing.",
    "`/memory new`: start a new collection (photos so far are set aside).",
    "`/memory cancel`: stop the memory being made.",
    "`/memory retry`: try the last failed memory again.",
  ].join("\n");
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export function startedReply(input: { photoCount: number; style: StyleName; title?: string | null }): string {
  const title = input.title ? ` “${input.title}”` : "";
  return `🎞️ Making your memory${title} from ${plural(input.photoCount, "photo")} in the ${input.style} style…`;
}

export function remakeReply(input: { photoCount: number; style: StyleName; title?: string | null }): string {
  const title = input.title ? ` “${input.title}”` : "";
  return `🎞️ No new photos, so making another memory${title} of the same ${plural(input.photoCount, "photo")} in the ${input.style} style… (\`/memory new\` starts a fresh collection.)`;
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
