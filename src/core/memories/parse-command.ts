/**
 * Reads what a user typed after `/memory` (or the whole `/memory …` line): a subcommand, or a request with an
 * optional style, aspect, `silent` (no music) and title. Platforms hand in the raw text; nothing here knows a platform.
 */
import { ASPECTS, type Aspect, STYLE_NAMES, type StyleName } from "../domain.ts";

export type MemoryCommand =
  | { kind: "help" }
  | { kind: "status" }
  | { kind: "reset" }
  | { kind: "cancel" }
  | { kind: "retry"; videoId?: string }
  /** `/memory plan`, `upgrade`, `billing`: the plan and its use, the upgrade card, the billing page. */
  | { kind: "plan" }
  | { kind: "upgrade" }
  | { kind: "billing" }
  /** `/memory lang fr`: write this conversation's memories in French; `auto` (null) goes back to the platform's. */
  | { kind: "language"; language?: string | null; invalid?: string }
  | { kind: "request"; style?: StyleName; aspect?: Aspect; title?: string; all?: true; silent?: true };

// `new` starts a fresh collection; `reset` is its older name, kept as an alias.
const SUBCOMMANDS = new Set([
  "help",
  "status",
  "new",
  "reset",
  "cancel",
  "retry",
  "plan",
  "upgrade",
  "billing",
]);
const MAX_TITLE = 80;

export function parseMemoryCommand(text: string): MemoryCommand {
  let rest = text.trim();
  // Accept "/memory …" as typed in the playground or Telegram, "/memory@bot …" from Telegram groups, and the bare
  // argument text that Slack and Discord slash commands deliver.
  const prefix = /^\/memory(?:@\w+)?(?=\s|$)/i.exec(rest);
  if (prefix) rest = rest.slice(prefix[0].length).trim();
  // Button values posted by the bot itself (the Retry button of a failed memory carries `retry:<videoId>`).
  const button = /^retry:(\S+)$/.exec(rest);
  if (button?.[1]) return { kind: "retry", videoId: button[1] };
  const words = rest.split(/\s+/).filter((w) => w.length > 0);
  const first = words[0]?.toLowerCase();
  if ((first === "lang" || first === "language") && words.length <= 2) return languageCommand(words[1]);
  if (first && SUBCOMMANDS.has(first) && (first === "retry" || words.length === 1)) {
    if (first === "retry") return words[1] ? { kind: "retry", videoId: words[1] } : { kind: "retry" };
    if (first === "new") return { kind: "reset" };
    return { kind: first as "help" | "status" | "reset" | "cancel" | "plan" | "upgrade" | "billing" };
  }
  const command: Extract<MemoryCommand, { kind: "request" }> = { kind: "request" };
  // Style, aspect, `all` (every photo, no curation) and `silent` (no music) may come first, in any order; the rest
  // is the title.
  while (words.length > 0) {
    const word = (words[0] ?? "").toLowerCase();
    if (!command.style && (STYLE_NAMES as readonly string[]).includes(word)) {
      command.style = word as StyleName;
    } else if (!command.aspect && (ASPECTS as readonly string[]).includes(word)) {
      command.aspect = word as Aspect;
    } else if (!command.all && word === "all") {
      command.all = true;
    } else if (!command.silent && word === "silent") {
      command.silent = true;
    } else {
      break;
    }
    words.shift();
  }
  const title = cleanTitle(words.join(" "));
  if (title) command.title = title;
  return command;
}

/** `lang` alone asks which language is in use; `auto` clears the choice; a tag must name a language Intl knows. */
function languageCommand(word: string | undefined): MemoryCommand {
  if (word === undefined) return { kind: "language" };
  if (/^(auto|default|reset)$/i.test(word)) return { kind: "language", language: null };
  const language = languageTag(word);
  return language ? { kind: "language", language } : { kind: "language", invalid: word.slice(0, 40) };
}

/** The canonical BCP 47 tag ("pt-br" → "pt-BR") when it names a known language, else null. */
export function languageTag(word: string): string | null {
  try {
    const [tag] = Intl.getCanonicalLocales(word.replace(/_/g, "-"));
    if (!tag) return null;
    const named = new Intl.DisplayNames(["en"], { type: "language", fallback: "none" }).of(tag);
    return named ? tag : null;
  } catch {
    return null;
  }
}

/**
 * A title as a user typed it, made safe to store and draw: control characters (a NUL cannot be stored in Postgres
 * text) become spaces, runs of spaces one, at most MAX_TITLE characters without splitting an emoji.
 */
export function cleanTitle(raw: string): string {
  const text = raw
    .replace(/[\p{Cc}\p{Cs}]/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  return Array.from(text).slice(0, MAX_TITLE).join("").trim();
}

export function isMemoryCommand(text: string): boolean {
  return /^\/memory(?:@\w+)?(?=\s|$)/i.test(text.trim());
}
