import { describe, expect, it } from "vitest";
import {
  ASPECTS,
  type FaceBox,
  type PreparedPhoto,
  RESOLUTIONS,
  STYLE_NAMES,
} from "../../src/core/domain.ts";
import { isPhotoMemoryError } from "../../src/core/errors.ts";
import { containsPoint, containsRect, faceKeepRect, lerpRect } from "../../src/core/render/geometry.ts";
import { FPS, type PlannedSlide, planRender, type Rect, STYLES } from "../../src/core/render/index.ts";
import { planSegments } from "../../src/core/render/segments.ts";
import { SCORES } from "../../src/core/render/soundtrack/scores.ts";
import { beatSamples } from "../../src/core/render/soundtrack/synth.ts";
import { fakePhoto, scriptFor } from "./fixtures.ts";

const options = { aspect: "16:9" as const, resolution: 1080 as const };
const mixed: PreparedPhoto[] = [
  fakePhoto("p1", 3072, 2304, { x: 0.2, y: 0.3 }),
  fakePhoto("p2", 2304, 3072, { x: 0.5, y: 0.05 }), // a face near the top of a portrait
  fakePhoto("p3", 3072, 1536, { x: 0.95, y: 0.9 }),
  fakePhoto("p4", 1000, 1000),
];

describe("planRender", () => {
  it("shows the photos in the script's order, after a title card and before the closing card", () => {
    const script = scriptFor(mixed, { order: ["p3", "p1", "p4", "p2"], closing: "Until next time" });
    const plan = planRender(mixed, script, "classic", options);
    expect(plan.slides.map((s) => s.kind)).toEqual(["title", "photo", "photo", "photo", "photo", "closing"]);
    expect(plan.slides.filter((s) => s.kind === "photo").map((s) => s.photoId)).toEqual([
      "p3",
      "p1",
      "p4",
      "p2",
    ]);
  });

  it("leaves out photos the script does not order and ignores unknown ids", () => {
    const plan = planRender(
      mixed,
      scriptFor(mixed, { order: ["p2", "nope", "p1", "p2"] }),
      "classic",
      options,
    );
    expect(plan.slides.filter((s) => s.kind === "photo").map((s) => s.photoId)).toEqual(["p2", "p1"]);
  });

  it("refuses to plan a memory without photos", () => {
    expect(() => planRender([], scriptFor([]), "classic", options)).toThrowError(
      expect.objectContaining({ code: "render.no_photos" }),
    );
    try {
      planRender(mixed, scriptFor(mixed, { order: ["unknown"] }), "classic", options);
      expect.unreachable();
    } catch (error) {
      expect(isPhotoMemoryError(error, "render.no_photos")).toBe(true);
    }
  });

  it.each(STYLE_NAMES)("adds up durations with transition overlaps (%s)", (style) => {
    const plan = planRender(mixed, scriptFor(mixed, { closing: "Bye" }), style, options);
    const sum = plan.slides.reduce((s, slide) => s + slide.frames, 0);
    const overlaps = plan.slides.reduce((s, slide) => s + (slide.transitionOut?.frames ?? 0), 0);
    expect(plan.totalFrames).toBe(sum - overlaps);
    expect(plan.durationSeconds).toBeCloseTo(plan.totalFrames / FPS, 6);
    expect(plan.slides[plan.slides.length - 1]?.transitionOut).toBeNull();
    plan.slides.forEach((slide, i) => {
      const next = plan.slides[i + 1];
      if (next)
        expect(next.startFrame).toBe(slide.startFrame + slide.frames - (slide.transitionOut?.frames ?? 0));
    });
    // The style's pace, to the nearest beat of its soundtrack.
    const photoSlide = plan.slides.find((s) => s.kind === "photo");
    const beat = SCORES[style].beatFrames;
    expect(Math.abs((photoSlide?.frames ?? 0) - STYLES[style].photoSeconds * FPS)).toBeLessThanOrEqual(
      beat / 2,
    );
  });

  it.each(STYLE_NAMES)(
    "cuts on the beat of the %s soundtrack: every slide and transition starts on a beat",
    (style) => {
      const plan = planRender(mixed, scriptFor(mixed), style, options);
      const beat = SCORES[style].beatFrames;
      // A beat is a whole number of frames and of 48 kHz samples: the music's beats and the cuts share one clock.
      expect(beat * (48_000 / FPS)).toBe(beatSamples(SCORES[style]));
      for (const slide of plan.slides) {
        expect(slide.startFrame % beat).toBe(0);
        const transitionStart = slide.startFrame + slide.frames - (slide.transitionOut?.frames ?? 0);
        expect(transitionStart % beat).toBe(0);
        expect((slide.startFrame + slide.frames) % beat).toBe(0);
      }
      expect(plan.totalFrames % beat).toBe(0);
      // Without the style's soundtrack there is no beat to follow: the style's own pace, frame for frame.
      const silent = planRender(mixed, scriptFor(mixed), style, { ...options, silent: true });
      const photo = silent.slides.find((s) => s.kind === "photo");
      expect(photo?.frames).toBe(Math.round(STYLES[style].photoSeconds * FPS));
    },
  );

  it("ends on a closing card with the title, the dates and the credit, fading to black with the music", () => {
    const dated = mixed.map((p, i) => ({ ...p, takenAt: new Date(Date.UTC(2025, 6, 14 + i, 12)) }));
    const plan = planRender(dated, scriptFor(dated, { title: "Lisbon" }), "classic", {
      ...options,
      credit: true,
    });
    const closing = plan.slides[plan.slides.length - 1];
    expect(closing?.kind).toBe("closing");
    expect(closing?.texts.flatMap((t) => t.runs.map((r) => r.text))).toEqual([
      "Lisbon",
      "14–17 July 2025",
      "Made with PhotoMemory",
    ]);
    // Title and dates are one block (drawn stacked); the credit is its own small block at the foot of the card.
    expect(closing?.texts).toHaveLength(2);
    expect(closing?.texts[1]?.centerY).toBeGreaterThan((closing?.texts[0]?.centerY ?? 0) + plan.height * 0.3);
    // The last photo's caption ends with its slide: the closing card follows it.
    expect(plan.slides[plan.slides.length - 2]?.kind).toBe("photo");
    expect(plan.fadeOutFrames).toBeGreaterThanOrEqual(FPS);
    expect(plan.audio).toMatchObject({ kind: "soundtrack", fadeOutSeconds: plan.fadeOutFrames / FPS });
    // The fade lies in the closing card's own frames, after the last cut of the segments (one process holds it).
    const segments = planSegments(plan);
    const last = segments[segments.length - 1];
    expect(plan.totalFrames - plan.fadeOutFrames).toBeGreaterThanOrEqual(last?.startFrame ?? Infinity);
    // Without a credit, no credit; a script's closing line leads the card.
    const plain = planRender(dated, scriptFor(dated, { closing: "Until next time" }), "modern", options);
    const texts = plain.slides[plain.slides.length - 1]?.texts.flatMap((t) => t.runs.map((r) => r.text));
    expect(texts?.[0]).toBe("UNTIL NEXT TIME");
    expect(texts).not.toContain("Made with PhotoMemory");
  });

  it("cinematic is paced slower than modern", () => {
    const cinematic = planRender(mixed, scriptFor(mixed), "cinematic", options);
    const modern = planRender(mixed, scriptFor(mixed), "modern", options);
    expect(cinematic.durationSeconds).toBeGreaterThan(modern.durationSeconds * 1.5);
  });

  it.each(ASPECTS.flatMap((aspect) => RESOLUTIONS.map((resolution) => [aspect, resolution] as const)))(
    "keeps the focus inside every crop of the Ken Burns motion (%s %sp)",
    (aspect, resolution) => {
      const plan = planRender(mixed, scriptFor(mixed), "classic", { aspect, resolution });
      for (const slide of plan.slides) {
        const { focus, cover, from, to } = slide.motion;
        // A photo shown whole moves over its composed canvas; a cropped one inside the photo.
        const source = slide.fit
          ? { x: 0, y: 0, w: slide.fit.canvas.width, h: slide.fit.canvas.height }
          : { x: 0, y: 0, w: slide.sourceWidth, h: slide.sourceHeight };
        expect(containsRect(source, cover)).toBe(true);
        for (let t = 0; t <= 1; t += 0.125) {
          const crop = lerpRect(from, to, t);
          expect(containsPoint(crop, focus)).toBe(true);
          expect(containsRect(cover, crop)).toBe(true);
          expect(crop.w / crop.h).toBeCloseTo(plan.width / plan.height, 3);
        }
      }
    },
  );

  it("crops a landscape photo to a landscape frame, keeping its subject near the top", () => {
    const plan = planRender(mixed, scriptFor(mixed, { order: ["p1"] }), "classic", options);
    const slide = plan.slides.find((s) => s.kind === "photo");
    expect(slide?.fit).toBeNull();
    expect(slide?.motion.cover.w).toBe(3072);
    expect(slide?.motion.cover.y).toBeLessThan(2304 - (slide?.motion.cover.h ?? 0));
  });

  it.each([
    ["a portrait in a landscape frame", "16:9", 2304, 3072],
    ["a landscape in a portrait frame", "9:16", 3072, 2304],
    ["a square in a landscape frame", "16:9", 1000, 1000],
  ] as const)("shows %s whole in every frame, over a fill of itself", (_, aspect, w, h) => {
    const photo = fakePhoto("p1", w, h, { x: 0.5, y: 0.05 });
    const plan = planRender([photo], scriptFor([photo]), "classic", { aspect, resolution: 1080 });
    const slide = plan.slides.find((s) => s.kind === "photo") as PlannedSlide;
    const fit = slide.fit as NonNullable<PlannedSlide["fit"]>;
    expect(fit).not.toBeNull();
    // The whole photo, undistorted, as tall (or as wide) as the frame at the tightest crop.
    expect(fit.photo.w / fit.photo.h).toBeCloseTo(w / h, 2);
    expect(Math.max(fit.photo.w / plan.width, fit.photo.h / plan.height)).toBeGreaterThan(0.99);
    for (let t = 0; t <= 1; t += 0.125) {
      expect(containsRect(lerpRect(slide.motion.from, slide.motion.to, t), fit.photo)).toBe(true);
    }
    // The fill is the photo's own frame-aspect crop.
    expect(fit.fillCrop.w / fit.fillCrop.h).toBeCloseTo(plan.width / plan.height, 3);
    expect(containsRect({ x: 0, y: 0, w, h }, fit.fillCrop)).toBe(true);
  });

  it("fits a photo shown whole between cinematic's bars", () => {
    const photo = fakePhoto("p1", 2304, 3072);
    const plan = planRender([photo], scriptFor([photo]), "cinematic", options);
    const fit = plan.slides.find((s) => s.kind === "photo")?.fit as NonNullable<PlannedSlide["fit"]>;
    expect(fit.photo.h).toBeLessThanOrEqual(plan.height - 2 * plan.letterboxPx);
    expect(fit.photo.h).toBeGreaterThan(plan.height - 2 * plan.letterboxPx - 4);
  });

  const face = (x: number, y: number, w: number, h: number): FaceBox => ({ x, y, w, h, score: 0.9 });
  const keptIn = (photo: PreparedPhoto, f: FaceBox) => faceKeepRect(photo, f);

  it.each(ASPECTS)("keeps every face whole in every crop, faces at the edges included (%s)", (aspect) => {
    const photos = [
      // A face at the left edge of a landscape, another near its top.
      { ...fakePhoto("p1", 3072, 2304), faces: [face(0.01, 0.3, 0.12, 0.16), face(0.15, 0.02, 0.1, 0.13)] },
      // A portrait with a face at its bottom edge.
      { ...fakePhoto("p2", 2304, 3072), faces: [face(0.4, 0.84, 0.2, 0.15)] },
      // A 3:2 landscape, face near its top-right corner.
      { ...fakePhoto("p3", 3000, 2000), faces: [face(0.86, 0.02, 0.12, 0.18)] },
    ];
    for (const style of STYLE_NAMES) {
      const plan = planRender(photos, scriptFor(photos), style, { aspect, resolution: 1080 });
      for (const slide of plan.slides.filter((s) => s.kind === "photo" && !s.fit)) {
        const photo = photos.find((p) => p.id === slide.photoId) as PreparedPhoto & { faces: FaceBox[] };
        expect(containsRect({ x: 0, y: 0, w: photo.width, h: photo.height }, slide.motion.cover)).toBe(true);
        for (let t = 0; t <= 1; t += 0.0625) {
          const crop = lerpRect(slide.motion.from, slide.motion.to, t);
          for (const f of photo.faces) expect(containsRect(crop, keptIn(photo, f))).toBe(true);
        }
      }
    }
  });

  it.each([
    ["portraits side by side in a landscape frame", "16:9", 2304, 3072],
    ["landscapes one above the other in a portrait frame", "9:16", 3072, 2304],
  ] as const)("modern pairs %s, each whole in every frame", (_, aspect, w, h) => {
    const photos = [
      fakePhoto("p1", w, h),
      fakePhoto("p2", w, h),
      fakePhoto("p3", w, h),
      fakePhoto("p4", h, w), // the other orientation: cropped, alone
    ];
    const script = scriptFor(photos, { captions: { p1: "Anna", p2: "Ben" } });
    const plan = planRender(photos, script, "modern", { aspect, resolution: 1080 });
    const slides = plan.slides.filter((s) => s.kind === "photo");
    expect(slides.map((s) => [s.photoId, s.fit?.pair?.photoId ?? null])).toEqual([
      ["p1", "p2"],
      ["p3", null], // no partner left: alone over its fill
      ["p4", null],
    ]);
    const pair = slides[0] as PlannedSlide;
    const fit = pair.fit as NonNullable<PlannedSlide["fit"]>;
    const second = fit.pair?.photo as Rect;
    for (let t = 0; t <= 1; t += 0.125) {
      const crop = lerpRect(pair.motion.from, pair.motion.to, t);
      expect(containsRect(crop, fit.photo)).toBe(true);
      expect(containsRect(crop, second)).toBe(true);
    }
    // Side by side (or stacked) without overlapping, the same size, undistorted.
    const apart =
      aspect === "16:9" ? second.x >= fit.photo.x + fit.photo.w : second.y >= fit.photo.y + fit.photo.h;
    expect(apart).toBe(true);
    expect([second.w, second.h]).toEqual([fit.photo.w, fit.photo.h]);
    expect(second.w / second.h).toBeCloseTo(w / h, 2);
    expect(pair.texts.flatMap((t) => t.runs.map((r) => r.text)).join(" ")).toBe("Anna · Ben");
    // Classic shows each alone over its fill.
    const classic = planRender(photos, script, "classic", { aspect, resolution: 1080 });
    expect(classic.slides.filter((s) => s.kind === "photo" && s.fit?.pair)).toHaveLength(0);
    expect(classic.slides.filter((s) => s.kind === "photo")).toHaveLength(4);
  });

  it("still moves when a face fills much of the frame, but never cuts it", () => {
    const photo = { ...fakePhoto("p1", 3072, 2304), faces: [face(0.3, 0.05, 0.45, 0.5)] };
    const plan = planRender([photo], scriptFor([photo]), "modern", options);
    const slide = plan.slides.find((s) => s.kind === "photo") as PlannedSlide;
    const kept = keptIn(photo, photo.faces[0] as FaceBox);
    expect(containsRect(slide.motion.from, kept)).toBe(true);
    expect(containsRect(slide.motion.to, kept)).toBe(true);
    expect(slide.motion.to.w).toBeLessThan(slide.motion.from.w); // the zoom gave way, it did not stop
  });

  it("keeps the largest face and the faces near it when not all of them fit the frame", () => {
    // A 4:3 group photo in a square frame: a big face on the right with a neighbour, a small one far left.
    const photo = {
      ...fakePhoto("p1", 4000, 3000),
      faces: [face(0.7, 0.3, 0.1, 0.18), face(0.82, 0.35, 0.08, 0.14), face(0.04, 0.4, 0.05, 0.09)],
    };
    const plan = planRender([photo], scriptFor([photo]), "classic", {
      aspect: "1:1",
      resolution: 1080,
    });
    const slide = plan.slides.find((s) => s.kind === "photo") as PlannedSlide;
    expect(slide.fit).toBeNull();
    const [big, neighbour, far] = photo.faces.map((f) => keptIn(photo, f)) as [Rect, Rect, Rect];
    for (const crop of [slide.motion.from, slide.motion.to]) {
      expect(containsRect(crop, big)).toBe(true);
      expect(containsRect(crop, neighbour)).toBe(true);
      expect(containsRect(crop, far)).toBe(false);
    }
  });

  it("moves every photo (zooming in and out in turn for classic) and holds the cards still", () => {
    const plan = planRender(mixed, scriptFor(mixed, { closing: "Bye" }), "classic", options);
    const photos = plan.slides.filter((s) => s.kind === "photo");
    expect(photos[0]?.motion.to.w).toBeLessThan(photos[0]?.motion.from.w ?? 0);
    expect(photos[1]?.motion.to.w).toBeGreaterThan(photos[1]?.motion.from.w ?? 0);
    for (const card of plan.slides.filter((s) => s.kind !== "photo")) {
      expect(card.motion.from).toEqual(card.motion.to);
      expect(card.background).not.toBeNull();
    }
  });

  it("uses the frame size of the aspect and resolution (resolution = short side)", () => {
    const size = (aspect: (typeof ASPECTS)[number], resolution: 720 | 1080) => {
      const plan = planRender(mixed, scriptFor(mixed), "classic", { aspect, resolution });
      return [plan.width, plan.height];
    };
    expect(size("16:9", 720)).toEqual([1280, 720]);
    expect(size("16:9", 1080)).toEqual([1920, 1080]);
    expect(size("9:16", 720)).toEqual([720, 1280]);
    expect(size("9:16", 1080)).toEqual([1080, 1920]);
    expect(size("1:1", 720)).toEqual([720, 720]);
    expect(size("1:1", 1080)).toEqual([1080, 1080]);
  });

  it("letterboxes cinematic to 2.39:1 and keeps its captions out of the bars", () => {
    const script = scriptFor(mixed, {
      captions: { p1: "A long caption that has to wrap onto a second line somewhere" },
    });
    const plan = planRender(mixed, script, "cinematic", options);
    expect(plan.height - 2 * plan.letterboxPx).toBeCloseTo(plan.width / 2.39, -1);
    const caption = plan.slides.find((s) => s.photoId === "p1" && s.kind === "photo")?.texts ?? [];
    expect(caption).toHaveLength(1);
    for (const block of caption) {
      expect(block.minTop).toBeGreaterThanOrEqual(plan.letterboxPx);
      expect(block.maxBottom).toBeLessThanOrEqual(plan.height - plan.letterboxPx);
      expect(block.centerY).toBeGreaterThan(block.minTop);
      expect(block.centerY).toBeLessThan(block.maxBottom);
    }
    expect(planRender(mixed, script, "classic", options).letterboxPx).toBe(0);
  });

  it("keeps emoji and every script in captions, drops control characters, and cuts a very long caption", () => {
    const caption = "Grandma’s 80th:\u0007 cake, café & 100% happiness 🎉 — दादी 80 साल की 👵🏽";
    const plan = planRender(mixed, scriptFor(mixed, { captions: { p1: caption } }), "classic", {
      aspect: "9:16",
      resolution: 720,
    });
    const run = plan.slides.find((s) => s.photoId === "p1" && s.kind === "photo")?.texts[0]?.runs[0];
    expect(run?.text).toBe("Grandma’s 80th: cake, café & 100% happiness 🎉 — दादी 80 साल की 👵🏽");
    expect(run?.maxLines).toBe(STYLES.classic.caption.maxLines);
    const long = `${"so many words about the day ".repeat(40)}🎉`;
    const capped = planRender(mixed, scriptFor(mixed, { captions: { p1: long } }), "classic", options);
    const cut =
      capped.slides.find((s) => s.photoId === "p1" && s.kind === "photo")?.texts[0]?.runs[0]?.text ?? "";
    expect(cut.length).toBeLessThan(200);
    expect(cut.endsWith("…")).toBe(true);
    expect(cut).not.toMatch(/\s…$/);
  });

  it("puts the title and the subtitle under it in one block on the title card, cased for the style", () => {
    const plan = planRender(mixed, scriptFor(mixed), "modern", options);
    const texts = plan.slides[0]?.texts ?? [];
    expect(texts).toHaveLength(1);
    expect(texts[0]?.runs.map((r) => r.text)).toEqual(["SUMMER IN LISBON", "14–16 July 2025"]);
    expect(texts[0]?.runs[0]?.font).toEqual(STYLES.modern.title.text.font);
    expect(texts[0]?.runs[0]?.letterSpacingPx).toBeGreaterThan(0);
    // Turkish casing for a Turkish memory: i → İ.
    const turkish = planRender(
      mixed,
      scriptFor(mixed, { title: "istanbul", locale: "tr" }),
      "modern",
      options,
    );
    expect(turkish.slides[0]?.texts[0]?.runs[0]?.text).toBe("İSTANBUL");
    expect(plan.posterFrame).toBeGreaterThan(0);
    expect(plan.posterFrame).toBeLessThan(plan.slides[0]?.frames ?? 0);
  });

  it("shows the dates the photos span under a given title, in the memory's locale, on the title and closing cards", () => {
    const dated = mixed.map((p, i) => ({ ...p, takenAt: new Date(Date.UTC(2025, 6, 14 + i, 12)) }));
    const lines = (plan: ReturnType<typeof planRender>, at: number) =>
      plan.slides.at(at)?.texts[0]?.runs.map((r) => r.text);
    // A title the user typed, no subtitle from the writer (the offline writer writes none).
    const given = planRender(
      dated,
      scriptFor(dated, { title: "Lisbon", subtitle: undefined }),
      "classic",
      options,
    );
    expect(lines(given, 0)).toEqual(["Lisbon", "14–17 July 2025"]);
    expect(lines(given, -1)).toEqual(["Lisbon", "14–17 July 2025"]);
    // German dates for a German memory; a writer's subtitle that is not the dates keeps its line above them.
    const german = planRender(
      dated,
      scriptFor(dated, { title: "Lissabon", subtitle: "Mit Eileen", locale: "de" }),
      "classic",
      options,
    );
    expect(lines(german, 0)).toEqual(["Lissabon", "Mit Eileen", "14.–17. Juli 2025"]);
    expect(lines(german, -1)).toEqual(["Lissabon", "14.–17. Juli 2025"]);
    // Never twice: a title made from the dates, or a subtitle that already is them, stands alone.
    const fromDates = planRender(
      dated,
      scriptFor(dated, { title: "14–17 July 2025", subtitle: undefined }),
      "classic",
      options,
    );
    expect(lines(fromDates, 0)).toEqual(["14–17 July 2025"]);
    const subtitled = planRender(
      dated,
      scriptFor(dated, { title: "Lisbon", subtitle: "14–17 July 2025" }),
      "classic",
      options,
    );
    expect(lines(subtitled, 0)).toEqual(["Lisbon", "14–17 July 2025"]);
    // A writer writes the dates its own way ("as people who speak it do"): the same days in other words or digits
    // are the dates too, so they are not said twice.
    for (const [subtitle, locale] of [
      ["July 14-17, 2025", "en"],
      ["١٤–١٧ يوليو ٢٠٢٥", "ar"],
      ["१४–१७ जुलाई २०२५", "hi"],
      ["2025年7月14日から17日まで", "ja"],
    ] as const) {
      const own = planRender(
        dated,
        scriptFor(dated, { title: "Lisbon", subtitle, locale }),
        "classic",
        options,
      );
      expect(lines(own, 0)).toEqual(["Lisbon", subtitle]);
    }
    // Other numbers are not the dates: a subtitle naming only the year keeps the date line under it.
    const year = planRender(
      dated,
      scriptFor(dated, { title: "Lisbon", subtitle: "Summer 2025" }),
      "classic",
      options,
    );
    expect(lines(year, 0)).toEqual(["Lisbon", "Summer 2025", "14–17 July 2025"]);
    // Photos without dates: no date line.
    expect(
      lines(planRender(mixed, scriptFor(mixed, { subtitle: undefined }), "classic", options), 0),
    ).toEqual(["Summer in Lisbon"]);
  });

  it("plans the style's soundtrack by default, the user's music when given, silence when asked", () => {
    expect(planRender(mixed, scriptFor(mixed), "vintage", options).audio).toMatchObject({
      kind: "soundtrack",
      style: "vintage",
    });
    expect(planRender(mixed, scriptFor(mixed), "classic", { ...options, silent: true }).audio).toEqual({
      kind: "silence",
    });
    const withMusic = planRender(mixed, scriptFor(mixed), "classic", {
      ...options,
      musicPath: "/music/song.mp3",
    });
    expect(withMusic.audio).toMatchObject({ kind: "music", path: "/music/song.mp3" });
  });

  it("is pure: the same input gives the same plan", () => {
    const a = planRender(mixed, scriptFor(mixed), "vintage", options);
    const b = planRender(mixed, scriptFor(mixed), "vintage", options);
    expect(a).toEqual(b);
  });
});
