import { describe, expect, it } from "vitest";
import { parseExifDateTime, readExifDate } from "../../src/core/photos/exif-date.ts";
import { sniffPhoto } from "../../src/core/photos/index.ts";

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === "string" ? [...Buffer.from(p, "latin1")] : p)));

const ftyp = (major: string, ...compatible: string[]) =>
  bytes([0, 0, 0, 16 + 4 * compatible.length], "ftyp", major, [0, 0, 0, 0], ...compatible, [0, 0, 0, 0]);

describe("sniffPhoto", () => {
  it("knows photo formats by their magic bytes", () => {
    expect(sniffPhoto(bytes([0xff, 0xd8, 0xff, 0xe0]))).toEqual({ kind: "photo", format: "jpeg" });
    expect(sniffPhoto(bytes([0x89], "PNG", [13, 10, 26, 10]))).toEqual({ kind: "photo", format: "png" });
    expect(sniffPhoto(bytes("GIF89a", [1, 0]))).toEqual({ kind: "photo", format: "gif" });
    expect(sniffPhoto(bytes("RIFF", [0, 0, 0, 0], "WEBPVP8 "))).toEqual({ kind: "photo", format: "webp" });
    expect(sniffPhoto(bytes("II", [42, 0, 8, 0]))).toEqual({ kind: "photo", format: "tiff" });
    expect(sniffPhoto(bytes("MM", [0, 42, 0, 0]))).toEqual({ kind: "photo", format: "tiff" });
  });

  it("tells AVIF from HEIC although both are ISO media files", () => {
    expect(sniffPhoto(ftyp("avif", "mif1", "miaf"))).toEqual({ kind: "photo", format: "avif" });
    expect(sniffPhoto(ftyp("mif1", "avif"))).toEqual({ kind: "photo", format: "avif" });
    expect(sniffPhoto(ftyp("heic", "mif1", "heic"))).toEqual({ kind: "photo", format: "heic" });
    expect(sniffPhoto(ftyp("mif1", "heic"))).toEqual({ kind: "photo", format: "heic" });
    expect(sniffPhoto(ftyp("isom", "mp42"))).toEqual({ kind: "other", looksLike: "a video" });
  });

  it("describes what non-photos look like", () => {
    expect(sniffPhoto(bytes("\n  <!doctype html><html>"))).toEqual({
      kind: "other",
      looksLike: "an HTML page",
    });
    expect(sniffPhoto(bytes("%PDF-1.4"))).toEqual({ kind: "other", looksLike: "a PDF document" });
    expect(sniffPhoto(bytes("PK", [3, 4]))).toEqual({ kind: "other", looksLike: "a ZIP archive" });
    expect(sniffPhoto(bytes('{"ok":false}'))).toEqual({ kind: "other", looksLike: "JSON data" });
    expect(sniffPhoto(bytes("just some words"))).toEqual({ kind: "other", looksLike: "a text file" });
    expect(sniffPhoto(bytes([0, 1, 2, 3, 200, 201]))).toEqual({
      kind: "other",
      looksLike: "an unknown kind of file",
    });
  });
});

describe("parseExifDateTime", () => {
  it("reads the EXIF format as floating wall-clock time", () => {
    expect(parseExifDateTime("2024:12:31 23:59:58")?.toISOString()).toBe("2024-12-31T23:59:58.000Z");
  });

  it("ignores blank and impossible dates that cameras write", () => {
    expect(parseExifDateTime("0000:00:00 00:00:00")).toBeNull();
    expect(parseExifDateTime("    :  :     :  :  ")).toBeNull();
    expect(parseExifDateTime("2025:02:30 10:00:00")).toBeNull();
    expect(parseExifDateTime(null)).toBeNull();
  });
});

/** A minimal big-endian ("MM", as iPhones write it) EXIF block: IFD0 → Exif IFD → DateTimeOriginal. */
function bigEndianExif(dateTime: string): Buffer {
  const tiff = Buffer.alloc(64 + dateTime.length + 1);
  tiff.write("MM", 0, "latin1");
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4); // IFD0 at 8
  tiff.writeUInt16BE(1, 8); // one entry
  tiff.writeUInt16BE(0x8769, 10); // Exif IFD pointer, LONG, count 1, value 26
  tiff.writeUInt16BE(4, 12);
  tiff.writeUInt32BE(1, 14);
  tiff.writeUInt32BE(26, 18);
  tiff.writeUInt32BE(0, 22); // no next IFD
  tiff.writeUInt16BE(1, 26); // Exif IFD: one entry
  tiff.writeUInt16BE(0x9003, 28); // DateTimeOriginal, ASCII, count 20, at 44
  tiff.writeUInt16BE(2, 30);
  tiff.writeUInt32BE(dateTime.length + 1, 32);
  tiff.writeUInt32BE(44, 36);
  tiff.writeUInt32BE(0, 40);
  tiff.write(dateTime, 44, "latin1");
  return Buffer.concat([Buffer.from("Exif\0\0", "latin1"), tiff]);
}

describe("readExifDate", () => {
  it("reads big-endian EXIF as iPhones write it", () => {
    expect(readExifDate(bigEndianExif("2025:07:14 10:11:12"))?.toISOString()).toBe(
      "2025-07-14T10:11:12.000Z",
    );
  });

  it("returns null for missing, cut or nonsense EXIF instead of throwing", () => {
    const good = bigEndianExif("2025:07:14 10:11:12");
    expect(readExifDate(undefined)).toBeNull();
    expect(readExifDate(good.subarray(0, 40))).toBeNull();
    expect(readExifDate(Buffer.from("Exif\0\0garbage-garbage-garbage", "latin1"))).toBeNull();
  });
});
