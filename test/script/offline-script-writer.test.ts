import { describe, expect, it } from "vitest";
import type { PreparedPhoto } from "../../src/core/domain.ts";
import { createOfflineScriptWriter } from "../../src/core/script/offline-script-writer.ts";
import { dayCaption, titleFromDates } from "../../src/core/script/title.ts";

const at = (iso: string) => new Date(`${iso}Z`);

function photo(id: string, arrivalIndex: number, takenAt: string | null): PreparedPhoto {
  return {
    id,
    path: `/tmp/${id}.jpg`,
    width: 100,
    height: 100,
    arrivalIndex,
    takenAt: takenAt ? at(takenAt) : null,
  };
}

describe("titleFromDates", () => {
  it("names one day", () => {
    expect(titleFromDates([at("2025-07-14T09:00:00"), at("2025-07-14T21:00:00")])).toBe("14 July 2025");
  });

  it("names a day range inside one month with a closed-up en dash", () => {
    expect(titleFromDates([at("2025-07-16T09:00:00"), at("2025-07-14T10:00:00")])).toBe("14–16 July 2025");
  });

  it("names a short trip across two months", () => {
    expect(titleFromDates([at("2025-06-30T09:00:00"), at("2025-07-02T10:00:00")])).toBe(
      "30 June – 2 July 2025",
    );
  });

  it("names the month when the photos cover most of it", () => {
    expect(titleFromDates([at("2025-07-01T09:00:00"), at("2025-07-29T10:00:00")])).toBe("July 2025");
  });

  it("names months across a new year", () => {
    expect(titleFromDates([at("2024-12-03T09:00:00"), at("2025-01-20T10:00:00")])).toBe(
      "December 2024 – January 2025",
    );
  });

  it("has a default when no photo has a date", () => {
    expect(titleFromDates([])).toBe("Our memories");
    expect(titleFromDates([], "de")).toBe("Unsere Erinnerungen");
  });

  it("formats for the locale", () => {
    expect(titleFromDates([at("2025-07-14T09:00:00")], "de")).toBe("14. Juli 2025");
    expect(titleFromDates([at("2025-07-14T09:00:00"), at("2025-07-16T09:00:00")], "en-US")).toBe(
      "July 14–16, 2025",
    );
    expect(titleFromDates([at("2025-07-14T09:00:00")], "not a locale!")).toBe("14 July 2025");
  });

  it("does not move a late-evening photo to the next day", () => {
    expect(titleFromDates([at("2025-07-14T23:30:00")])).toBe("14 July 2025");
  });
});

describe("dates in the conversation's language", () => {
  const day = at("2025-07-14T09:00:00");
  const trip = [day, at("2025-07-16T18:00:00")];
  const season = [day, at("2025-09-02T10:00:00")];
  it.each([
    [
      "de",
      "14. Juli 2025",
      "14.–16. Juli 2025",
      "Juli–September 2025",
      "Montag, 14. Juli",
      "Unsere Erinnerungen",
    ],
    ["ja", "2025年7月14日", "2025年7月14日～16日", "2025年7月～9月", "7月14日月曜日", "私たちの思い出"],
    ["ar", "14 يوليو 2025", "14–16 يوليو 2025", "يوليو – سبتمبر 2025", "الاثنين، 14 يوليو", "ذكرياتنا"],
  ])(
    "%s: a day, a trip, a season, a day caption and the undated title",
    (locale, one, range, months, caption, none) => {
      expect(titleFromDates([day], locale)).toBe(one);
      expect(titleFromDates(trip, locale)).toBe(range);
      expect(titleFromDates(season, locale)).toBe(months);
      expect(dayCaption(day, locale)).toBe(caption);
      expect(titleFromDates([], locale)).toBe(none);
    },
  );

  it("writes a Japanese memory's title and day captions in Japanese", async () => {
    const script = await createOfflineScriptWriter().write({
      photos: [photo("a", 0, "2025-07-14T10:00:00"), photo("b", 1, "2025-07-16T10:00:00")],
      style: "classic",
      locale: "ja",
    });
    expect(script).toMatchObject({ title: "2025年7月14日～16日", locale: "ja" });
    expect(script.captions).toEqual({ a: "7月14日月曜日", b: "7月16日水曜日" });
  });
});

describe("offline script writer", () => {
  const writer = createOfflineScriptWriter();
  const write = (photos: PreparedPhoto[], title?: string, locale = "en") =>
    writer.write({ photos, style: "classic", locale, ...(title === undefined ? {} : { title }) });

  it("orders photos by date, then by arrival", async () => {
    const script = await write([
      photo("c", 0, "2025-07-16T10:00:00"),
      photo("a", 1, "2025-07-14T10:00:00"),
      photo("b2", 3, "2025-07-15T10:00:00"),
      photo("b1", 2, "2025-07-15T10:00:00"),
    ]);
    expect(script.order).toEqual(["a", "b1", "b2", "c"]);
    expect(script.title).toBe("14–16 July 2025");
    expect(script.writer).toBe("offline");
  });

  it("keeps an undated photo next to the photo that arrived before it", async () => {
    const script = await write([
      photo("beach", 0, "2025-07-16T10:00:00"),
      photo("screenshot", 1, null),
      photo("breakfast", 2, "2025-07-14T08:00:00"),
    ]);
    expect(script.order).toEqual(["breakfast", "beach", "screenshot"]);
  });

  it("puts undated photos that arrived first just before the first dated arrival", async () => {
    const script = await write([
      photo("u1", 0, null),
      photo("u2", 1, null),
      photo("late", 2, "2025-07-16T10:00:00"),
      photo("early", 3, "2025-07-14T10:00:00"),
    ]);
    expect(script.order).toEqual(["early", "u1", "u2", "late"]);
  });

  it("keeps arrival order when no photo has a date", async () => {
    const script = await write([photo("x", 2, null), photo("y", 0, null), photo("z", 1, null)]);
    expect(script.order).toEqual(["y", "z", "x"]);
    expect(script.title).toBe("Our memories");
    expect(script.captions).toEqual({});
  });

  it("uses the title the user typed", async () => {
    const script = await write([photo("a", 0, "2025-07-14T10:00:00")], "  Lisbon   with Ana ");
    expect(script.title).toBe("Lisbon with Ana");
  });

  it("captions the first photo of each day of a short trip", async () => {
    const script = await write([
      photo("a", 0, "2025-07-14T10:00:00"),
      photo("b", 1, "2025-07-14T12:00:00"),
      photo("c", 2, "2025-07-15T09:00:00"),
    ]);
    expect(script.captions).toEqual({ a: "Monday 14 July", c: "Tuesday 15 July" });
  });

  it("does not caption a single day or a long period", async () => {
    const oneDay = await write([photo("a", 0, "2025-07-14T10:00:00"), photo("b", 1, "2025-07-14T18:00:00")]);
    expect(oneDay.captions).toEqual({});
    const month = await write([photo("a", 0, "2025-07-01T10:00:00"), photo("b", 1, "2025-07-28T10:00:00")]);
    expect(month.captions).toEqual({});
  });
});
