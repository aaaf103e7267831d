/** Shapes of the render engine: styles as data and the pure RenderPlan that renderMemory executes. */
import type { Aspect, Resolution, StyleName } from "../domain.ts";

/** xfade transition names this engine uses (all exist in ffmpeg ≥ 4.3). */
export type TransitionKind =
  | "fade"
  | "fadeblack"
  | "dissolve"
  | "slideleft"
  | "slideright"
  | "slideup"
  | "wipeleft"
  | "wiperight"
  | "smoothleft"
  | "smoothup";

/** A face of a font family, looked up by name (see fonts.ts); Pango falls back per character for other scripts. */
export interface FontFace {
  family: string;
  bold?: boolean;
  italic?: boolean;
}

export interface TextLook {
  font: FontFace;
  /** Font size as a fraction of the frame height. */
  sizeOfHeight: number;
  /** CSS hex colour, e.g. "#FFFFFF". */
  color: string;
  /** A translucent rounded box behind the text. */
  box?: { color: string; opacity: number; paddingOfSize: number };
  /** A soft shadow: the text's shape blurred (a glow when offset is 0), behind it. */
  shadow?: { color: string; opacity: number; blurOfSize: number; offsetOfSize: number };
  /**
   * A soft scrim: a dark pill around the text's box with feathered edges (no visible border), so light text stays
   * readable on snow, sky or a white wall. Padding across and down and the feather (a Gaussian sigma) in sizes.
   */
  scrim?: { color: string; opacity: number; padXOfSize: number; padYOfSize: number; featherOfSize: number };
  /** Vertical anchor of the text block, as a fraction of the (visible) frame height. */
  anchorY: number;
  /** Longest line, as a fraction of frame width, before wrapping. */
  maxWidthOfWidth: number;
  /** Lines at most; longer text is cut with an ellipsis, then shrunk to fit. */
  maxLines: number;
  uppercase?: boolean;
  /** Extra space between letters, as a fraction of the size (cased scripts only: it would break Arabic joins). */
  letterSpacingOfSize?: number;
}

/** Static colour grading, baked into each photo by sharp before ffmpeg sees it. */
export interface Grade {
  /** Contrast multiplier around mid-grey (1 = unchanged). */
  contrast: number;
  /** Saturation multiplier (1 = unchanged, 0 = grey). */
  saturation: number;
  brightness: number;
  /** Multiplies R, G, B after the above: a warm tint is e.g. [1.08, 1, 0.88]. */
  tint: readonly [number, number, number];
  /** Sepia tone (0 = none, 1 = full). */
  sepia: number;
}

export interface StyleSpec {
  name: StyleName;
  label: string;
  premium: boolean;
  /** How long each photo is on screen, transitions included. */
  photoSeconds: number;
  titleSeconds: number;
  closingSeconds: number;
  /** Transitions used in turn between slides. */
  transitions: readonly TransitionKind[];
  transitionSeconds: number;
  /** Ken Burns: how far the zoom goes (0.1 = 10 %) and whether photos alternate zooming in and out. */
  motion: { zoom: number; alternate: boolean };
  grade: Grade;
  /** Letterbox to this picture aspect (2.39 for cinematic) when the frame is wider than it is tall. */
  letterboxAspect?: number;
  /** Vignette strength as ffmpeg's vignette angle (radians), or undefined for none. */
  vignetteAngle?: number;
  /** Film grain strength (ffmpeg noise, 0..100), 0 for none; baked into each still once, like grain in a print. */
  grain: number;
  /**
   * A photo the frame would crop to less than FIT_BELOW of itself (a portrait in a landscape frame, a landscape in
   * a portrait one) is shown whole over a blurred, dimmed fill of itself: blur as a Gaussian sigma in pixels of a
   * 1080-high frame, dim 0..1.
   */
  fill: { blur: number; dim: number };
  /**
   * "pair": two such photos in a row of the same orientation share one slide, side by side (stacked in a portrait
   * frame), over the fill of the first; "single": each is shown alone over its fill.
   */
  wholePhotos: "single" | "pair";
  title: { text: TextLook; subtitle: TextLook; backgroundBlur: number; backgroundDim: number };
  caption: TextLook;
  closing: TextLook;
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** One run of a text block: a title, a subtitle, a caption. Plain text (escaped for Pango when drawn). */
export interface PlannedTextRun {
  text: string;
  font: FontFace;
  sizePx: number;
  /** CSS hex colour. */
  color: string;
  letterSpacingPx: number;
  /** Used to size-cap the run: at most this many lines of sizePx. */
  maxLines: number;
}

/**
 * A block of text drawn on a slide as one RGBA image (runs stacked and centred), rendered by sharp/Pango (see
 * text-image.ts) and overlaid by ffmpeg, centred horizontally and vertically on `centerY`, kept in [minTop, maxBottom].
 */
export interface PlannedText {
  runs: PlannedTextRun[];
  /** Space between runs. */
  gapPx: number;
  maxWidthPx: number;
  /** The image is never taller than this (text shrinks to fit). */
  maxHeightPx: number;
  centerY: number;
  minTop: number;
  maxBottom: number;
  box?: { color: string; opacity: number; paddingPx: number };
  shadow?: { color: string; opacity: number; blurPx: number; offsetPx: number };
  scrim?: { color: string; opacity: number; padXPx: number; padYPx: number; featherPx: number };
}

export interface PlannedSlide {
  kind: "title" | "photo" | "closing";
  /** Photo id this slide shows (cards show a blurred photo behind the text). */
  photoId: string;
  sourcePath: string;
  sourceWidth: number;
  sourceHeight: number;
  /** First frame of the slide on the timeline (30 fps). */
  startFrame: number;
  frames: number;
  /** Transition into the next slide; it overlaps the end of this slide and the start of the next. */
  transitionOut: { kind: TransitionKind; frames: number } | null;
  /**
   * Ken Burns in source pixels (in canvas pixels when `fit`): `cover` is the frame-aspect crop prepared for ffmpeg;
   * the visible crop moves linearly from `from` to `to` (both inside `cover`, both containing the focus and every
   * kept face). Cards have from = to = cover.
   */
  motion: { focus: { x: number; y: number }; cover: Rect; from: Rect; to: Rect };
  /**
   * The photo shown whole: a canvas (the frame at the motion's widest) holds a blurred, dimmed fill made from
   * `fillCrop` (source pixels, frame aspect) with the whole photo scaled into `photo` (canvas pixels) on top. The
   * photo lies inside the motion's tightest crop, so every frame shows all of it. Null: the photo is cropped.
   */
  fit: {
    canvas: { width: number; height: number };
    photo: Rect;
    fillCrop: Rect;
    blur: number;
    dim: number;
    /** The second photo of a pair, placed beside (or under) the first, inside the tightest crop too. */
    pair: {
      photoId: string;
      sourcePath: string;
      sourceWidth: number;
      sourceHeight: number;
      photo: Rect;
    } | null;
  } | null;
  /** Cards: the photo is blurred and dimmed behind the text. */
  background: { blur: number; dim: number } | null;
  texts: PlannedText[];
}

/**
 * The beats of a user's music file as the video plays it (beats/music-beats.ts): from its first sound, the leading
 * silence cut. ffmpeg loops the whole file, so every `loopSeconds` the music, and its beats, come round again.
 */
export interface MusicBeats {
  /** Beat times in seconds from the first sound, within one play of the file; empty when it has no steady beat. */
  beats: number[];
  /** One play of the whole file, in seconds. */
  loopSeconds: number;
  /** The tempo; null when there is no steady beat to cut on (speech, a voice note, an ambient pad). */
  bpm: number | null;
  /** 0–1: how strongly the music's onsets repeat at its beat. */
  confidence: number;
}

/**
 * The style's generated soundtrack (see soundtrack/), a music file, a voice note over the style's soundtrack, or
 * silence; music fades out with the picture. `fallback`: the style whose soundtrack plays instead when the user's file
 * cannot be played (a chat's song); absent, such a file fails the render (the CLI's `--music`).
 */
export type PlannedAudio =
  | { kind: "soundtrack"; style: StyleName; fadeOutSeconds: number }
  | { kind: "music"; path: string; fadeOutSeconds: number; fallback?: StyleName }
  | { kind: "voice"; path: string; voiceSeconds: number; style: StyleName; fadeOutSeconds: number }
  | { kind: "silence" };

export interface RenderPlan {
  style: StyleName;
  aspect: Aspect;
  resolution: Resolution;
  width: number;
  height: number;
  fps: number;
  totalFrames: number;
  durationSeconds: number;
  slides: PlannedSlide[];
  grade: Grade;
  /** Height of each black bar in pixels (0 = none). */
  letterboxPx: number;
  vignetteAngle: number | null;
  grain: number;
  audio: PlannedAudio;
  /** The last this-many frames fade to black (inside the closing card). */
  fadeOutFrames: number;
  /** Frame shown in the poster (the middle of the title card). */
  posterFrame: number;
}
