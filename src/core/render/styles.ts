/**
 * The four looks of a memory, as data. Faces are Noto families, found by name at render time (see fonts.ts):
 * Debian's fonts-noto-core, with fonts-noto-cjk and fonts-noto-color-emoji for the scripts and emoji Pango falls
 * back to.
 */
import type { StyleName } from "../domain.ts";
import type { FontFace, Grade, StyleSpec, TextLook } from "./types.ts";

export const FONTS = {
  display: { family: "Noto Serif Display" },
  displayBold: { family: "Noto Serif Display", bold: true },
  displayItalic: { family: "Noto Serif Display", italic: true },
  serif: { family: "Noto Serif" },
  serifItalic: { family: "Noto Serif", italic: true },
  sans: { family: "Noto Sans" },
  sansBold: { family: "Noto Sans", bold: true },
  sansDisplay: { family: "Noto Sans Display" },
  sansDisplayBold: { family: "Noto Sans Display", bold: true },
} as const satisfies Record<string, FontFace>;

const NEUTRAL: Grade = { contrast: 1, saturation: 1, brightness: 1, tint: [1, 1, 1], sepia: 0 };

/**
 * Titles: a close, soft drop shadow. Captions: a dark glow hugging the letters over a soft scrim (a feathered pill,
 * no border) sized to the text: light text stays readable on snow, a sky or a white wall, not a subtitle box.
 */
const titleShadow = { color: "#000000", opacity: 0.55, blurOfSize: 0.1, offsetOfSize: 0.03 };
const captionGlow = { color: "#000000", opacity: 0.6, blurOfSize: 0.3, offsetOfSize: 0.03 };
const captionScrim = {
  color: "#000000",
  opacity: 0.5,
  padXOfSize: 0.7,
  padYOfSize: 0.3,
  featherOfSize: 0.35,
};

function look(partial: Partial<TextLook> & Pick<TextLook, "font" | "sizeOfHeight">): TextLook {
  return { color: "#FFFFFF", anchorY: 0.5, maxWidthOfWidth: 0.84, maxLines: 2, ...partial };
}

const classic: StyleSpec = {
  name: "classic",
  label: "Classic",
  premium: false,
  photoSeconds: 4,
  titleSeconds: 3,
  closingSeconds: 4.5,
  transitions: ["fade"],
  transitionSeconds: 1,
  motion: { zoom: 0.1, alternate: true },
  grade: NEUTRAL,
  grain: 0,
  fill: { blur: 40, dim: 0.45 },
  wholePhotos: "single",
  title: {
    text: look({ font: FONTS.display, sizeOfHeight: 0.1, anchorY: 0.48, maxLines: 3, shadow: titleShadow }),
    subtitle: look({ font: FONTS.serifItalic, sizeOfHeight: 0.042, maxLines: 1 }),
    backgroundBlur: 18,
    backgroundDim: 0.45,
  },
  caption: look({
    font: FONTS.sans,
    sizeOfHeight: 0.044,
    anchorY: 0.86,
    maxWidthOfWidth: 0.8,
    shadow: captionGlow,
    scrim: captionScrim,
  }),
  closing: look({ font: FONTS.displayItalic, sizeOfHeight: 0.07, shadow: titleShadow }),
};

const modern: StyleSpec = {
  name: "modern",
  label: "Modern",
  premium: false,
  photoSeconds: 2.8,
  titleSeconds: 2.4,
  closingSeconds: 3.5,
  transitions: ["slideleft", "wipeleft", "slideup", "smoothleft"],
  transitionSeconds: 0.5,
  motion: { zoom: 0.14, alternate: false },
  grade: { ...NEUTRAL, contrast: 1.06, saturation: 1.12 },
  grain: 0,
  fill: { blur: 48, dim: 0.5 },
  wholePhotos: "pair",
  title: {
    text: look({
      font: FONTS.sansDisplayBold,
      sizeOfHeight: 0.095,
      anchorY: 0.48,
      maxLines: 3,
      uppercase: true,
      letterSpacingOfSize: 0.04,
      shadow: titleShadow,
    }),
    subtitle: look({ font: FONTS.sansDisplay, sizeOfHeight: 0.045, maxLines: 1, color: "#FFD84D" }),
    backgroundBlur: 24,
    backgroundDim: 0.55,
  },
  caption: look({
    font: FONTS.sansDisplayBold,
    sizeOfHeight: 0.048,
    anchorY: 0.82,
    box: { color: "#111111", opacity: 0.72, paddingOfSize: 0.4 },
  }),
  closing: look({
    font: FONTS.sansDisplayBold,
    sizeOfHeight: 0.075,
    uppercase: true,
    letterSpacingOfSize: 0.04,
  }),
};

const cinematic: StyleSpec = {
  name: "cinematic",
  label: "Cinematic",
  premium: true,
  photoSeconds: 5.5,
  titleSeconds: 4,
  closingSeconds: 5.5,
  transitions: ["fadeblack", "fade"],
  transitionSeconds: 1.4,
  motion: { zoom: 0.08, alternate: true },
  grade: { contrast: 1.18, saturation: 0.88, brightness: 0.98, tint: [1.02, 1, 1.05], sepia: 0 },
  letterboxAspect: 2.39,
  grain: 0,
  fill: { blur: 36, dim: 0.6 },
  wholePhotos: "single",
  title: {
    text: look({
      font: FONTS.display,
      sizeOfHeight: 0.068,
      anchorY: 0.5,
      maxLines: 2,
      color: "#F2ECE0",
      uppercase: true,
      letterSpacingOfSize: 0.18,
    }),
    subtitle: look({ font: FONTS.serifItalic, sizeOfHeight: 0.036, maxLines: 1, color: "#D9CFBF" }),
    backgroundBlur: 14,
    backgroundDim: 0.6,
  },
  caption: look({
    font: FONTS.serifItalic,
    sizeOfHeight: 0.04,
    anchorY: 0.84,
    maxWidthOfWidth: 0.7,
    color: "#F2ECE0",
    shadow: captionGlow,
    // Wider and softer than classic's: a pool of shade under the line rather than a label.
    scrim: { color: "#0A0806", opacity: 0.55, padXOfSize: 1.1, padYOfSize: 0.35, featherOfSize: 0.55 },
  }),
  closing: look({ font: FONTS.displayItalic, sizeOfHeight: 0.055, color: "#F2ECE0", shadow: titleShadow }),
};

const vintage: StyleSpec = {
  name: "vintage",
  label: "Vintage",
  premium: true,
  photoSeconds: 4.2,
  titleSeconds: 3.2,
  closingSeconds: 4.5,
  // Long cross-fades: a film dissolve. xfade's pixel "dissolve" cost ~3× the CPU of a maskedmerge fade per
  // transition segment (a sine per pixel, every frame) and its random speckle made x264 work harder.
  transitions: ["fade"],
  transitionSeconds: 1.1,
  motion: { zoom: 0.07, alternate: true },
  grade: { contrast: 0.94, saturation: 0.75, brightness: 1.02, tint: [1.08, 1.0, 0.86], sepia: 0.55 },
  vignetteAngle: Math.PI / 4.5,
  grain: 5,
  fill: { blur: 32, dim: 0.4 },
  wholePhotos: "single",
  title: {
    text: look({
      font: FONTS.displayItalic,
      sizeOfHeight: 0.1,
      anchorY: 0.48,
      maxLines: 3,
      color: "#F5E6C8",
      shadow: titleShadow,
    }),
    subtitle: look({
      font: FONTS.serif,
      sizeOfHeight: 0.04,
      maxLines: 1,
      color: "#F5E6C8",
      letterSpacingOfSize: 0.12,
    }),
    backgroundBlur: 12,
    backgroundDim: 0.4,
  },
  caption: look({
    font: FONTS.serifItalic,
    sizeOfHeight: 0.045,
    anchorY: 0.85,
    color: "#F5E6C8",
    // Opaque enough that the cream letters keep 4.5:1 on a white photo under the vignette (0.55 gave under 3:1).
    box: { color: "#2B1D0E", opacity: 0.85, paddingOfSize: 0.45 },
  }),
  closing: look({ font: FONTS.displayItalic, sizeOfHeight: 0.065, color: "#F5E6C8", shadow: titleShadow }),
};

export const STYLES: Record<StyleName, StyleSpec> = { classic, modern, cinematic, vintage };
