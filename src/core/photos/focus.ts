/**
 * Where the subject of a photo is, as fractions of its width and height, so Ken Burns motion and cover crops keep
 * faces and subjects in frame. Uses sharp's attention strategy (luminance frequency, saturation, skin tones).
 */
import { loadSharp } from "./sharp.ts";

export interface Focus {
  x: number;
  y: number;
}

export const CENTRE: Focus = { x: 0.5, y: 0.5 };

/** Side of the preview the attention strategy looks at: enough detail, a few milliseconds. */
const PREVIEW = 256;

/**
 * `jpeg` is an already normalised photo (upright, sRGB). The preview is made first and the square crop runs on it
 * without further scaling, because sharp reports attentionX/Y wrongly when the crop also resizes (lovell/sharp#3675).
 */
export async function findFocus(jpeg: Uint8Array): Promise<Focus> {
  const sharp = await loadSharp();
  try {
    const preview = await sharp(jpeg)
      .resize(PREVIEW, PREVIEW, { fit: "inside", withoutEnlargement: true })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const { width, height, channels } = preview.info;
    if (width === height) return CENTRE; // nothing to crop, nothing to learn
    const side = Math.min(width, height);
    const { info } = await sharp(preview.data, { raw: { width, height, channels } })
      .resize(side, side, { fit: "cover", position: sharp.strategy.attention })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const { attentionX, attentionY } = info as typeof info & { attentionX?: number; attentionY?: number };
    // libvips reports (0, 0) when nothing stands out (a flat image): treat it as "no opinion".
    if (attentionX === undefined || attentionY === undefined || (attentionX === 0 && attentionY === 0))
      return CENTRE;
    return { x: clamp01(attentionX / width), y: clamp01(attentionY / height) };
  } catch {
    return CENTRE;
  }
}

function clamp01(n: number): number {
  return Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0.5;
}
