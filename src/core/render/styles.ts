/** The four looks of a memory, as data. Fonts come from Debian's fonts-dejavu-core. */
import type { StyleName } from "../domain.ts";
import type { Grade, StyleSpec, TextLook } from "./types.ts";

export const FONT_DIR = "/usr/share/fonts/truetype/dejavu";
export const FONTS = {
  sans: `${FONT_DIR}/DejaVuSans.ttf`,
  sansBold: `${FONT_DIR}/DejaVuSans-Bold.ttf`,
  serif: `${FONT_DIR}/DejaVuSerif.ttf`,
  serifBold: `${FONT_DIR}/DejaVuSerif-Bold.ttf`,
  serifItalic: `${FONT_DIR}/DejaVuSerif-Italic.ttf`,
} as const;

const NEUTRAL: Grade = { contrast: 1, saturation: 1, brightness: 1, tint: [1, 1, 1], sepia: 0 };

const softShadow = { color: "black", opacity: 0.6, offsetOfSize: 0.06 };

function look(partial: Partial<TextLook> & Pick<TextLook, "fontFile" | "sizeOfHeight">): TextLook {
  return { color: "white", anchorY: 0.5, maxWidthOfWidth: 0.84, ...partial };
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
    text: look({ fontFile: FONTS.serif, sizeOfHeight: 0.085, anchorY: 0.44, shadow: softShadow }),
    subtitle: look({ fontFile: FONTS.serifItalic, sizeOfHeight: 0.042, anchorY: 0.6, shadow: softShadow }),
    backgroundBlur: 18,
    backgroundDim: 0.45,
  },
  caption: look({
    fontFile: FONTS.sans,
    sizeOfHeight: 0.042,
    anchorY: 0.86,
    box: { color: "black", opacity: 0.42, paddingOfSize: 0.45 },
  }),
  closing: look({ fontFile: FONTS.serifItalic, sizeOfHeight: 0.06, anchorY: 0.5, shadow: softShadow }),
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
    text: look({ fontFile: FONTS.sansBold, sizeOfHeight: 0.1, anchorY: 0.42, uppercase: true }),
    subtitle: look({ fontFile: FONTS.sans, sizeOfHeight: 0.045, anchorY: 0.58, color: "0xFFD84D" }),
    backgroundBlur: 24,
    backgroundDim: 0.55,
  },
  caption: look({
    fontFile: FONTS.sansBold,
    sizeOfHeight: 0.055,
    anchorY: 0.8,
    uppercase: true,
    box: { color: "0x111111", opacity: 0.78, paddingOfSize: 0.35 },
  }),
  closing: look({ fontFile: FONTS.sansBold, sizeOfHeight: 0.07, anchorY: 0.5, uppercase: true }),
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
      fontFile: FONTS.serif,
      sizeOfHeight: 0.07,
      anchorY: 0.46,
      color: "0xF2ECE0",
      uppercase: true,
    }),
    subtitle: look({ fontFile: FONTS.serifItalic, sizeOfHeight: 0.036, anchorY: 0.58, color: "0xD9CFBF" }),
    backgroundBlur: 14,
    backgroundDim: 0.6,
  },
  caption: look({
    fontFile: FONTS.serifItalic,
    sizeOfHeight: 0.036,
    anchorY: 0.8,
    color: "0xF2ECE0",
    shadow: softShadow,
  }),
  closing: look({ fontFile: FONTS.serifItalic, sizeOfHeight: 0.05, anchorY: 0.5, color: "0xF2ECE0" }),
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
      fontFile: FONTS.serifBold,
      sizeOfHeight: 0.08,
      anchorY: 0.44,
      color: "0xF5E6C8",
      shadow: softShadow,
    }),
    subtitle: look({ fontFile: FONTS.serifItalic, sizeOfHeight: 0.042, anchorY: 0.6, color: "0xF5E6C8" }),
    backgroundBlur: 12,
    backgroundDim: 0.4,
  },
  caption: look({
    fontFile: FONTS.serifItalic,
    sizeOfHeight: 0.045,
    anchorY: 0.85,
    color: "0xF5E6C8",
    box: { color: "0x2B1D0E", opacity: 0.5, paddingOfSize: 0.4 },
  }),
  closing: look({ fontFile: FONTS.serifItalic, sizeOfHeight: 0.058, anchorY: 0.5, color: "0xF5E6C8" }),
};

export const STYLES: Record<StyleName, StyleSpec> = { classic, modern, cinematic, vintage };
