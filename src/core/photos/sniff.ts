/**
 * Decides what a file is from its first bytes (magic numbers), never from its name or the platform's mime type.
 * The answer is either a photo format (HEIC included: prebuilt sharp cannot decode its HEVC, so intake decodes it
 * with libheif, see heic.ts), or a short description of what the bytes look like instead ("an HTML page"), for the
 * error sentence.
 */

export type PhotoFormat = "jpeg" | "png" | "webp" | "avif" | "gif" | "tiff" | "heic";

export type SniffResult = { kind: "photo"; format: PhotoFormat } | { kind: "other"; looksLike: string };

// ISO-BMFF brands (ftyp box). AVIF files often also list mif1/miaf, so AVIF brands are checked first.
const AVIF_BRANDS = new Set(["avif", "avis"]);
const HEIC_BRANDS = new Set([
  "heic",
  "heix",
  "hevc",
  "hevx",
  "heim",
  "heis",
  "hevm",
  "hevs",
  "mif1",
  "msf1",
  "mif2",
]);
const VIDEO_BRANDS = new Set([
  "isom",
  "iso2",
  "mp41",
  "mp42",
  "qt  ",
  "M4V ",
  "3gp4",
  "3gp5",
  "avc1",
  "dash",
]);

export function ascii(bytes: Uint8Array, start: number, end: number): string {
  let s = "";
  for (let i = start; i < Math.min(end, bytes.length); i++) s += String.fromCharCode(bytes[i] ?? 0);
  return s;
}

export function startsWith(bytes: Uint8Array, signature: readonly number[], at = 0): boolean {
  if (bytes.length < at + signature.length) return false;
  return signature.every((b, i) => bytes[at + i] === b);
}

export function ftypBrands(bytes: Uint8Array): string[] | null {
  if (bytes.length < 16 || ascii(bytes, 4, 8) !== "ftyp") return null;
  const boxSize =
    ((bytes[0] ?? 0) << 24) | ((bytes[1] ?? 0) << 16) | ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0);
  const end = Math.min(bytes.length, Math.max(boxSize, 16), 256);
  const brands = [ascii(bytes, 8, 12)]; // major brand; bytes 12..16 are the minor version
  for (let at = 16; at + 4 <= end; at += 4) brands.push(ascii(bytes, at, at + 4));
  return brands;
}

function describeText(bytes: Uint8Array): string | null {
  const head = ascii(bytes, 0, 512)
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, "")
    .trimStart()
    .toLowerCase();
  if (
    head.startsWith("<!doctype html") ||
    head.startsWith("<html") ||
    /^<(head|body|meta|title)\b/.test(head)
  )
    return "an HTML page";
  if (head.startsWith("<svg") || (head.startsWith("<?xml") && head.includes("<svg"))) return "an SVG drawing";
  if (head.startsWith("<?xml") || head.startsWith("<")) return "an XML or HTML document";
  if (head.startsWith("{") || head.startsWith("[")) return "JSON data";
  const sample = bytes.subarray(0, 512);
  const printable = sample.filter((b) => b === 9 || b === 10 || b === 13 || (b >= 32 && b !== 127)).length;
  return sample.length > 0 && printable / sample.length > 0.95 ? "a text file" : null;
}

export function sniffPhoto(bytes: Uint8Array): SniffResult {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { kind: "photo", format: "jpeg" };
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return { kind: "photo", format: "png" };
  const head6 = ascii(bytes, 0, 6);
  if (head6 === "GIF87a" || head6 === "GIF89a") return { kind: "photo", format: "gif" };
  if (ascii(bytes, 0, 4) === "RIFF" && ascii(bytes, 8, 12) === "WEBP")
    return { kind: "photo", format: "webp" };
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a]))
    return { kind: "photo", format: "tiff" };

  const brands = ftypBrands(bytes);
  if (brands) {
    if (brands.some((b) => AVIF_BRANDS.has(b))) return { kind: "photo", format: "avif" };
    if (brands.some((b) => HEIC_BRANDS.has(b))) return { kind: "photo", format: "heic" };
    if (brands.some((b) => VIDEO_BRANDS.has(b))) return { kind: "other", looksLike: "a video" };
    return { kind: "other", looksLike: "an ISO media file" };
  }

  if (ascii(bytes, 0, 5) === "%PDF-") return { kind: "other", looksLike: "a PDF document" };
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return { kind: "other", looksLike: "a ZIP archive" };
  if (ascii(bytes, 0, 2) === "BM") return { kind: "other", looksLike: "a BMP image, which is not supported" };
  if (ascii(bytes, 0, 4) === "8BPS") return { kind: "other", looksLike: "a Photoshop file" };
  if (startsWith(bytes, [0xff, 0x0a]) || startsWith(bytes, [0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20]))
    return { kind: "other", looksLike: "a JPEG XL image, which is not supported" };
  return { kind: "other", looksLike: describeText(bytes) ?? "an unknown kind of file" };
}
