/**
 * Reads when a photo was taken from its raw EXIF block (as sharp's `metadata().exif` returns it): DateTimeOriginal,
 * else DateTimeDigitized. Not DateTime (IFD0), which editors rewrite on every save.
 *
 * EXIF times are wall-clock times without a zone. They are returned as a Date whose UTC fields equal the wall clock
 * ("floating" time): 14 July 10:00 on the camera is 2025-07-14T10:00:00Z here. Titles and ordering read them in UTC,
 * so a photo never moves to another day because of the server's time zone.
 */

const EXIF_IFD_POINTER = 0x8769;
const DATE_TIME_ORIGINAL = 0x9003;
const DATE_TIME_DIGITIZED = 0x9004;
const TYPE_ASCII = 2;

export function readExifDate(exif: Uint8Array | undefined): Date | null {
  if (!exif || exif.length < 14) return null;
  const view = new DataView(exif.buffer, exif.byteOffset, exif.byteLength);
  // sharp hands over the APP1 payload, which starts with "Exif\0\0"; tolerate a bare TIFF header too.
  const tiff = exif[0] === 0x45 && exif[1] === 0x78 ? 6 : 0;
  if (tiff + 8 > exif.length) return null;
  const order = view.getUint16(tiff);
  if (order !== 0x4949 && order !== 0x4d4d) return null;
  const little = order === 0x4949;

  const u16 = (at: number): number | null => (at + 2 <= exif.length ? view.getUint16(at, little) : null);
  const u32 = (at: number): number | null => (at + 4 <= exif.length ? view.getUint32(at, little) : null);

  /** Entries of the IFD at `offset` (relative to the TIFF header), as tag → absolute entry position. */
  const readIfd = (offset: number | null): Map<number, number> => {
    const entries = new Map<number, number>();
    if (offset === null) return entries;
    const start = tiff + offset;
    const count = u16(start);
    if (count === null || count > 1000) return entries;
    for (let i = 0; i < count; i++) {
      const entry = start + 2 + i * 12;
      const tag = u16(entry);
      if (tag === null || entry + 12 > exif.length) break;
      entries.set(tag, entry);
    }
    return entries;
  };

  const readAscii = (entry: number | undefined): string | null => {
    if (entry === undefined || u16(entry + 2) !== TYPE_ASCII) return null;
    const count = u32(entry + 4) ?? 0;
    const at = count <= 4 ? entry + 8 : tiff + (u32(entry + 8) ?? exif.length);
    if (count === 0 || at + count > exif.length) return null;
    let s = "";
    for (let i = 0; i < count; i++) {
      const c = exif[at + i] ?? 0;
      if (c === 0) break;
      s += String.fromCharCode(c);
    }
    return s;
  };

  const ifd0 = readIfd(u32(tiff + 4));
  const pointer = ifd0.get(EXIF_IFD_POINTER);
  if (pointer === undefined) return null;
  const exifIfd = readIfd(u32(pointer + 8));
  return (
    parseExifDateTime(readAscii(exifIfd.get(DATE_TIME_ORIGINAL))) ??
    parseExifDateTime(readAscii(exifIfd.get(DATE_TIME_DIGITIZED)))
  );
}

/** "2025:07:14 10:11:12" → Date (floating, see above); blank or impossible values ("0000:00:00 …") → null. */
export function parseExifDateTime(value: string | null): Date | null {
  const m = value?.trim().match(/^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})/);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (
    year < 1900 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 31 ||
    hour > 23 ||
    minute > 59 ||
    second > 60
  )
    return null;
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, Math.min(second, 59)));
  return date.getUTCDate() === day ? date : null;
}
