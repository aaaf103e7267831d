/**
 * Magic-byte checks on downloaded bytes. Platforms can answer 200 with something that is not the file (Slack serves an
 * HTML sign-in page when the `files:read` scope or the token is missing), so the status code alone proves nothing.
 */
export type ImageKind = "jpeg" | "png" | "gif" | "webp" | "heif" | "avif" | "tiff" | "bmp";

export function sniffImage(bytes: Uint8Array): ImageKind | null {
  const b = bytes;
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "jpeg";
  if (b.length >= 8 && b[0] === 0x89 && ascii(b, 1, 3) === "PNG") return "png";
  if (b.length >= 6 && (ascii(b, 0, 6) === "GIF87a" || ascii(b, 0, 6) === "GIF89a")) return "gif";
  if (b.length >= 12 && ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 4) === "WEBP") return "webp";
  if (b.length >= 12 && ascii(b, 4, 4) === "ftyp") {
    const brand = ascii(b, 8, 4);
    if (brand === "avif" || brand === "avis") return "avif";
    if (["heic", "heix", "hevc", "heim", "heis", "mif1", "msf1"].includes(brand)) return "heif";
  }
  if (b.length >= 4 && (ascii(b, 0, 4) === "II*\0" || ascii(b, 0, 4) === "MM\0*")) return "tiff";
  if (b.length >= 2 && ascii(b, 0, 2) === "BM") return "bmp";
  return null;
}

/** True when the bytes look like an HTML or XML document (a sign-in page, an error page). */
export function looksLikeHtml(bytes: Uint8Array, contentType?: string | null): boolean {
  if (contentType && /^\s*(text\/html|application\/xhtml)/i.test(contentType)) return true;
  const head = new TextDecoder("utf-8", { fatal: false })
    .decode(bytes.subarray(0, 512))
    .replace(/^\uFEFF/, "")
    .trimStart()
    .toLowerCase();
  return (
    head.startsWith("<!doctype html") ||
    head.startsWith("<html") ||
    head.startsWith("<head") ||
    head.startsWith("<?xml")
  );
}

function ascii(b: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...b.subarray(start, start + length));
}
