/** Titles and captions drawn by sharp/Pango with the installed Noto fonts: every script, emoji, escaping, size caps. */
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import type { StyleName } from "../../src/core/domain.ts";
import { isPhotoMemoryError } from "../../src/core/errors.ts";
import { catalogOf, loadFontCatalog, resolvePlanFonts } from "../../src/core/render/fonts.ts";
import { planRender, type RenderPlan, STYLES } from "../../src/core/render/index.ts";
import { escapeMarkup, renderTextImage } from "../../src/core/render/text-image.ts";
import type { PlannedText, PlannedTextRun } from "../../src/core/render/types.ts";
import { fakePhoto, scriptFor } from "./fixtures.ts";

const photos = [fakePhoto("p1", 3072, 2304)];
const options = { aspect: "16:9" as const, resolution: 720 as const };

function planWith(style: StyleName, title: string, caption: string, locale = "en"): RenderPlan {
  return planRender(photos, scriptFor(photos, { title, captions: { p1: caption }, locale }), style, options);
}

async function draw(plan: RenderPlan, block: PlannedText) {
  const png = await renderTextImage(block, resolvePlanFonts(plan, await loadFontCatalog()));
  return sharp(png).raw().toBuffer({ resolveWithObject: true });
}

/** The caption block of the plan's photo, or the title block. */
const captionOf = (plan: RenderPlan) => plan.slides.find((s) => s.kind === "photo")?.texts[0] as PlannedText;
const titleOf = (plan: RenderPlan) => plan.slides[0]?.texts[0] as PlannedText;

/** A caption look with no shadow, box or scrim, so the image is the glyphs' own ink. */
function bare(block: PlannedText, text: string): PlannedText {
  const run = block.runs[0];
  if (!run) throw new Error("expected a run");
  return {
    ...block,
    runs: [{ ...run, text }],
    shadow: undefined,
    box: undefined,
    scrim: undefined,
  } as PlannedText;
}

interface Ink {
  width: number;
  height: number;
  /** Share of ink pixels on the most-inked of the first/last three rows and columns of the ink's box. */
  edges: [number, number, number, number];
  /** Share of ink pixels that are strongly coloured (emoji), not white. */
  coloured: number;
}

async function ink(plan: RenderPlan, block: PlannedText): Promise<Ink> {
  const { data, info } = await draw(plan, block);
  const at = (x: number, y: number) => (y * info.width + x) * 4;
  let [x0, x1, y0, y1] = [info.width, -1, info.height, -1];
  let inked = 0;
  let coloured = 0;
  for (let y = 0; y < info.height; y++)
    for (let x = 0; x < info.width; x++) {
      const p = at(x, y);
      if ((data[p + 3] as number) < 128) continue;
      inked++;
      const [r, g, b] = [data[p] as number, data[p + 1] as number, data[p + 2] as number];
      if (Math.max(r, g, b) - Math.min(r, g, b) > 60) coloured++;
      [x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y)];
    }
  const share = (cells: [number, number][]) =>
    cells.filter(([x, y]) => (data[at(x, y) + 3] as number) >= 128).length / cells.length;
  const row = (y: number) =>
    share(Array.from({ length: x1 - x0 + 1 }, (_, i) => [x0 + i, y] as [number, number]));
  const col = (x: number) =>
    share(Array.from({ length: y1 - y0 + 1 }, (_, i) => [x, y0 + i] as [number, number]));
  const band = (f: (v: number) => number, v: number, step: number) =>
    Math.max(f(v), f(v + step), f(v + 2 * step));
  return {
    width: x1 - x0 + 1,
    height: y1 - y0 + 1,
    edges: [band(row, y0, 1), band(row, y1, -1), band(col, x0, 1), band(col, x1, -1)],
    coloured: inked === 0 ? 0 : coloured / inked,
  };
}

/**
 * Pango draws a character no font has as a "missing glyph" box: a near-square frame, inked all along its four edges
 * drawn in the text's own colour (a bar like "l", "ー" or "ا" is inked along its edges too, but is nowhere near
 * square; a flag emoji is a coloured rectangle).
 */
const isMissingGlyphBox = (i: Ink) =>
  i.edges.every((e) => e > 0.9) &&
  Math.min(i.width, i.height) / Math.max(i.width, i.height) > 0.6 &&
  i.coloured < 0.02;

const clusters = (text: string) =>
  [...new Intl.Segmenter("und", { granularity: "grapheme" }).segment(text)]
    .map((s) => s.segment)
    .filter((s) => s.trim() !== "");

describe("text images (sharp + Pango + Noto)", { timeout: 60_000 }, () => {
  it("recognises a missing glyph when it sees one (the check below can fail)", async () => {
    const plan = planWith("classic", "T", "x");
    // U+0378 is unassigned: no font has it.
    expect(isMissingGlyphBox(await ink(plan, bare(captionOf(plan), "\u0378")))).toBe(true);
    expect(isMissingGlyphBox(await ink(plan, bare(captionOf(plan), "A")))).toBe(false);
  });

  it.each([
    ["Arabic", "ar", "رحلة إلى البحر مع العائلة"],
    ["Hebrew", "he", "טיול לים עם המשפחה"],
    ["Hindi", "hi", "समुद्र तट की यात्रा, क्षत्रिय परिवार"],
    ["Japanese", "ja", "海への旅、東京タワーの夜"],
    ["emoji", "en", "Party 🎉 cake 🎂 love ❤️ thumbs 👍🏽 Japan 🇯🇵"],
  ])(
    "draws a %s caption with a real glyph for every character in every style",
    async (_name, locale, caption) => {
      for (const style of Object.keys(STYLES) as StyleName[]) {
        const plan = planWith(style, caption, caption, locale);
        // The whole block renders (shadow, box and all) at a sensible size…
        const { info } = await draw(plan, captionOf(plan));
        expect(info.width).toBeGreaterThan(100);
        expect(info.width).toBeLessThanOrEqual(captionOf(plan).maxWidthPx + 200);
        // … and each character, drawn alone in that style's face, is a glyph, never a missing-glyph box.
        for (const cluster of clusters(caption)) {
          const drawn = await ink(plan, bare(captionOf(plan), cluster));
          expect(isMissingGlyphBox(drawn), `${style}: ${cluster}`).toBe(false);
        }
      }
    },
  );

  it("shapes: a Devanagari conjunct is one glyph, Arabic letters join", async () => {
    const plan = planWith("classic", "T", "x");
    const width = async (text: string) => (await ink(plan, bare(captionOf(plan), text))).width;
    // क्ष is one ligature glyph, narrower than क and ष side by side (unshaped, it would be wider still: a visible virama).
    expect(await width("क्ष")).toBeLessThan(((await width("क")) + (await width("ष"))) * 0.7);
    // Three joined beh are much narrower than three isolated ones.
    expect(await width("ببب")).toBeLessThan((await width("ب")) * 3 * 0.75);
  });

  it("keeps a one-line run with an emoji at its size (the taller emoji line is still one line)", async () => {
    const plan = planWith("classic", "T", "x");
    const subtitle = {
      ...bare(titleOf(plan), "x"),
      runs: [{ ...(titleOf(plan).runs[1] as PlannedTextRun) }],
    };
    const width = async (text: string) =>
      (await ink(plan, { ...subtitle, runs: [{ ...(subtitle.runs[0] as PlannedTextRun), text }] })).width;
    const size = subtitle.runs[0]?.sizePx ?? 0;
    expect(subtitle.runs[0]?.maxLines).toBe(1);
    expect(await width("Summer in Lisbon 🌊")).toBeGreaterThan((await width("Summer in Lisbon")) + size);
  });

  it("puts a soft scrim behind classic and cinematic captions: dark between the letters, no hard edge", async () => {
    for (const style of ["classic", "cinematic"] as const) {
      const plan = planWith(style, "T", "Snow on the lake");
      const caption = captionOf(plan);
      const scrim = caption.scrim;
      if (!scrim) throw new Error(`${style} captions should have a scrim`);
      const { data, info } = await draw(plan, caption);
      const alpha = (x: number, y: number) => data[(y * info.width + x) * 4 + 3] as number;
      const luma = (x: number, y: number) => data[(y * info.width + x) * 4] as number;
      // Across the middle row, every pixel under the text's box is covered at the scrim's opacity or more (letters,
      // their glow, the scrim between them), and what is not a letter is dark.
      const y = Math.floor(info.height / 2);
      const from = Math.floor(info.width * 0.3);
      const to = Math.ceil(info.width * 0.7);
      let dark = 0;
      for (let x = from; x < to; x++) {
        expect(alpha(x, y)).toBeGreaterThanOrEqual(scrim.opacity * 255 * 0.95);
        if (luma(x, y) < 40) dark++;
      }
      expect(dark).toBeGreaterThan((to - from) * 0.3);
      // The edge fades out: the image's border is (nearly) transparent and the fall-off takes many pixels.
      const border = [
        ...Array.from({ length: info.width }, (_, x) => alpha(x, 0)),
        ...Array.from({ length: info.width }, (_, x) => alpha(x, info.height - 1)),
        ...Array.from({ length: info.height }, (_, yy) => alpha(0, yy)),
      ];
      expect(Math.max(...border)).toBeLessThan(8);
      const column = Array.from({ length: info.height }, (_, yy) => alpha(Math.floor(info.width / 2), yy));
      const ramp = column.filter((a) => a > 10 && a < scrim.opacity * 255 * 0.9).length;
      expect(ramp).toBeGreaterThan(scrim.featherPx);
    }
  });

  it("draws emoji in colour", async () => {
    const plan = planWith("classic", "T", "x");
    expect((await ink(plan, bare(captionOf(plan), "🎉🌊"))).coloured).toBeGreaterThan(0.3);
    expect((await ink(plan, bare(captionOf(plan), "Hello"))).coloured).toBe(0);
  });

  it("draws markup characters as typed: a title with <b>& is not bold markup and does not break", async () => {
    expect(escapeMarkup(`<b>Tom & "Jerry"</b>`)).toBe(`&lt;b&gt;Tom &amp; "Jerry"&lt;/b&gt;`);
    const plan = planWith("classic", "<b>&</b>", "x");
    const literal = await ink(plan, bare(titleOf(plan), "<b>&</b>"));
    const ampersand = await ink(plan, bare(titleOf(plan), "&"));
    // Seven characters wide, not one bold ampersand.
    expect(literal.width).toBeGreaterThan(ampersand.width * 4);
    // Markup that would ask Pango for a huge size is just text, at the look's size.
    const huge = planWith("classic", `<span size="900000">A</span>`, "x");
    const { info } = await draw(huge, titleOf(huge));
    expect(info.height).toBeLessThan(huge.height / 2);
  });

  it("caps a very long title: cut with an ellipsis, shrunk into its lines, never taller than allowed", async () => {
    const long = "The summer we spent together by the sea and in the mountains with everyone ".repeat(8);
    for (const style of Object.keys(STYLES) as StyleName[]) {
      const plan = planWith(style, long, long);
      const title = titleOf(plan);
      expect(title.runs[0]?.text.endsWith("…")).toBe(true);
      const { info } = await draw(plan, title);
      const run = title.runs[0];
      const pad =
        2 *
        ((title.shadow ? title.shadow.blurPx * 2.5 + title.shadow.offsetPx : 0) +
          (title.box?.paddingPx ?? 0));
      expect(info.width).toBeLessThanOrEqual(title.maxWidthPx + pad + 2);
      // The title's lines (each about 1.4 × its size) plus the subtitle's one line: far less than the frame.
      expect(info.height).toBeLessThanOrEqual(
        (run?.maxLines ?? 0) * (run?.sizePx ?? 0) * 1.6 + (title.runs[1]?.sizePx ?? 0) * 2.6 + pad,
      );
      expect(info.height).toBeLessThan(plan.height * 0.75);
      const caption = captionOf(plan);
      const drawn = await draw(plan, caption);
      expect(drawn.info.height).toBeLessThan(plan.height * 0.3);
    }
  });
});

describe("fonts are found by family, and a missing one says what to install", () => {
  it("finds each style's faces among the installed fonts, bold and italic apart", async () => {
    const catalog = await loadFontCatalog();
    expect(catalog.file({ family: "Noto Sans" })).toMatch(/NotoSans-Regular\.ttf$/);
    expect(catalog.file({ family: "Noto Sans", bold: true })).toMatch(/NotoSans-Bold\.ttf$/);
    expect(catalog.file({ family: "Noto Serif", italic: true })).toMatch(/NotoSerif-Italic\.ttf$/);
    expect(catalog.file({ family: "No Such Family" })).toBeNull();
  });

  it("names the package of a missing style face, or of the script a caption needs", () => {
    const plan = planWith("classic", "Title", "海への旅 🎉");
    const onlyLatin = catalogOf([
      { family: "Noto Serif Display", style: "Regular", file: "/f/NotoSerifDisplay-Regular.ttf" },
      { family: "Noto Serif", style: "Italic", file: "/f/NotoSerif-Italic.ttf" },
      { family: "Noto Sans", style: "Regular", file: "/f/NotoSans-Regular.ttf" },
    ]);
    const failure = (() => {
      try {
        resolvePlanFonts(plan, onlyLatin);
      } catch (error) {
        return error;
      }
      return null;
    })();
    expect(isPhotoMemoryError(failure) && failure.code).toBe("render.font_missing");
    expect((failure as Error).message).toContain("Noto Sans CJK JP");
    expect((failure as Error).message).toContain("apt-get install fonts-noto-cjk");
    expect(() => resolvePlanFonts(plan, catalogOf([]))).toThrow(/Noto Serif Display.*fonts-noto-core/);
  });
});
