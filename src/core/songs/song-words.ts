/** What the bot says about songs and voice notes: one place, so every platform says it the same way. */
import type { StyleName } from "../domain.ts";
import type { Song } from "../store/records.ts";

/** The music a finished memory has, for its final status line (a render step's output: plain JSON). */
export type MemoryMusic =
  | { kind: "song"; label: string }
  | { kind: "voice"; label: string; style: StyleName }
  | { kind: "style"; style: StyleName; insteadOf?: { label: string; why: string } }
  | { kind: "none" };

/** “Title” by Performer, “file name”, or “your voice note”. */
export function songLabel(song: Pick<Song, "kind" | "title" | "performer" | "originalName">): string {
  if (song.kind === "voice") return "your voice note";
  const title = song.title?.trim();
  const performer = song.performer?.trim();
  if (title) return performer ? `“${title}” by ${performer}` : `“${title}”`;
  const name = song.originalName?.trim();
  return name ? `“${name}”` : "your song";
}

const minutes = (seconds: number) =>
  `${Math.floor(seconds / 60)}:${String(Math.round(seconds % 60)).padStart(2, "0")}`;

export function songAcceptedText(song: Song, replaced: Song | null): string {
  const instead = replaced ? ` It replaces ${songLabel(replaced)}.` : "";
  if (song.kind === "voice") {
    const length = song.durationSeconds ? ` (${minutes(song.durationSeconds)})` : "";
    return `🎙️ Got your voice note${length}: the next memory plays it over its music, which goes quiet while you speak.${instead}`;
  }
  return `🎵 Got ${songLabel(song)}: it will be the music of the next memory.${instead} (\`/memory silent\` makes one without music.)`;
}

export function songRejectedText(reason: string, next: Song | null): string {
  const then = next
    ? ` The next memory keeps ${songLabel(next)}.`
    : " The next memory will have its style's own music.";
  return `🎵 ${reason}${then}`;
}

/** The final status's music line. */
export function musicLine(music: MemoryMusic): string {
  switch (music.kind) {
    case "song":
      return `🎵 Music: ${music.label}.`;
    case "voice":
      return `🎙️ With ${music.label}, over the ${music.style} style's music.`;
    case "none":
      return "🔇 Without music.";
    case "style":
      return music.insteadOf
        ? `🎵 ${capitalise(music.insteadOf.label)} ${music.insteadOf.why}, so it has the ${music.style} style's own music.`
        : `🎵 Music: the ${music.style} style's own soundtrack.`;
  }
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** How the started reply names the music: ", with “Title” as its music" / ", with your voice note" / ", without music". */
export function musicPart(input: { silent?: boolean; song?: Song | null }): string {
  if (input.silent) return ", without music";
  if (!input.song) return "";
  return input.song.kind === "voice"
    ? ", with your voice note"
    : `, with ${songLabel(input.song)} as its music`;
}
