/**
 * Words made from dates, in the memory's locale: the title ("14–16 July 2025", "July 2025") and day captions.
 * Dates are floating wall-clock times (see photos/exif-date.ts), so everything here formats in UTC.
 */

/** Up to this many days between the first and last photo, the title names days; beyond it, months. */
export const DAY_TITLE_MAX_SPAN_DAYS = 14;

const DAY_MS = 86_400_000;

const DEFAULT_TITLES: Record<string, string> = {
  en: "Our memories",
  de: "Unsere Erinnerungen",
  fr: "Nos souvenirs",
  es: "Nuestros recuerdos",
  it: "I nostri ricordi",
  nl: "Onze herinneringen",
  pt: "Nossas memórias",
  pl: "Nasze wspomnienia",
  sv: "Våra minnen",
  tr: "Anılarımız",
  ru: "Наши воспоминания",
  uk: "Наші спогади",
  ar: "ذكرياتنا",
  he: "הזיכרונות שלנו",
  hi: "हमारी यादें",
  ja: "私たちの思い出",
  zh: "我们的回忆",
  ko: "우리의 추억",
};

/**
 * The Intl locale to format with. Plain "en" means British order ("14 July 2025"), the product's house style;
 * "en-US" and every other supported tag format as their speakers expect. Unknown or malformed tags fall back to "en".
 */
export function formattingLocale(locale: string | undefined): string {
  const tag = (locale ?? "en").trim() || "en";
  if (tag.toLowerCase() === "en") return "en-GB";
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([tag])[0] ?? "en-GB";
  } catch {
    return "en-GB";
  }
}

export function defaultTitle(locale: string | undefined): string {
  const language = formattingLocale(locale).split("-")[0] ?? "en";
  return DEFAULT_TITLES[language] ?? DEFAULT_TITLES.en ?? "Our memories";
}

/** Title from the dates photos were taken; the locale's default title when no photo has a date. */
export function titleFromDates(dates: readonly Date[], locale?: string): string {
  if (dates.length === 0) return defaultTitle(locale);
  const times = dates.map((d) => d.getTime());
  const first = new Date(Math.min(...times));
  const last = new Date(Math.max(...times));
  const loc = formattingLocale(locale);
  const utc = { timeZone: "UTC" } as const;

  const firstDay = Math.floor(first.getTime() / DAY_MS);
  const lastDay = Math.floor(last.getTime() / DAY_MS);
  if (firstDay === lastDay) {
    return tidy(
      new Intl.DateTimeFormat(loc, { ...utc, day: "numeric", month: "long", year: "numeric" }).format(first),
    );
  }
  const sameMonth =
    first.getUTCFullYear() === last.getUTCFullYear() && first.getUTCMonth() === last.getUTCMonth();
  if (lastDay - firstDay <= DAY_TITLE_MAX_SPAN_DAYS) {
    const range = new Intl.DateTimeFormat(loc, { ...utc, day: "numeric", month: "long", year: "numeric" });
    const text = tidy(wordyRange(range, first, last, loc));
    // "14 – 16 July 2025" → "14–16 July 2025": a range of plain numbers takes a closed-up en dash.
    return sameMonth ? text.replace(/(\d) – (\d)/, "$1–$2") : text;
  }
  const months = new Intl.DateTimeFormat(loc, { ...utc, month: "long", year: "numeric" });
  return tidy(sameMonth ? months.format(first) : wordyRange(months, first, last, loc));
}

/**
 * formatRange, except where ICU's range pattern falls back to bare numbers (Node's ICU gives "2025/07/14～2025/07/16"
 * for Japanese and Chinese): then both ends in words, the second without what it shares with the first
 * ("2025年7月14日～16日", "2025年7月～9月").
 */
function wordyRange(format: Intl.DateTimeFormat, first: Date, last: Date, locale: string): string {
  const range = format.formatRange(first, last);
  if (/\p{L}/u.test(range)) return range;
  const a = format.format(first);
  const b = format.format(last);
  let shared = 0;
  while (shared < a.length && a[shared] === b[shared]) shared++;
  // Cut the shared part back to a whole field: "2025年7月1" (14日, 16日) keeps "2025年7月".
  while (shared > 0 && /\d/.test(b[shared - 1] ?? "")) shared--;
  const dash = locale.startsWith("ja") ? "～" : "–";
  return `${a}${dash}${b.slice(shared)}`;
}

/** "Monday 14 July" (locale order), for a caption on the first photo of a day. */
export function dayCaption(date: Date, locale?: string): string {
  return tidy(
    new Intl.DateTimeFormat(formattingLocale(locale), {
      timeZone: "UTC",
      weekday: "long",
      day: "numeric",
      month: "long",
    }).format(date),
  );
}

/** ICU puts thin and narrow no-break spaces around range dashes; titles are drawn with ordinary spaces. */
function tidy(text: string): string {
  return text.replace(/[\u2009\u202f\u00a0]/g, " ");
}
