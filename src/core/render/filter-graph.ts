/**
 * Builds the ffmpeg arguments of one segment. Each slide piece is one normalised photo, decoded once, cropped to the
 * frame-aspect cover rect, scaled once to the size its motion needs, graded (and for cards blurred and dimmed) ONCE,
 * then looped; every frame is resampled from that still to the moving crop (see kenBurns); each text block is one
 * RGBA image input (see text-image.ts), overlaid once onto a card's still or onto every frame of a moving photo;
 * xfade chains the pieces (a plain fade is spliced with maskedmerge). Pure.
 */
import { type VideoRate, x264Args } from "./encoder.ts";
import { num } from "./filter-escape.ts";
import { gradeFilters } from "./grade.ts";
import type { Segment, SegmentSlide } from "./segments.ts";
import { segmentTimestampOffset } from "./segments.ts";
import type { Grade, PlannedSlide, PlannedText, Rect, RenderPlan } from "./types.ts";

/** Where a text block's image is: by slide index and the block's index in slide.texts. */
export type TextImagePath = (slideIndex: number, textIndex: number) => string;

/**
 * Whole-pixel crop of the cover rect (the part of the photo a slide can ever show), even for 4:2:0 chroma. A photo
 * shown whole (`fit`) is animated over its composed canvas, which is all of it.
 */
export function extractRect(slide: PlannedSlide): Rect {
  if (slide.fit) return { x: 0, y: 0, w: slide.fit.canvas.width, h: slide.fit.canvas.height };
  return evenCrop(slide.motion.cover, slide.sourceWidth, slide.sourceHeight);
}

function evenCrop(rect: Rect, width: number, height: number): Rect {
  const evenDown = (v: number) => Math.max(0, Math.floor(v / 2) * 2);
  const x = evenDown(rect.x);
  const y = evenDown(rect.y);
  const w = Math.max(2, evenDown(Math.min(width - x, Math.round(rect.w))));
  const h = Math.max(2, evenDown(Math.min(height - y, Math.round(rect.h))));
  return { x, y, w, h };
}

export function isMoving(slide: PlannedSlide): boolean {
  const { from, to } = slide.motion;
  return from.x !== to.x || from.y !== to.y || from.w !== to.w || from.h !== to.h;
}

/**
 * Size of the still a slide is animated from (even numbers, for 4:2:0): the frame size for a still slide; for a moving
 * one, the cover rect at the scale where the motion's tightest crop fills the frame exactly, so every frame is a
 * downscale by 1× to (1 + zoom)× (a short, cheap filter) and no frame is ever upscaled.
 */
export function workingSize(
  plan: RenderPlan,
  slide: PlannedSlide,
): { width: number; height: number; native: boolean } {
  const even = (v: number) => Math.max(2, Math.ceil(v / 2) * 2);
  if (!isMoving(slide)) return { width: plan.width, height: plan.height, native: false };
  const e = extractRect(slide);
  const { from, to } = slide.motion;
  const width = even((e.w * plan.width) / Math.min(from.w, to.w));
  const height = even((e.h * plan.height) / Math.min(from.h, to.h));
  return { width, height, native: width === e.w && height === e.h };
}

export interface SegmentFiles {
  /** The PNG of each text block (see text-image.ts). */
  textImage: TextImagePath;
  output: string;
  /** Also write the poster (plan.posterFrame, which this segment must hold) as a JPEG here. */
  poster?: string;
}

export function segmentArgs(
  plan: RenderPlan,
  segment: Segment,
  files: SegmentFiles,
  rate: VideoRate,
): string[] {
  // -nofind_stream_info: probing a JPEG input decodes it once just to learn its size and pixel format, then ffmpeg
  // decodes it again (~22 ms for a 3072-pixel photo, and another decoder's worth of fresh memory); the graph is set
  // up from the first decoded frame anyway. The output is bit-identical.
  const sources = segmentSources(plan, segment);
  const inputs = [
    ...sources.paths,
    ...sources.texts.map(({ slideIndex, textIndex }) => files.textImage(slideIndex, textIndex)),
  ].flatMap((path) => ["-framerate", String(plan.fps), "-nofind_stream_info", "-i", path]);
  const posterFrame = files.poster === undefined ? null : plan.posterFrame - segment.startFrame;
  if (posterFrame !== null && (posterFrame < 0 || posterFrame >= segment.frames))
    throw new RangeError(`segment ${segment.index} does not hold the poster frame ${plan.posterFrame}`);
  // The poster comes out of the same graph, one frame picked from the segment's own output: no second decode.
  const poster =
    files.poster === undefined
      ? []
      : [
          "-map",
          "[poster]",
          "-frames:v",
          "1",
          "-q:v",
          "3",
          "-f",
          "image2",
          "-update",
          "1",
          "-y",
          files.poster,
        ];
  return [
    // The graph runs in the process's one thread: two segment processes already fill both cores, and slice-threaded
    // filters (scale, maskedmerge) splitting each frame over a pool of their own only added hand-offs (measured:
    // 23 1080p segments two at a time, 17.6 s wall against 18.5 s with the default pool).
    "-filter_complex_threads",
    "1",
    ...inputs,
    "-filter_complex",
    segmentFilterGraph(plan, segment, posterFrame),
    "-map",
    "[v]",
    "-an",
    "-frames:v",
    String(segment.frames),
    ...x264Args(plan.fps, rate),
    // MPEG-TS on the segment's own place in the timeline: the segments join by appending bytes (see mux.ts).
    "-f",
    "mpegts",
    "-muxdelay",
    "0",
    "-muxpreload",
    "0",
    "-output_ts_offset",
    num(segmentTimestampOffset(plan, segment), 6),
    "-y",
    files.output,
    ...poster,
  ];
}

/**
 * The segment's inputs: each photo file once (the title card and the first slide show the same photo; a pair shows
 * two), and the label each piece reads it from, slot 0 for the slide's photo and slot 1 for its pair's second (a
 * photo read twice is decoded once and split: one decoder, ~11 MB, less);
 * then, as inputs after the photos, the text images of the segment's slides in order.
 */
export function segmentSources(
  plan: RenderPlan,
  segment: Segment,
): {
  paths: string[];
  label: (piece: number, slot?: 0 | 1) => string;
  splits: string[];
  texts: { slideIndex: number; textIndex: number }[];
} {
  const paths: string[] = [];
  const uses: { piece: number; slot: 0 | 1; input: number }[] = [];
  const use = (piece: number, slot: 0 | 1, path: string) => {
    let input = paths.indexOf(path);
    if (input < 0) input = paths.push(path) - 1;
    uses.push({ piece, slot, input });
  };
  segment.slides.forEach((piece, k) => {
    const slide = plan.slides[piece.slideIndex] as PlannedSlide;
    use(k, 0, slide.sourcePath);
    if (slide.fit?.pair) use(k, 1, slide.fit.pair.sourcePath);
  });
  const labels = new Map(uses.map((u) => [`${u.piece}/${u.slot}`, `${u.input}:v`]));
  const splits: string[] = [];
  paths.forEach((_, input) => {
    const users = uses.filter((u) => u.input === input);
    if (users.length < 2) return;
    const names = users.map((u) => (u.slot === 0 ? `in${u.piece}` : `in${u.piece}p`));
    users.forEach((u, i) => {
      labels.set(`${u.piece}/${u.slot}`, names[i] as string);
    });
    splits.push(`[${input}:v]split=${users.length}${names.map((name) => `[${name}]`).join("")}`);
  });
  const slideIndexes = [...new Set(segment.slides.map((piece) => piece.slideIndex))];
  const texts = slideIndexes.flatMap((slideIndex) =>
    (plan.slides[slideIndex] as PlannedSlide).texts.map((_, textIndex) => ({ slideIndex, textIndex })),
  );
  return { paths, label: (piece, slot = 0) => labels.get(`${piece}/${slot}`) ?? "", splits, texts };
}

/**
 * Hands out a fresh label for each use of a text image (a moving slide cut by a fade uses its caption twice) and
 * then the chains that feed them: each image is one frame, converted once and split.
 */
interface TextUses {
  use(slideIndex: number, textIndex: number): string;
  chains(): string[];
}

function textUses(sources: ReturnType<typeof segmentSources>): TextUses {
  const uses = new Map<number, string[]>();
  return {
    use(slideIndex, textIndex) {
      const at = sources.texts.findIndex((t) => t.slideIndex === slideIndex && t.textIndex === textIndex);
      if (at < 0) throw new RangeError(`slide ${slideIndex} has no text ${textIndex} in this segment`);
      const input = sources.paths.length + at;
      const labels = uses.get(input) ?? [];
      const label = `tx${input}u${labels.length}`;
      uses.set(input, [...labels, label]);
      return label;
    },
    chains() {
      return [...uses].map(
        ([input, labels]) =>
          `[${input}:v]format=yuva420p,split=${labels.length}${labels.map((l) => `[${l}]`).join("")}`,
      );
    },
  };
}

export function segmentFilterGraph(
  plan: RenderPlan,
  segment: Segment,
  /** The segment's frame to pick as the poster (output [poster]), or null. */
  posterFrame: number | null = null,
): string {
  const sources = segmentSources(plan, segment);
  const texts = textUses(sources);
  const spliced = fadeSplices(plan, segment, sources.label, texts);
  if (spliced)
    return [
      ...sources.splits,
      ...texts.chains(),
      ...spliced,
      ...finishChains(plan, segment, "x", posterFrame),
    ].join(";");
  const chains = segment.slides.map((piece, k) =>
    pieceChain(plan, piece, sources.label(k), `s${k}`, texts, true, sources.label(k, 1)),
  );
  chains.unshift(...sources.splits, ...texts.chains());
  let last = "s0";
  segment.slides.forEach((piece, k) => {
    if (k === 0) return;
    const previous = plan.slides[piece.slideIndex - 1];
    const transition = previous?.transitionOut ?? { kind: "fade", frames: 1 };
    const label = `x${k}`;
    chains.push(
      `[${last}][s${k}]xfade=transition=${transition.kind}:duration=${num(transition.frames / plan.fps)}:offset=${num(piece.localStart / plan.fps)}[${label}]`,
    );
    last = label;
  });
  chains.push(...finishChains(plan, segment, last, posterFrame));
  return chains.join(";");
}

/** The last stage of a segment: [input] → vignette (if any) → [v], and the poster frame → [poster] when asked. */
function finishChains(
  plan: RenderPlan,
  segment: Segment,
  input: string,
  posterFrame: number | null,
): string[] {
  const chains: string[] = [];
  let last = input;
  if (plan.vignetteAngle !== null) {
    chains.push(`[${last}]format=yuv420p[unlit]`);
    // Both frames are made small and scaled up once: the flat one exactly (neighbour), the smooth mask with bicubic
    // (vignette's float map and the generators' pools at full size held ~12 MB more per process).
    chains.push(`${heldFrame(plan, segment.frames, "lutyuv=y=0:u=127:v=127", 16, "neighbor")}[dark]`);
    chains.push(
      `${heldFrame(plan, segment.frames, vignetteMask(plan.vignetteAngle), MASK_DOWNSCALE, "bicubic")}[vmask]`,
    );
    chains.push("[unlit][dark][vmask]maskedmerge[lit]");
    last = "lit";
  }
  const finish = `[${last}]${fadeToBlack(plan, segment)}format=yuv420p,setsar=1`;
  chains.push(
    posterFrame === null
      ? `${finish}[v]`
      : `${finish},split[v][pick];[pick]trim=start_frame=${posterFrame}:end_frame=${posterFrame + 1}[poster]`,
  );
  return chains;
}

/**
 * The ending's fade to black, for the segment that holds it (the plan keeps it after the last cut), else nothing.
 * `fade` touches only the faded frames and the black ones after them.
 */
function fadeToBlack(plan: RenderPlan, segment: Segment): string {
  const start = plan.totalFrames - plan.fadeOutFrames - segment.startFrame;
  if (plan.fadeOutFrames <= 0 || start >= segment.frames) return "";
  if (start < 0) throw new RangeError(`segment ${segment.index} starts inside the fade to black`);
  return `fade=t=out:start_frame=${start}:nb_frames=${plan.fadeOutFrames},`;
}

/** The vignette mask is computed at 1/MASK_DOWNSCALE of the frame size (it is smooth) and scaled up. */
export const MASK_DOWNSCALE = 4;

/**
 * One generated frame, made by `filters` from black once at 1/`downscale` of the frame size, scaled up to it with
 * `flags`, then held for `frames` frames (no per-frame work).
 */
function heldFrame(
  plan: RenderPlan,
  frames: number,
  filters: string,
  downscale: number,
  flags: string,
): string {
  const even = (v: number) => Math.max(2, Math.round(v / downscale / 2) * 2);
  return [
    `color=c=black:s=${even(plan.width)}x${even(plan.height)}:r=${plan.fps}`,
    "format=yuv420p",
    "trim=end_frame=1",
    filters,
    `scale=${plan.width}:${plan.height}:flags=${flags}`,
    "loop=loop=-1:size=1:start=0",
    `trim=end_frame=${frames}`,
    `setpts=N/(${plan.fps}*TB)`,
    "setsar=1",
  ].join(",");
}

/**
 * ffmpeg's vignette as a maskedmerge mask: the darkening is computed once, from a frame of 255s (vignette makes
 * luma 255·f and chroma 127 + 128·f), into m = 256·(1 − f) for luma and chroma alike. Merged with a frame of
 * (0, 127, 127) it gives f·Y and 127 + f·(C − 127), the vignette filter's own formulas, within half a level and
 * without its per-pixel C loop (~20 ms a 1080p frame here, more than the Ken Burns scaling) or its per-frame dither
 * noise, which x264 had to encode.
 */
export function vignetteMask(angle: number): string {
  return [
    "lutyuv=y=255:u=255:v=255",
    `vignette=angle=${num(angle)}:eval=init:dither=0`,
    "lutyuv=y='clip(256-val*256/255+0.5\\,0\\,255)':u='clip(2*(255-val)\\,0\\,255)':v='clip(2*(255-val)\\,0\\,255)'",
  ].join(",");
}

/**
 * Cross-fades (and fades through black) without xfade: ffmpeg 5.1's xfade mixes every frame of both inputs in float C, faded or not.
 * Instead each part of the segment is its own chain (ffmpeg feeds one decoded photo to several chains; the motion
 * is a function of the slide's frame number, so the parts join seamlessly), the overlap is the next photo merged
 * with the previous one's last frames by `maskedmerge` (SIMD) under a uniform mask that falls frame by frame, and
 * concat joins the parts. The mask is a 16×16 frame per level, scaled up (nearest neighbour: exact), and the merge
 * is switched off after the overlap (timeline `enable`: the photo passes through untouched). Measured per overlap
 * frame on 1080p: ~14 M instructions against ~35 M for a falling-alpha `overlay` (alpha plane conversion and
 * `fade` in C). Separate chains rather than `split`: split + concat held ~30 extra frames (+80 MB) per process.
 * A fade through black (cinematic's `fadeblack`) is the same merge under xfade's own weights (see fadeBlackMask),
 * then a second merge towards a held black frame: xfade's float C cost ~2.3 CPU s more per 1080p transition segment
 * here (~47 ms a frame against ~28 ms), a third of a cinematic render.
 * Returns null (use xfade) unless every transition in the segment is a fade or fadeblack that starts inside it and
 * ends its previous piece. The still itself (crop, scale, grade) is made once per photo and split.
 */
export function fadeSplices(
  plan: RenderPlan,
  segment: Segment,
  /** The input label of piece k, and of its pair's second photo (see segmentSources). */
  input: (piece: number, slot?: 0 | 1) => string,
  texts: TextUses,
): string[] | null {
  const pieces = segment.slides;
  if (pieces.length < 2) return null;
  const fades: { frames: number; black: boolean }[] = [];
  for (let k = 1; k < pieces.length; k++) {
    const piece = pieces[k] as SegmentSlide;
    const before = pieces[k - 1] as SegmentSlide;
    const transition = plan.slides[piece.slideIndex - 1]?.transitionOut;
    if (!transition || !SPLICED.has(transition.kind) || transition.frames <= 0) return null;
    const own = piece.localStart - before.localStart;
    if (own <= 0 || before.frames !== own + transition.frames) return null;
    fades.push({ frames: transition.frames, black: transition.kind === "fadeblack" });
  }
  const chains: string[] = [];
  const parts: string[] = [];
  pieces.forEach((piece, k) => {
    const next = pieces[k + 1];
    const own = next ? next.localStart - piece.localStart : piece.frames;
    const main: SegmentSlide = { ...piece, frames: own };
    if (!next) {
      chains.push(pieceChain(plan, main, input(k), `m${k}`, texts, true, input(k, 1)));
    } else {
      // The graded still is made once and shared (one frame through split: nothing piles up).
      const d = (fades[k] as { frames: number }).frames;
      const tail: SegmentSlide = { ...piece, offsetFrames: piece.offsetFrames + own, frames: d };
      chains.push(
        `${stillChain(plan, piece.slideIndex, input(k), texts, `c${k}`, input(k, 1))},split[sm${k}][st${k}]`,
      );
      chains.push(pieceChain(plan, main, `sm${k}`, `m${k}`, texts, false));
      chains.push(pieceChain(plan, tail, `st${k}`, `t${k}`, texts, false));
    }
    if (k === 0) {
      parts.push(`[m${k}]`);
    } else {
      const { frames: d, black } = fades[k - 1] as { frames: number; black: boolean };
      const merged = black ? `fq${k}` : `p${k}`;
      chains.push(`${black ? fadeBlackMask(plan, d, "outgoing") : fadeMask(plan, d)}[a${k}]`);
      chains.push(`[m${k}][t${k - 1}][a${k}]maskedmerge=enable='lt(n,${d})'[${merged}]`);
      if (black) {
        // The long input first: once the merge is switched off it passes through. Black is xfade's: luma 0, under
        // video black (16), so the darkest frames show as black for a moment, as they did with xfade.
        chains.push(`${heldFrame(plan, d, "lutyuv=y=0", 16, "neighbor")}[fb${k}]`);
        chains.push(`${fadeBlackMask(plan, d, "black")}[fw${k}]`);
        chains.push(`[${merged}][fb${k}][fw${k}]maskedmerge=enable='lt(n,${d})'[p${k}]`);
      }
      parts.push(`[p${k}]`);
    }
  });
  chains.push(`${parts.join("")}concat=n=${parts.length}:v=1:a=0[x]`);
  return chains;
}

/** Transitions fadeSplices makes without xfade. */
const SPLICED: ReadonlySet<string> = new Set(["fade", "fadeblack"]);

/**
 * xfade's fadeblack as two maskedmerge masks over `frames` frames (progress p = (frames − n)/frames, falling from 1):
 * the old photo weighs w0 = smoothstep(0.8, 1, p)·p, the new one w1 = (1 − smoothstep(0.2, 1, p))·(1 − p), black the
 * rest. "outgoing" is the old photo's share of the two photos, w0/(w0 + w1), merged first; "black" is black's weight,
 * 1 − w0 − w1, merged over that. Each is a 16×16 frame per level, scaled up (nearest neighbour: exact).
 */
export function fadeBlackMask(plan: RenderPlan, frames: number, weight: "outgoing" | "black"): string {
  const smooth = (slot: number, edge: number) =>
    `st(${slot}\\,clip((ld(0)-${edge})/${num(1 - edge)}\\,0\\,1));st(${slot}\\,ld(${slot})*ld(${slot})*(3-2*ld(${slot})))`;
  const w = [
    `st(0\\,(${frames}-N)/${frames})`,
    smooth(1, 0.8),
    smooth(2, 0.2),
    "st(3\\,ld(1)*ld(0))",
    "st(4\\,(1-ld(2))*(1-ld(0)))",
  ].join(";");
  const level =
    weight === "outgoing" ? `${w};floor(255*ld(3)/(ld(3)+ld(4))+0.5)` : `${w};floor(255*(1-ld(3)-ld(4))+0.5)`;
  return maskSource(plan, frames, level);
}

/** A mask of `frames` frames at the plan's size whose every pixel (all planes) is the geq expression `level`. */
function maskSource(plan: RenderPlan, frames: number, level: string): string {
  return [
    `nullsrc=s=16x16:r=${plan.fps}`,
    "format=yuv420p",
    `trim=end_frame=${frames}`,
    `geq=lum='${level}':cb='${level}':cr='${level}'`,
    `scale=${plan.width}:${plan.height}:flags=neighbor`,
    "setsar=1",
  ].join(",");
}

/**
 * The weight of the outgoing photo over a fade of `frames` frames, as maskedmerge's mask (all planes alike):
 * 255·(frames − n)/frames on frame n, the same ramp as `fade=t=out`: frame 0 is (within one level) the old photo.
 */
export function fadeMask(plan: RenderPlan, frames: number): string {
  const level = `floor(255*(${frames}-N)/${frames}+0.5)`;
  return maskSource(plan, frames, level);
}

/**
 * The chain of one piece, from its input label to [output]: the still (unless the input already is it), looped, moved,
 * letterboxed, with its texts (a card's are overlaid once on the still, see stillChain; a moving photo's on every
 * frame, after the motion, so the caption stays put while the photo moves).
 */
function pieceChain(
  plan: RenderPlan,
  piece: SegmentSlide,
  input: string,
  output: string,
  texts: TextUses,
  withStill = true,
  /** The input label of a pair's second photo. */
  pairInput = "",
): string {
  const slide = plan.slides[piece.slideIndex] as PlannedSlide;
  const filters = [
    "loop=loop=-1:size=1:start=0",
    `trim=end_frame=${piece.frames}`,
    `setpts=N/(${plan.fps}*TB)`,
  ];
  if (isMoving(slide)) filters.push(kenBurns(plan, slide, piece));
  filters.push("setsar=1");
  if (plan.letterboxPx > 0) {
    const b = plan.letterboxPx;
    filters.push(
      `drawbox=x=0:y=0:w=iw:h=${b}:color=black:t=fill`,
      `drawbox=x=0:y=ih-${b}:w=iw:h=${b}:color=black:t=fill`,
    );
  }
  const head = withStill
    ? `${stillChain(plan, piece.slideIndex, input, texts, `c${output}`, pairInput)},`
    : `[${input}]`;
  let chain = `${head}${filters.join(",")}`;
  if (isMoving(slide)) chain = overlayTexts(chain, plan, piece.slideIndex, texts, output);
  return `${chain}[${output}]`;
}

/** The still of a slide from its input label, with a card's texts drawn on it once (no output label: chain on). */
function stillChain(
  plan: RenderPlan,
  slideIndex: number,
  input: string,
  texts: TextUses,
  tag: string,
  /** The input label of a pair's second photo. */
  pairInput = "",
): string {
  const slide = plan.slides[slideIndex] as PlannedSlide;
  const chain = `[${input}]${stillFilters(plan, slide, pairInput).join(",")}`;
  return isMoving(slide) ? chain : overlayTexts(chain, plan, slideIndex, texts, tag);
}

/** Continues `chain` with an overlay of each of the slide's text images; `tag` keeps the labels unique. */
function overlayTexts(
  chain: string,
  plan: RenderPlan,
  slideIndex: number,
  texts: TextUses,
  tag: string,
): string {
  const slide = plan.slides[slideIndex] as PlannedSlide;
  return slide.texts.reduce((acc, text, t) => {
    const under = `${tag}u${t}`;
    return `${acc}[${under}];[${under}][${texts.use(slideIndex, t)}]${overlayText(text)}`;
  }, chain);
}

/**
 * Places a text image: centred across, centred on the block's anchor, kept between its top and bottom limits. The
 * position is worked out once (eval=init); the image is one frame that overlay repeats.
 */
export function overlayText(text: PlannedText): string {
  const y = `max(${text.minTop},min(${text.maxBottom}-h,${text.centerY}-h/2))`;
  return `overlay=x='floor((W-w)/2)':y='floor(${y})':eval=init:format=yuv420`;
}

/**
 * Runs once per piece, before the loop: crop, scale, blur (cards), convert to yuv420p, then grade, dim (cards) and
 * grain in place on that conversion's own frame (see grade.ts).
 */
export function stillFilters(plan: RenderPlan, slide: PlannedSlide, pairInput = ""): string[] {
  if (slide.fit) return [fitStill(plan, slide, slide.fit, pairInput), ...finishStill(plan, 0)];
  const e = extractRect(slide);
  const size = workingSize(plan, slide);
  const filters = [`crop=${e.w}:${e.h}:${e.x}:${e.y}`];
  if (!size.native) filters.push(`scale=${size.width}:${size.height}:flags=lanczos`);
  if (slide.background) filters.push(`gblur=sigma=${num((slide.background.blur * plan.height) / 1080, 2)}`);
  filters.push(...finishStill(plan, slide.background?.dim ?? 0));
  return filters;
}

function finishStill(plan: RenderPlan, dim: number): string[] {
  const filters = ["format=yuv420p", ...gradeFilters(plan.grade, dim)];
  // Grain in the print, not in every frame: it moves with the photo, and x264 need not encode fresh noise 30×/s
  // (per-frame grain made vintage files ~6× bigger and twice as slow to encode).
  if (plan.grain > 0) filters.push(`noise=c0s=${num(plan.grain, 0)}:c0f=u`);
  return filters;
}

/** Divides the canvas for the fill: it is blurred at 1/FILL_DOWNSCALE of the size, then scaled up (it is smooth). */
export const FILL_DOWNSCALE = 8;
const UNGRADED: Grade = { contrast: 1, saturation: 1, brightness: 1, tint: [1, 1, 1], sepia: 0 };

/**
 * The still of a photo shown whole, made once per piece: the decoded photo is split; one copy is cropped to the
 * frame's aspect, shrunk to a small size, blurred and dimmed there (cheap), and scaled up to the canvas; the other
 * is scaled to its place and laid over it. A filter string with its own labels (unique per slide in a segment).
 */
export function fitStill(
  plan: RenderPlan,
  slide: PlannedSlide,
  fit: NonNullable<PlannedSlide["fit"]>,
  /** The input label of the pair's second photo (when the slide has one). */
  pairInput = "",
): string {
  const id = `fit${plan.slides.indexOf(slide)}`;
  const even = (v: number) => Math.max(2, Math.round(v / 2) * 2);
  const crop = evenCrop(fit.fillCrop, slide.sourceWidth, slide.sourceHeight);
  const small = { w: even(fit.canvas.width / FILL_DOWNSCALE), h: even(fit.canvas.height / FILL_DOWNSCALE) };
  const fill = [
    `crop=${crop.w}:${crop.h}:${crop.x}:${crop.y}`,
    `scale=${small.w}:${small.h}:flags=area`,
    "format=yuv420p",
    `gblur=sigma=${num(Math.max(0.5, fit.blur / FILL_DOWNSCALE), 2)}`,
    `scale=${fit.canvas.width}:${fit.canvas.height}:flags=bicubic`,
    ...gradeFilters(UNGRADED, fit.dim),
  ];
  const placed = (rect: Rect) => `scale=${rect.w}:${rect.h}:flags=lanczos,format=yuv420p`;
  const chains = [
    `split[${id}a][${id}b]`,
    `[${id}a]${fill.join(",")}[${id}fill]`,
    `[${id}b]${placed(fit.photo)}[${id}photo]`,
  ];
  if (!fit.pair)
    return [...chains, `[${id}fill][${id}photo]overlay=${fit.photo.x}:${fit.photo.y}:format=yuv420`].join(
      ";",
    );
  if (!pairInput) throw new RangeError(`slide ${id} shows a pair but its second photo has no input`);
  return [
    ...chains,
    `[${pairInput}]${placed(fit.pair.photo)}[${id}pair]`,
    `[${id}fill][${id}photo]overlay=${fit.photo.x}:${fit.photo.y}:format=yuv420[${id}one]`,
    `[${id}one][${id}pair]overlay=${fit.pair.photo.x}:${fit.pair.photo.y}:format=yuv420`,
  ].join(";");
}

/**
 * The Ken Burns motion of one piece as two filters: the still (scaled once so the motion's tightest crop is 1:1) is
 * scaled each frame (bilinear, `eval=frame`) to the size at which this frame's crop is exactly the frame, then the
 * frame is cropped out of it (`exact`: odd offsets too), so each frame is placed to the nearest output pixel and is
 * a downscale by at most 1 + zoom. zoompan, used before, snaps its crop to even pixels of its input and builds a
 * bicubic scaler over a 1.5–2× still every frame. Measured (test/render/ken-burns.integration.test.ts, p95 over a
 * still of dots): error 0.73 px against 1.5–1.75 px, frame-to-frame jump 1.12–1.21 px against 1.03–1.29 px; 150
 * 1080p frames from a 12 MP photo take 0.38 CPU s against 0.55 s (SSIM 0.9967 against a per-frame lanczos render).
 * The crop is a function of the slide's own frame number (`n` + offset): seamless across a segment cut.
 */
export function kenBurns(
  plan: RenderPlan,
  slide: PlannedSlide,
  piece: Pick<SegmentSlide, "offsetFrames">,
): string {
  const k = kenBurnsExpressions(plan, slide, piece);
  return `scale=w='${k.w}':h='${k.h}':eval=frame:flags=bilinear,crop=${plan.width}:${plan.height}:'${k.x}':'${k.y}':exact=1`;
}

/** The scaled still's size and the crop's offset on frame `n` of the piece (ffmpeg expressions in `n`). */
export function kenBurnsExpressions(
  plan: RenderPlan,
  slide: PlannedSlide,
  piece: Pick<SegmentSlide, "offsetFrames">,
): { w: string; h: string; x: string; y: string } {
  const e = extractRect(slide);
  const size = workingSize(plan, slide);
  const kx = size.width / e.w;
  const ky = size.height / e.h;
  const { from, to } = slide.motion;
  const p = `((n+${piece.offsetFrames})/${Math.max(1, slide.frames - 1)})`;
  const lerp = (a: number, b: number, scale: number) =>
    `(${num(a * scale, 4)}+${num((b - a) * scale, 4)}*${p})`;
  // The motion's rects can reach a fraction of a pixel past the whole-pixel cover crop: clamped to the frame.
  const w = `max(${plan.width},floor(${size.width}*${plan.width}/${lerp(from.w, to.w, kx)}+0.5))`;
  const h = `max(${plan.height},floor(${size.height}*${plan.height}/${lerp(from.h, to.h, ky)}+0.5))`;
  const x = `min(${w}-${plan.width},max(0,floor(${lerp(from.x - e.x, to.x - e.x, kx)}*${w}/${size.width}+0.5)))`;
  const y = `min(${h}-${plan.height},max(0,floor(${lerp(from.y - e.y, to.y - e.y, ky)}*${h}/${size.height}+0.5)))`;
  return { w, h, x, y };
}
