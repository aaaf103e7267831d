/**
 * What curation needs to know about a photo, measured once at intake on a small greyscale copy (a few ms) and
 * stored with it, so choosing the photos of a memory never decodes an image:
 * - `dhash`: a 64-bit difference hash (9×8 greyscale, each pixel against its right neighbour), 16 hex digits;
 *   near-duplicates (a burst, the same shot re-compressed) differ in a few bits.
 * - `sharpness`: variance of the Laplacian on a copy 256 px on its long side; a blurred photo has few edges.
 * - `brightness`: mean luminance 0..1, and `clipped`: share of pixels crushed to black or blown to white.
 */
import { loadSharp } from "./sharp.ts";

export interface PhotoQuality {
  dhash: string;
  sharpness: number;
  brightness: number;
  clipped: number;
}

const SIDE = 256;
const LAPLACIAN = { width: 3, height: 3, kernel: [0, 1, 0, 1, -4, 1, 0, 1, 0], scale: 1, offset: 128 };

export async function measureQuality(jpeg: Uint8Array): Promise<PhotoQuality> {
  const sharp = await loadSharp();
  const grey = await sharp(jpeg)
    .resize(SIDE, SIDE, { fit: "inside", withoutEnlargement: true })
    .toColourspace("b-w") // one channel: sharp writes raw output as sRGB unless told otherwise
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height, channels } = grey.info;
  if (channels !== 1) throw new Error(`expected one channel, got ${channels}`);
  const pixels = grey.data;

  const [hashPixels, laplacian] = await Promise.all([
    sharp(pixels, { raw: { width, height, channels: 1 } })
      .resize(9, 8, { fit: "fill" })
      .toColourspace("b-w")
      .raw()
      .toBuffer(),
    // Offset 128 keeps negative responses (the kernel sums to 0, so a flat area gives 128).
    sharp(pixels, { raw: { width, height, channels: 1 } })
      .convolve(LAPLACIAN)
      .toColourspace("b-w")
      .raw()
      .toBuffer(),
  ]);

  let bits = 0n;
  for (let y = 0; y < 8; y++)
    for (let x = 0; x < 8; x++)
      bits = (bits << 1n) | ((hashPixels[y * 9 + x] ?? 0) > (hashPixels[y * 9 + x + 1] ?? 0) ? 1n : 0n);

  // The border rows and columns see the kernel's edge handling, not the photo: left out.
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y++)
    for (let x = 1; x < width - 1; x++) {
      const v = (laplacian[y * width + x] ?? 128) - 128;
      sum += v;
      sumSq += v * v;
      n++;
    }
  const mean = n > 0 ? sum / n : 0;

  let total = 0;
  let clipped = 0;
  for (const p of pixels) {
    total += p;
    if (p <= 8 || p >= 247) clipped++;
  }
  return {
    dhash: bits.toString(16).padStart(16, "0"),
    sharpness: n > 0 ? Math.max(0, sumSq / n - mean * mean) : 0,
    brightness: pixels.length > 0 ? total / pixels.length / 255 : 0.5,
    clipped: pixels.length > 0 ? clipped / pixels.length : 0,
  };
}

/** Number of bits in which two dHashes differ (0..64). */
export function hashDistance(a: string, b: string): number {
  let x = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let count = 0;
  while (x > 0n) {
    x &= x - 1n;
    count++;
  }
  return count;
}
