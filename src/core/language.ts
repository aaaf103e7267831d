/** Names of languages for people and for the script model: "Japanese (日本語)" from "ja". */

/** The language's English name and, when different, its own ("French (français)"); the tag itself if unknown. */
export function languageName(tag: string): string {
  try {
    const english = new Intl.DisplayNames(["en"], { type: "language" }).of(tag) ?? tag;
    const own = new Intl.DisplayNames([tag], { type: "language" }).of(tag) ?? tag;
    return own.toLowerCase() === english.toLowerCase() ? english : `${english} (${own})`;
  } catch {
    return tag;
  }
}
