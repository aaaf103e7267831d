/**
 * planRender: photos + script + style → RenderPlan. Pure (no I/O, no clock): every number renderMemory needs is
 * decided here, in whole frames at 30 fps so segment cuts and transitions line up exactly.
 */
import type { Aspect, PreparedPhoto, Resolution, Script, StyleName } from "../domain.ts";
import { PhotoMemoryError } from "../errors.ts";
import { titleFromDates } from "../script/title.ts";
import { beatFrames, cutOnBeats } from "./beat-cuts.ts";
import { coverRect, faceGroup, faceKeepRect, frameSize, placeAround, zoomTowards } from "./geometry.ts";
import { SCORES } from "./soundtrack/scores.ts";
import { STYLES } from "./styles.ts";
import { capacity, capText, cleanText } from "./text-layout.ts";
import type {
  MusicBeats,
  PlannedAudio,
  PlannedSlide,
  PlannedText,
  PlannedTextRun,
  Rect,
  RenderPlan,
  StyleSpec,
  TextLook,
} from "./types.ts";

export const FPS = 30;

/** The closing card fades to black (and the music out) over its last this-many seconds at most. */
const FADE_OUT_SECONDS = 2;

export interface PlanOptions {
  aspect: Aspect;
  resolution: Resolution;
  /** The soundtrack: this file; none when `silent`; the style's own soundtrack when neither is given. */
  musicPath?: string;
  /** The style's own soundtrack plays when `musicPath` cannot be played (a chat's song), instead of failing. */
  musicFallback?: boolean;
  /** The beats of `musicPath` (beats/music-beats.ts): cuts land on them when it has a steady beat. */
  musicBeats?: MusicBeats | undefined;
  /** A voice note (path, length in seconds) spoken over the style's soundtrack, which dips under it. */
  voiceOver?: { path: string; seconds: number };
  silent?: boolean;
  /** A small "Made with PhotoMemory" line on the closing card. */
  credit?: boolean;
}

export function planRender(
  photos: PreparedPhoto[],
  script: Script,
  style: StyleName,
  options: PlanOptions,
): RenderPlan {
  const spec = STYLES[style];
  const ordered = orderPhotos(photos, script);
  const first = ordered[0];
  const last = ordered[ordered.length - 1];
  if (!first || !last)
    throw new PhotoMemoryError("render.no_photos", "There are no photos to make a memory from.");

  const { width, height } = frameSize(options.aspect, options.resolution);
  const letterboxPx = letterbox(spec, width, height);
  const frame = { width, height, letterboxPx, locale: script.locale };
  const audio: PlannedAudio = options.silent
    ? { kind: "silence" }
    : options.musicPath
      ? {
          kind: "music",
          path: options.musicPath,
          fadeOutSeconds: 0,
          ...(options.musicFallback ? { fallback: style } : {}),
        }
      : options.voiceOver
        ? {
            kind: "voice",
            path: options.voiceOver.path,
            voiceSeconds: options.voiceOver.seconds,
            style,
            fadeOutSeconds: 0,
          }
        : { kind: "soundtrack", style, fadeOutSeconds: 0 };
  // With the style's own soundtrack (under a voice note too) every slide and transition lasts whole beats, so every
  // cut lands on a beat. With a user's song that has a steady beat, transitions last whole beats of it and the cuts
  // are moved onto its beats once the slides are laid out (beat-cuts.ts).
  const beat = audio.kind === "soundtrack" || audio.kind === "voice" ? SCORES[style].beatFrames : 1;
  const onBeats = (s: number, minBeats: number) => Math.max(minBeats, Math.round((s * FPS) / beat)) * beat;
  const music = audio.kind === "music" && options.musicBeats?.bpm ? options.musicBeats : null;

  type Draft = Omit<PlannedSlide, "startFrame" | "transitionOut">;
  const drafts: Draft[] = [];
  drafts.push({
    ...cardSlide("title", first, onBeats(spec.titleSeconds, 3), spec, frame),
    texts: titleTexts(script, dateSpan(ordered, script.locale), spec, frame),
  });
  shownTogether(ordered, spec, frame).forEach((group, index) => {
    const caption = group
      .map((photo) => script.captions[photo.id]?.trim() ?? "")
      .filter((text) => text.length > 0)
      .join(" · ");
    drafts.push(photoSlide(group, index, onBeats(spec.photoSeconds, 3), spec, frame, caption));
  });
  drafts.push({
    ...cardSlide("closing", last, onBeats(spec.closingSeconds, 4), spec, frame),
    texts: closingTexts(script, dateSpan(ordered, script.locale), spec, frame, options.credit ?? false),
  });

  // The slides one after another, each transition overlapping the slides on either side of it.
  const layOut = (transitionBeat: number): PlannedSlide[] => {
    const wanted = Math.max(1, Math.round((spec.transitionSeconds * FPS) / transitionBeat)) * transitionBeat;
    // Whole beats that fit in a third of each slide; with a user's song, one beat where it fits in 45 % of them (a
    // slow song), else the room there is.
    const transitionFrames = (room: number, shorter: number) => {
      const beats = Math.floor(room / transitionBeat);
      if (beats >= 1 || !music || transitionBeat <= shorter * 0.45)
        return Math.round(Math.max(1, beats) * transitionBeat);
      return Math.max(1, Math.floor(room));
    };
    const laidOut: PlannedSlide[] = [];
    let start = 0;
    drafts.forEach((draft, i) => {
      const next = drafts[i + 1];
      const shorter = Math.min(draft.frames, next?.frames ?? 0);
      const room = Math.min(wanted, shorter / 3);
      const transitionOut = next
        ? {
            kind: spec.transitions[i % spec.transitions.length] ?? "fade",
            frames: transitionFrames(room, shorter),
          }
        : null;
      laidOut.push({ ...draft, startFrame: start, transitionOut });
      start += draft.frames - (transitionOut?.frames ?? 0);
    });
    return laidOut;
  };
  const paced = layOut(beat);
  // On a song's beat: transitions of whole beats of it, each cut moved from where the style's pace puts it.
  const slides = music?.bpm
    ? cutOnBeats(
        layOut((60 * FPS) / music.bpm),
        paced.map((slide) => slide.startFrame),
        beatFrames(music, FPS, 2 * ((paced.at(-1)?.startFrame ?? 0) + (paced.at(-1)?.frames ?? 0))),
      )
    : paced;
  const closingSlide = slides[slides.length - 1] as PlannedSlide;
  const totalFrames = closingSlide.startFrame + closingSlide.frames;
  const titleSlide = slides[0] as PlannedSlide;
  // The ending fades to black inside the second half of the closing card's hold, so the last segment holds all of it.
  const closingHold = closingSlide.frames - (slides[slides.length - 2]?.transitionOut?.frames ?? 0);
  const fadeOutFrames = Math.max(1, Math.min(FADE_OUT_SECONDS * FPS, Math.floor(closingHold / 2)));

  return {
    style,
    aspect: options.aspect,
    resolution: options.resolution,
    width,
    height,
    fps: FPS,
    totalFrames,
    durationSeconds: totalFrames / FPS,
    slides,
    grade: spec.grade,
    letterboxPx,
    vignetteAngle: spec.vignetteAngle ?? null,
    grain: spec.grain,
    audio: audio.kind === "silence" ? audio : { ...audio, fadeOutSeconds: fadeOutFrames / FPS },
    fadeOutFrames,
    posterFrame: Math.floor((titleSlide.frames - (titleSlide.transitionOut?.frames ?? 0)) / 2),
  };
}

/** Script order wins; ids the script does not know are left out, unknown ids in the script are ignored. */
function orderPhotos(photos: PreparedPhoto[], script: Script): PreparedPhoto[] {
  const byId = new Map(photos.map((p) => [p.id, p]));
  const seen = new Set<string>();
  const ordered: PreparedPhoto[] = [];
  for (const id of script.order) {
    const photo = byId.get(id);
    if (photo && !seen.has(id)) {
      seen.add(id);
      ordered.push(photo);
    }
  }
  return ordered.length > 0 || script.order.length > 0 ? ordered : photos;
}

export interface FrameInfo {
  width: number;
  height: number;
  letterboxPx: number;
  locale: string;
}

function letterbox(spec: StyleSpec, width: number, height: number): number {
  if (!spec.letterboxAspect) return 0;
  const bar = width > height ? (height - width / spec.letterboxAspect) / 2 : height * 0.08;
  return Math.max(0, Math.round(bar / 2) * 2);
}

function focusOf(photo: PreparedPhoto): { x: number; y: number } {
  const clamp01 = (v: number) => (Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0.5);
  const f = photo.focus ?? { x: 0.5, y: 0.5 };
  return { x: clamp01(f.x) * photo.width, y: clamp01(f.y) * photo.height };
}

/**
 * A photo the frame would crop to less than this fraction of itself is shown whole (over a fill) instead: a 3:4
 * portrait keeps 42 % in 16:9 and a square 56 %, while a 4:3 landscape keeps 75 % and a 3:2 one 84 %.
 */
export const FIT_BELOW = 0.6;

/** Whether the frame would crop the photo to less than FIT_BELOW of itself, so it is shown whole instead. */
function shownWhole(photo: PreparedPhoto, frame: FrameInfo): boolean {
  const photoAspect = photo.width / photo.height;
  const frameAspect = frame.width / frame.height;
  return Math.min(photoAspect / frameAspect, frameAspect / photoAspect) < FIT_BELOW;
}

function orientation(photo: PreparedPhoto): "portrait" | "landscape" | "square" {
  return photo.width < photo.height ? "portrait" : photo.width > photo.height ? "landscape" : "square";
}

/** The photos of each slide, in order: one each, or, for a pairing style, two whole photos in a row that match. */
function shownTogether(photos: PreparedPhoto[], spec: StyleSpec, frame: FrameInfo): PreparedPhoto[][] {
  const groups: PreparedPhoto[][] = [];
  for (let i = 0; i < photos.length; i++) {
    const photo = photos[i] as PreparedPhoto;
    const next = photos[i + 1];
    const pairs =
      spec.wholePhotos === "pair" &&
      next !== undefined &&
      shownWhole(photo, frame) &&
      shownWhole(next, frame) &&
      orientation(photo) === orientation(next);
    groups.push(pairs && next ? [photo, next] : [photo]);
    if (pairs) i++;
  }
  return groups;
}

function photoSlide(
  group: PreparedPhoto[],
  index: number,
  frames: number,
  spec: StyleSpec,
  frame: FrameInfo,
  caption: string,
): Omit<PlannedSlide, "startFrame" | "transitionOut"> {
  const photo = group[0] as PreparedPhoto;
  const zoomOut = spec.motion.alternate && index % 2 === 1;
  const framing = photoFraming(photo, group[1] ?? null, spec, frame);
  return {
    kind: "photo",
    photoId: photo.id,
    sourcePath: photo.path,
    sourceWidth: photo.width,
    sourceHeight: photo.height,
    frames,
    motion: {
      focus: framing.focus,
      cover: framing.cover,
      from: zoomOut ? framing.tight : framing.cover,
      to: zoomOut ? framing.cover : framing.tight,
    },
    fit: framing.fit,
    background: null,
    texts: textBlock([{ text: caption, look: spec.caption }], frame),
  };
}

interface Framing {
  focus: { x: number; y: number };
  cover: Rect;
  /** The motion's tightest crop. */
  tight: Rect;
  fit: PlannedSlide["fit"];
}

function photoFraming(
  photo: PreparedPhoto,
  partner: PreparedPhoto | null,
  spec: StyleSpec,
  frame: FrameInfo,
): Framing {
  const aspect = frame.width / frame.height;
  const zoom = 1 + spec.motion.zoom;
  const focus = focusOf(photo);
  const cover = coverRect(photo, aspect, { x: focus.x / photo.width, y: focus.y / photo.height });
  if (partner || shownWhole(photo, frame)) return fitFraming(photo, partner, spec, frame, cover);

  const faces = (photo.faces ?? []).map((face) => faceKeepRect(photo, face));
  const group = faceGroup(faces, cover);
  if (!group) return { focus, cover, tight: zoomTowards(cover, zoom, focus), fit: null };
  // Every kept face is inside the cover crop and inside the tightest crop, so inside every crop between them; the
  // zoom gives way when the faces fill more of the frame than it would leave.
  const bounds = { x: 0, y: 0, w: photo.width, h: photo.height };
  const placed = placeAround(group, cover, bounds);
  const z = Math.max(1, Math.min(zoom, placed.w / group.w, placed.h / group.h));
  const tight = placeAround(group, { w: placed.w / z, h: placed.h / z }, placed);
  return { focus: { x: group.x + group.w / 2, y: group.y + group.h / 2 }, cover: placed, tight, fit: null };
}

/**
 * The whole photo (or a pair, side by side along the frame's long side with a small gap), centred on a canvas that
 * is the frame at the motion's widest; it fills the visible height (or width) of the tightest crop, which is the
 * frame at 1:1, so every frame shows all of it. The fill behind is the (first) photo's own cover crop.
 */
function fitFraming(
  photo: PreparedPhoto,
  partner: PreparedPhoto | null,
  spec: StyleSpec,
  frame: FrameInfo,
  fillCrop: Rect,
): Framing {
  const even = (v: number) => Math.max(2, Math.round(v / 2) * 2);
  const zoom = 1 + spec.motion.zoom;
  const canvas = { width: even(frame.width * zoom), height: even(frame.height * zoom) };
  const tight = {
    x: (canvas.width - frame.width) / 2,
    y: (canvas.height - frame.height) / 2,
    w: frame.width,
    h: frame.height,
  };
  const visible = { w: frame.width, h: frame.height - 2 * frame.letterboxPx };
  const across = frame.width >= frame.height; // a pair sits side by side in a landscape frame, stacked otherwise
  const gap = partner ? even(Math.max(frame.width, frame.height) * 0.015) : 0;
  const cell = across
    ? { w: (visible.w - gap) / (partner ? 2 : 1), h: visible.h }
    : { w: visible.w, h: (visible.h - gap) / (partner ? 2 : 1) };
  const sized = (p: PreparedPhoto) => {
    const scale = Math.min(cell.w / p.width, cell.h / p.height);
    const floorEven = (v: number) => Math.max(2, Math.floor(v / 2) * 2);
    return {
      w: Math.min(even(p.width * scale), floorEven(cell.w)),
      h: Math.min(even(p.height * scale), floorEven(cell.h)),
    };
  };
  const first = sized(photo);
  const second = partner ? sized(partner) : null;
  // Packed around the canvas centre along the long side, centred across it.
  const length = across ? first.w + (second ? gap + second.w : 0) : first.h + (second ? gap + second.h : 0);
  const start = Math.round(((across ? canvas.width : canvas.height) - length) / 4) * 2;
  const place = (size: { w: number; h: number }, offset: number): Rect =>
    across
      ? { x: start + offset, y: Math.round((canvas.height - size.h) / 4) * 2, w: size.w, h: size.h }
      : { x: Math.round((canvas.width - size.w) / 4) * 2, y: start + offset, w: size.w, h: size.h };
  return {
    focus: { x: canvas.width / 2, y: canvas.height / 2 },
    cover: { x: 0, y: 0, w: canvas.width, h: canvas.height },
    tight,
    fit: {
      canvas,
      photo: place(first, 0),
      fillCrop,
      blur: (spec.fill.blur * frame.height) / 1080,
      dim: spec.fill.dim,
      pair:
        partner && second
          ? {
              photoId: partner.id,
              sourcePath: partner.path,
              sourceWidth: partner.width,
              sourceHeight: partner.height,
              photo: place(second, (across ? first.w : first.h) + gap),
            }
          : null,
    },
  };
}

function cardSlide(
  kind: "title" | "closing",
  photo: PreparedPhoto,
  frames: number,
  spec: StyleSpec,
  frame: FrameInfo,
): Omit<PlannedSlide, "startFrame" | "transitionOut" | "texts"> {
  const focus = focusOf(photo);
  const cover = coverRect(photo, frame.width / frame.height, {
    x: focus.x / photo.width,
    y: focus.y / photo.height,
  });
  return {
    kind,
    photoId: photo.id,
    sourcePath: photo.path,
    sourceWidth: photo.width,
    sourceHeight: photo.height,
    frames,
    motion: { focus, cover, from: cover, to: cover },
    fit: null,
    background: { blur: spec.title.backgroundBlur, dim: spec.title.backgroundDim },
  };
}

/** The dates the memory's photos span, in the memory's locale ("14–16 July 2025"); empty when none has a date. */
function dateSpan(photos: PreparedPhoto[], locale: string): string {
  const dates = photos.flatMap((p) => (p.takenAt ? [p.takenAt] : []));
  return dates.length > 0 ? titleFromDates(dates, locale) : "";
}

/**
 * Whether `text` already says the dates (a title made from them, or a writer's subtitle that is them). A writer
 * writes dates its own way ("July 14-17, 2025", "١٤–١٧ يوليو ٢٠٢٥"), so a span that names days is said when every
 * number in it is in the text, whatever the digits; a span of months ("July 2025") only by its own words.
 */
function names(text: string | undefined, span: string): boolean {
  if (text === undefined || span === "") return false;
  const fold = (t: string) => t.toLocaleLowerCase().replace(/\s+/g, " ").trim();
  if (fold(text).includes(fold(span))) return true;
  const wanted = numbersIn(span);
  const said = new Set(numbersIn(text));
  return wanted.length >= 2 && wanted.every((n) => said.has(n));
}

/** The numbers written in `text`, in any script's decimal digits ("١٤" and "१४" are 14). */
function numbersIn(text: string): number[] {
  const numbers: number[] = [];
  for (const [run] of text.normalize("NFKC").matchAll(/\p{Nd}+/gu)) {
    let value = 0;
    for (const digit of run) value = value * 10 + digitValue(digit);
    numbers.push(value);
  }
  return numbers;
}

/** Unicode puts each script's digits 0–9 in a row of ten code points: a digit's value is its place in its row. */
function digitValue(digit: string): number {
  const code = digit.codePointAt(0) ?? 0;
  let place = 0;
  while (place < 9 && /\p{Nd}/u.test(String.fromCodePoint(code - place - 1))) place++;
  return place;
}

/**
 * The title card's one text block: the title, the writer's subtitle under it, and the dates the photos span, however
 * the title came (the user's, the writer's) unless a line above already says them.
 */
function titleTexts(script: Script, span: string, spec: StyleSpec, frame: FrameInfo): PlannedText[] {
  const subtitle = script.subtitle?.trim() ?? "";
  const parts = [
    { text: script.title, look: spec.title.text },
    { text: subtitle, look: spec.title.subtitle },
  ];
  if (span && !names(script.title, span) && !names(subtitle, span))
    parts.push({ text: span, look: spec.title.subtitle });
  return textBlock(parts, frame);
}

/**
 * The ending: the script's closing line (when it wrote one), the memory's title and the dates its photos span, as one
 * block, and optionally a small credit at the foot of the card.
 */
function closingTexts(
  script: Script,
  span: string,
  spec: StyleSpec,
  frame: FrameInfo,
  credit: boolean,
): PlannedText[] {
  const closing = script.closing?.trim() ?? "";
  const parts = closing
    ? [
        { text: closing, look: { ...spec.closing, anchorY: 0.46 } },
        { text: script.title, look: spec.title.subtitle },
      ]
    : [{ text: script.title, look: { ...spec.closing, anchorY: 0.46 } }];
  if (span && !names(script.title, span)) parts.push({ text: span, look: spec.title.subtitle });
  const texts = textBlock(parts, frame);
  if (credit) {
    const look = { ...spec.title.subtitle, sizeOfHeight: 0.028, anchorY: 0.9, uppercase: false, maxLines: 1 };
    texts.push(...textBlock([{ text: "Made with PhotoMemory", look }], frame));
  }
  return texts;
}

function sizeOf(look: TextLook, frame: FrameInfo): number {
  return Math.max(12, Math.round(look.sizeOfHeight * Math.min(frame.height, frame.width * 1.2)));
}

/**
 * One block of stacked runs (drawn as one image), centred on the first run's look's anchor inside the visible
 * (non-letterbox) area; empty runs are left out, and no block at all when every run is empty. Each run is cut to
 * what its lines can hold; the image shrinks whatever still overflows.
 */
export function textBlock(parts: { text: string; look: TextLook }[], frame: FrameInfo): PlannedText[] {
  const runs: PlannedTextRun[] = [];
  for (const { text, look } of parts) {
    const cleaned = cleanText(look.uppercase ? text.toLocaleUpperCase(frame.locale) : text);
    if (cleaned === "") continue;
    const sizePx = sizeOf(look, frame);
    const maxWidthPx = Math.round(frame.width * look.maxWidthOfWidth);
    runs.push({
      text: capText(cleaned, capacity(sizePx, maxWidthPx, look.maxLines)),
      font: look.font,
      sizePx,
      color: look.color,
      letterSpacingPx: Math.round(sizePx * (look.letterSpacingOfSize ?? 0)),
      maxLines: look.maxLines,
    });
  }
  const lead = parts.find((p) => cleanText(p.text) !== "")?.look;
  if (runs.length === 0 || !lead) return [];
  const visibleTop = frame.letterboxPx;
  const visibleHeight = frame.height - 2 * frame.letterboxPx;
  const margin = Math.round(frame.height * 0.04);
  const leadSize = sizeOf(lead, frame);
  return [
    {
      runs,
      gapPx: Math.round((runs[1]?.sizePx ?? 0) * 0.8),
      maxWidthPx: Math.round(frame.width * Math.max(...parts.map((p) => p.look.maxWidthOfWidth))),
      maxHeightPx: visibleHeight - 2 * margin,
      centerY: Math.round(visibleTop + lead.anchorY * visibleHeight),
      minTop: visibleTop + margin,
      maxBottom: visibleTop + visibleHeight - margin,
      ...(lead.box
        ? {
            box: {
              color: lead.box.color,
              opacity: lead.box.opacity,
              paddingPx: Math.round(leadSize * lead.box.paddingOfSize),
            },
          }
        : {}),
      ...(lead.shadow
        ? {
            shadow: {
              color: lead.shadow.color,
              opacity: lead.shadow.opacity,
              blurPx: Math.max(1, Math.round(leadSize * lead.shadow.blurOfSize)),
              offsetPx: Math.round(leadSize * lead.shadow.offsetOfSize),
            },
          }
        : {}),
      ...(lead.scrim
        ? {
            scrim: {
              color: lead.scrim.color,
              opacity: lead.scrim.opacity,
              padXPx: Math.round(leadSize * lead.scrim.padXOfSize),
              padYPx: Math.round(leadSize * lead.scrim.padYOfSize),
              featherPx: Math.max(1, Math.round(leadSize * lead.scrim.featherOfSize)),
            },
          }
        : {}),
    },
  ];
}
