/**
 * Draws a text block (a title with its subtitle, a caption) as one small RGBA PNG with sharp's text (Pango + HarfBuzz
 * + FriBidi: Arabic and Hebrew right to left, Devanagari conjuncts, CJK, colour emoji, mixed scripts, each from the
 * Noto family that has it). ffmpeg overlays the image; nothing is rasterised per frame. Text is escaped for Pango
 * markup, so a title like `<b>&` is drawn as typed and no markup from a user reaches Pango.
 */
import type sharp from "sharp";
import { loadSharp } from "../photos/sharp.ts";
import { faceKey, type ResolvedFace } from "./fonts.ts";
import type { FontFace, PlannedText, PlannedTextRun } from "./types.ts";

/** Pango markup escaping: the three characters markup gives meaning to in text. */
export function escapeMarkup(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Letter spacing only where letters stand apart: spacing Arabic or Devanagari would break their joins. */
const SPACEABLE =
  /^[\p{Script=Latin}\p{Script=Greek}\p{Script=Cyrillic}\p{Script=Common}\p{Script=Inherited}]*$/u;

interface Raster {
  data: Buffer;
  width: number;
  height: number;
}

const registered = new Set<string>();

/**
 * Makes Pango see each font file once per process (sharp's `fontfile` adds it to fontconfig's application fonts), so
 * faces found outside fontconfig's own folders are used too.
 */
async function register(fonts: Map<string, ResolvedFace>): Promise<void> {
  const sharp = await loadSharp();
  for (const { face, file } of fonts.values()) {
    if (registered.has(file)) continue;
    await sharp({ text: { text: ".", font: fontDescription(face, 12), fontfile: file } })
      .raw()
      .toBuffer();
    registered.add(file);
  }
}

export function fontDescription(face: FontFace, sizePx: number): string {
  const styleWords = `${face.bold ? "Bold " : ""}${face.italic ? "Italic " : ""}`;
  // The trailing comma ends the family list, so "Display" or "JP" is never read as a style word.
  return `${face.family}, ${styleWords}${Math.max(1, Math.round(sizePx))}`;
}

/** Wide enough that a run (at most a few hundred characters, see plan.ts) never wraps. */
const ONE_LINE = 100_000;

async function drawRun(run: PlannedTextRun, sizePx: number, maxWidthPx: number): Promise<Raster> {
  const sharp = await loadSharp();
  const { text } = run;
  const spacing =
    run.letterSpacingPx > 0 && SPACEABLE.test(text)
      ? ` letter_spacing="${Math.round((run.letterSpacingPx * sizePx * 1024) / run.sizePx)}"`
      : "";
  const { data, info } = await sharp({
    text: {
      text: `<span foreground="${run.color}"${spacing}>${escapeMarkup(text)}</span>`,
      font: fontDescription(run.font, sizePx),
      // dpi 72: one point is one pixel, so sizes are pixels of the video frame.
      dpi: 72,
      rgba: true,
      width: Math.max(1, Math.floor(maxWidthPx)),
      align: "centre",
      wrap: "word-char",
    },
  })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/**
 * One run at its planned size, or smaller until it fits in its lines. A line's height is the whole run drawn on one
 * line, so a line with emoji or CJK (taller fallback fonts) counts as one line, not one and a half.
 */
async function fitRun(run: PlannedTextRun, maxWidthPx: number): Promise<Raster> {
  let size = run.sizePx;
  for (let attempt = 0; ; attempt++) {
    const raster = await drawRun(run, size, maxWidthPx);
    const line = (await drawRun(run, size, ONE_LINE)).height;
    const lines = raster.height / Math.max(1, line);
    if (lines <= run.maxLines + 0.25 || attempt >= 4) return capHeight(raster, line * run.maxLines);
    size *= Math.max(0.6, Math.sqrt(run.maxLines / lines));
  }
}

/** Scales a raster down (never up) so it is at most maxHeight tall. */
async function capHeight(raster: Raster, maxHeight: number): Promise<Raster> {
  const sharp = await loadSharp();
  if (raster.height <= maxHeight + 1) return raster;
  const scale = maxHeight / raster.height;
  const width = Math.max(1, Math.round(raster.width * scale));
  const height = Math.max(1, Math.floor(maxHeight));
  const data = await sharp(raster.data, { raw: { width: raster.width, height: raster.height, channels: 4 } })
    .resize(width, height, { fit: "fill" })
    .raw()
    .toBuffer();
  return { data, width, height };
}

async function stack(rasters: Raster[], gapPx: number): Promise<Raster> {
  const sharp = await loadSharp();
  const width = Math.max(...rasters.map((r) => r.width));
  const height = rasters.reduce((sum, r) => sum + r.height, 0) + gapPx * (rasters.length - 1);
  let top = 0;
  const layers = rasters.map((r) => {
    const layer = {
      input: r.data,
      raw: { width: r.width, height: r.height, channels: 4 as const },
      left: Math.floor((width - r.width) / 2),
      top,
    };
    top += r.height + gapPx;
    return layer;
  });
  const data = await sharp({
    create: { width, height, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } },
  })
    .composite(layers)
    .raw()
    .toBuffer();
  return { data, width, height };
}

/** The block's text, shadow and box as a PNG. `fonts` comes from resolvePlanFonts. */
export async function renderTextImage(block: PlannedText, fonts: Map<string, ResolvedFace>): Promise<Buffer> {
  const sharp = await loadSharp();
  for (const run of block.runs) {
    if (!fonts.has(faceKey(run.font))) throw new Error(`font ${run.font.family} was not resolved`);
  }
  await register(fonts);
  const runs = block.runs.filter((r) => r.text !== "");
  if (runs.length === 0) throw new Error("a text block needs text");
  const content = await capHeight(
    await stack(await Promise.all(runs.map((r) => fitRun(r, block.maxWidthPx))), block.gapPx),
    block.maxHeightPx,
  );

  // The image reaches as far as its widest layer: the shadow's blur, the box's padding, the scrim's feathered edge.
  const shadowPad = block.shadow ? Math.ceil(block.shadow.blurPx * 2.5 + block.shadow.offsetPx) : 0;
  const boxPad = block.box?.paddingPx ?? 0;
  const scrim = block.scrim;
  const feather = scrim ? Math.ceil(scrim.featherPx * 2.5) : 0;
  const marginX = Math.max(shadowPad + boxPad, scrim ? scrim.padXPx + feather : 0);
  const marginY = Math.max(shadowPad + boxPad, scrim ? scrim.padYPx + feather : 0);
  const width = content.width + 2 * marginX;
  const height = content.height + 2 * marginY;
  const layers: sharp.OverlayOptions[] = [];
  if (scrim) layers.push(await scrimLayer(content, scrim, width, height));
  if (block.box) {
    const w = content.width + 2 * boxPad;
    const h = content.height + 2 * boxPad;
    const r = Math.round(boxPad * 0.6);
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="${w}" height="${h}" rx="${r}" fill="${block.box.color}" fill-opacity="${block.box.opacity}"/></svg>`;
    layers.push({ input: Buffer.from(svg), left: marginX - boxPad, top: marginY - boxPad });
  }
  if (block.shadow)
    layers.push(await shadowLayer(content, block.shadow, { x: marginX, y: marginY }, width, height));
  layers.push({
    input: content.data,
    raw: { width: content.width, height: content.height, channels: 4 },
    left: marginX,
    top: marginY,
  });
  return sharp({ create: { width, height, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
    .composite(layers)
    .png({ compressionLevel: 3 })
    .toBuffer();
}

/**
 * A pill around the text's box, padded and then blurred, so its edge fades out over a few feather widths and no
 * border shows: under the text it is the scrim's full opacity, whatever the photo behind.
 */
async function scrimLayer(
  content: Raster,
  scrim: NonNullable<PlannedText["scrim"]>,
  width: number,
  height: number,
): Promise<sharp.OverlayOptions> {
  const sharp = await loadSharp();
  const w = content.width + 2 * scrim.padXPx;
  const h = content.height + 2 * scrim.padYPx;
  const x = (width - w) / 2;
  const y = (height - h) / 2;
  const r = Math.min(h / 2, scrim.padYPx * 2);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect x="${x}" y="${y}" width="${w}" height="${h}" rx="${r}" fill="#fff"/></svg>`;
  const alpha = await sharp(Buffer.from(svg))
    .extractChannel(3)
    .blur(Math.max(0.3, scrim.featherPx))
    .linear(scrim.opacity, 0)
    .raw()
    .toBuffer();
  const tinted = await sharp({ create: { width, height, channels: 3, background: scrim.color } })
    .joinChannel(alpha, { raw: { width, height, channels: 1 } })
    .raw()
    .toBuffer();
  return { input: tinted, raw: { width, height, channels: 4 }, left: 0, top: 0 };
}

/**
 * The text's shape, blurred, spread (thin strokes would blur to nothing) and tinted: a soft shadow that keeps a
 * caption readable on a bright sky without the box of a TV subtitle.
 */
async function shadowLayer(
  content: Raster,
  shadow: NonNullable<PlannedText["shadow"]>,
  margin: { x: number; y: number },
  width: number,
  height: number,
): Promise<sharp.OverlayOptions> {
  const sharp = await loadSharp();
  const offset = Math.min(shadow.offsetPx, margin.x, margin.y);
  const alpha = await sharp(content.data, {
    raw: { width: content.width, height: content.height, channels: 4 },
  })
    .extractChannel(3)
    .extend({
      top: margin.y + offset,
      left: margin.x + offset,
      bottom: margin.y - offset,
      right: margin.x - offset,
      background: { r: 0, g: 0, b: 0, alpha: 0 },
    })
    .blur(Math.max(0.3, shadow.blurPx))
    .raw()
    .toBuffer();
  const spread = 2.2;
  for (let i = 0; i < alpha.length; i++) alpha[i] = Math.min(255, (alpha[i] ?? 0) * spread) * shadow.opacity;
  const tinted = await sharp({ create: { width, height, channels: 3, background: shadow.color } })
    .joinChannel(alpha, { raw: { width, height, channels: 1 } })
    .raw()
    .toBuffer();
  return { input: tinted, raw: { width, height, channels: 4 }, left: 0, top: 0 };
}
