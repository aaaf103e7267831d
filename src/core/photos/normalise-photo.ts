/**
 * Photo intake: untrusted bytes in, a normalised JPEG out (upright, sRGB, no alpha, no metadata at all, long side
 * capped), or a PhotoMemoryError whose message is one sentence a chat user can act on.
 *
 * Order matters for safety and speed: size cap → magic-byte sniff → header read with the pixel limit (no decode) →
 * EXIF date read → one decode pipeline (shrink-on-load, sequential read) → faces on a small copy (faces.ts), and
 * sharp's attention point only when there is no face.
 * HEIC (iPhones) is decoded to pixels by libheif first (heic.ts), upright already, then goes through the same pipeline.
 */
import { createHash } from "node:crypto";
import type sharp from "sharp";
import { isPhotoMemoryError, PhotoMemoryError } from "../errors.ts";
import { readExifDate } from "./exif-date.ts";
import { detectFaces, type FaceBox } from "./faces.ts";
import { type Focus, findFocus } from "./focus.ts";
import { decodeHeic } from "./heic.ts";
import { measureQuality, type PhotoQuality } from "./quality.ts";
import { loadSharp } from "./sharp.ts";
import { type PhotoFormat, sniffPhoto } from "./sniff.ts";

export interface NormalisePhotoOptions {
  /** Longest side of the output in pixels; smaller photos are never enlarged. Default 3072 (headroom for 1080p zooms). */
  maxLongSide?: number;
  /** Largest accepted width × height, checked from the header before decoding. Default 100 MP. */
  maxPixels?: number;
  /** Largest accepted file. Default 50 MB. */
  maxBytes?: number;
  /** How the photo is named in error sentences ("IMG_0042.jpg"). Default "This file". */
  name?: string;
}

export interface NormalisedPhoto {
  /** Baseline JPEG, sRGB, quality 88, without EXIF, GPS, ICC or XMP. */
  jpeg: Buffer;
  width: number;
  height: number;
  /** EXIF DateTimeOriginal as floating wall-clock time (see exif-date.ts), or null. */
  takenAt: Date | null;
  /**
   * SHA-256 (hex) of the ORIGINAL bytes. Chosen over a hash of the output because it is known before any decoding
   * (a re-sent file is recognised for free) and does not change when sharp/libvips is upgraded and re-encodes
   * differently. It dedupes exact re-sends, which is what chats produce; it does not detect re-compressed copies.
   */
  sha256: string;
  /** The format the original was in, from its magic bytes. */
  format: PhotoFormat;
  /** Where the subject is (0..1 of width/height): the centre of the faces, else sharp's attention point. */
  focus: Focus;
  /** Faces found (0..1 of width/height), most confident first; null when the detector could not run. */
  faces: FaceBox[] | null;
  /** Curation metrics (near-duplicate hash, sharpness, exposure); null when they could not be measured. */
  quality: PhotoQuality | null;
}

export const PHOTO_DEFAULTS = {
  maxLongSide: 3072,
  maxPixels: 100_000_000,
  maxBytes: 50 * 1000 * 1000,
} as const;

const JPEG_QUALITY = 88;
/**
 * Standard Huffman tables instead of optimised ones: measured on a 12 MP photo → 3072 px, the optimising second
 * pass is ~12 % of normalisation's instructions for a ~3 % smaller file. Photos are stored once and decoded at
 * every render, so the cheaper intake wins.
 */
const JPEG_OPTIMISE_CODING = false;

export async function normalisePhoto(
  bytes: Uint8Array,
  options: NormalisePhotoOptions = {},
): Promise<NormalisedPhoto> {
  const sharp = await loadSharp();
  const name = options.name ?? "This file";
  const maxLongSide = options.maxLongSide ?? PHOTO_DEFAULTS.maxLongSide;
  const maxPixels = options.maxPixels ?? PHOTO_DEFAULTS.maxPixels;
  const maxBytes = options.maxBytes ?? PHOTO_DEFAULTS.maxBytes;

  if (bytes.length === 0) throw new PhotoMemoryError("photo.empty", `${name} is empty (0 bytes).`);
  if (bytes.length > maxBytes)
    throw new PhotoMemoryError(
      "photo.too_large",
      `${name} is ${megabytes(bytes.length)} MB; photos can be at most ${megabytes(maxBytes)} MB.`,
    );

  const sniffed = sniffPhoto(bytes);
  if (sniffed.kind === "other")
    throw new PhotoMemoryError(
      "photo.not_image",
      `${name} is not a photo (it looks like ${sniffed.looksLike}).`,
    );

  // The same limits go to every sharp instance: limitInputPixels is per instance (lovell/sharp#3045).
  // failOn 'error' rejects truncated and corrupt data but tolerates the harmless warnings many phone JPEGs carry.
  const input = Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sharpOptions = {
    failOn: "error",
    limitInputPixels: maxPixels,
    sequentialRead: true,
    pages: 1, // GIF, WebP, TIFF: first frame only
  } as const;

  // The header is read without sharp's own limit so the error can name the size; nothing is decoded here, and
  // the decode below enforces the limit again.
  let header: sharp.Metadata;
  try {
    header = await sharp(input, { ...sharpOptions, limitInputPixels: false }).metadata();
  } catch (error) {
    throw decodeError(name, error, maxPixels);
  }
  const headerPixels = (header.width ?? 0) * (header.pageHeight ?? header.height ?? 0);
  if (headerPixels > maxPixels) throw tooManyPixels(name, header.width ?? 0, header.height ?? 0, maxPixels);

  const takenAt = readExifDate(header.exif);

  let output: { data: Buffer; info: sharp.OutputInfo };
  try {
    // rotate() = autoOrient from EXIF; it has to happen here because the output carries no metadata at all
    // (sharp drops EXIF, GPS, XMP and ICC unless told to keep them).
    const source =
      sniffed.format === "heic" ? await heicPixels(input, name) : sharp(input, sharpOptions).rotate();
    const pipeline = source.resize(maxLongSide, maxLongSide, { fit: "inside", withoutEnlargement: true });
    output = await pipeline
      .flatten({ background: "#ffffff" })
      .toColourspace("srgb") // ICC-aware: CMYK and embedded profiles are converted, greyscale becomes 3 channels
      .jpeg({ quality: JPEG_QUALITY, optimiseCoding: JPEG_OPTIMISE_CODING })
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw decodeError(name, error, maxPixels);
  }

  // A detector that cannot run costs the photo its faces, not its place in the memory.
  const faces = await detectFaces(output.data).catch(() => null);
  const quality = await measureQuality(output.data).catch(() => null);
  return {
    jpeg: output.data,
    width: output.info.width,
    height: output.info.height,
    takenAt,
    sha256: createHash("sha256").update(bytes).digest("hex"),
    format: sniffed.format,
    focus: faces && faces.length > 0 ? facesCentre(faces) : await findFocus(output.data),
    faces,
    quality,
  };
}

/** The centre of the box around every face. */
function facesCentre(faces: FaceBox[]): Focus {
  const left = Math.min(...faces.map((f) => f.x));
  const top = Math.min(...faces.map((f) => f.y));
  const right = Math.max(...faces.map((f) => f.x + f.w));
  const bottom = Math.max(...faces.map((f) => f.y + f.h));
  return { x: (left + right) / 2, y: (top + bottom) / 2 };
}

/**
 * A HEIC photo as a sharp pipeline over its upright RGBA pixels. Not rotated again: libheif has applied the file's
 * rotation, and the EXIF Orientation iPhones also write describes that same rotation (see heic.ts).
 */
async function heicPixels(input: Buffer, name: string): Promise<sharp.Sharp> {
  const sharp = await loadSharp();
  let decoded: Awaited<ReturnType<typeof decodeHeic>>;
  try {
    decoded = await decodeHeic(input);
  } catch (error) {
    throw new PhotoMemoryError(
      "photo.truncated",
      `${name} is a HEIC photo that cannot be read (damaged, cut off or in a variant not supported); send the original again or as JPEG.`,
      { cause: error },
    );
  }
  return sharp(decoded.data, { raw: { width: decoded.width, height: decoded.height, channels: 4 } });
}

function tooManyPixels(name: string, width: number, height: number, maxPixels: number): PhotoMemoryError {
  const size = width > 0 && height > 0 ? `${width}×${height} pixels` : "too many pixels";
  return new PhotoMemoryError(
    "photo.too_many_pixels",
    `${name} has ${size}; photos can have at most ${Math.round(maxPixels / 1e6)} megapixels.`,
  );
}

function decodeError(name: string, error: unknown, maxPixels: number): PhotoMemoryError {
  if (isPhotoMemoryError(error)) return error; // already says what went wrong (an unreadable HEIC)
  const message = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(message)) {
    const err = tooManyPixels(name, 0, 0, maxPixels);
    return new PhotoMemoryError(err.code, err.message, { cause: error });
  }
  return new PhotoMemoryError(
    "photo.truncated",
    `${name} is damaged or cut off, so it cannot be read; send the original again.`,
    { cause: error },
  );
}

function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(bytes < 10e6 ? 1 : 0);
}
