/** A small square preview of a stored (already normalised) photo, for pages that list photos. */
import { loadSharp } from "./sharp.ts";

export const THUMBNAIL_SIDE = 160;

export async function makeThumbnail(jpeg: Uint8Array): Promise<Buffer> {
  const sharp = await loadSharp();
  return sharp(jpeg)
    .resize(THUMBNAIL_SIDE, THUMBNAIL_SIDE, { fit: "cover", position: sharp.strategy.attention })
    .jpeg({ quality: 75 })
    .toBuffer();
}
