import { describe, expect, it } from "vitest";
import { PREMIUM_STYLES, STYLE_NAMES } from "../../src/core/domain.ts";
import { loadFontCatalog } from "../../src/core/render/fonts.ts";
import { STYLES } from "../../src/core/render/index.ts";

const XFADE_TRANSITIONS = new Set([
  "fade",
  "fadeblack",
  "dissolve",
  "slideleft",
  "slideright",
  "slideup",
  "wipeleft",
  "wiperight",
  "smoothleft",
  "smoothup",
]);

describe("STYLES", () => {
  it("has the four styles, premium exactly where the domain says", () => {
    expect(Object.keys(STYLES).sort()).toEqual([...STYLE_NAMES].sort());
    for (const name of STYLE_NAMES) {
      expect(STYLES[name].name).toBe(name);
      expect(STYLES[name].premium).toBe(PREMIUM_STYLES.includes(name));
    }
  });

  it.each(STYLE_NAMES)("%s uses fonts that are installed and transitions ffmpeg knows", async (name) => {
    const style = STYLES[name];
    const catalog = await loadFontCatalog();
    for (const look of [style.title.text, style.title.subtitle, style.caption, style.closing]) {
      expect(catalog.file(look.font)).toMatch(/\.(ttf|otf|ttc)$/);
      expect(look.sizeOfHeight).toBeGreaterThan(0.02);
      expect(look.sizeOfHeight).toBeLessThan(0.15);
    }
    expect(style.transitions.length).toBeGreaterThan(0);
    for (const t of style.transitions) expect(XFADE_TRANSITIONS.has(t)).toBe(true);
    expect(style.transitionSeconds).toBeLessThan(style.photoSeconds / 2);
  });

  it("gives each style its character", () => {
    expect(STYLES.classic.transitions).toEqual(["fade"]);
    expect(STYLES.modern.transitions.some((t) => t.startsWith("slide"))).toBe(true);
    expect(STYLES.modern.transitions.some((t) => t.startsWith("wipe"))).toBe(true);
    expect(STYLES.modern.transitionSeconds).toBeLessThan(STYLES.classic.transitionSeconds);
    expect(STYLES.modern.caption.font.bold).toBe(true);
    expect(STYLES.classic.title.text.font.family).toMatch(/Serif Display/);
    expect(STYLES.modern.title.text.font.family).toMatch(/Sans/);
    expect(STYLES.cinematic.letterboxAspect).toBeCloseTo(2.39);
    expect(STYLES.cinematic.grade.contrast).toBeGreaterThan(1);
    expect(STYLES.cinematic.photoSeconds).toBeGreaterThan(STYLES.classic.photoSeconds);
    expect(STYLES.vintage.grade.sepia).toBeGreaterThan(0);
    expect(STYLES.vintage.grain).toBeGreaterThan(0);
    expect(STYLES.vintage.vignetteAngle).toBeGreaterThan(0);
    expect(STYLES.classic.motion.zoom).toBeLessThanOrEqual(0.12);
  });
});
