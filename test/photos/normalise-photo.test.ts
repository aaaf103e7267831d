import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import type { FaceBox } from "../../src/core/domain.ts";
import { isPhotoMemoryError } from "../../src/core/errors.ts";
import { closeFaceDetector, normalisePhoto } from "../../src/core/photos/index.ts";
import {
  HTML_LOGIN_PAGE,
  heicHeader,
  jpegWithExif,
  meanColour,
  noise,
  noisyJpeg,
  pngClaiming,
  solid,
} from "../fixtures/generate-photos.ts";
import { iphoneHeic } from "../fixtures/iphone-heic.ts";

/** A public-domain NASA portrait (see test/fixtures/faces/README.md). */
const ASTRONAUT = fileURLToPath(new URL("../fixtures/faces/astronaut.jpg", import.meta.url));

afterAll(closeFaceDetector);

async function rejection(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isPhotoMemoryError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("expected the photo to be rejected");
}

describe("normalisePhoto: photos that work", () => {
  it("decodes an iPhone HEIC upright (irot applied once, EXIF Orientation 6 not again) with its capture date", async () => {
    const heic = await iphoneHeic({ width: 48, height: 64, dateTimeOriginal: "2025:07:14 10:11:12" });
    const photo = await normalisePhoto(heic, { name: "IMG_0001.HEIC" });
    expect(photo.format).toBe("heic");
    expect([photo.width, photo.height]).toEqual([48, 64]);
    expect(photo.takenAt?.toISOString()).toBe("2025-07-14T10:11:12.000Z");
    const meta = await sharp(photo.jpeg).metadata();
    expect([meta.format, meta.width, meta.height, meta.exif]).toEqual(["jpeg", 48, 64, undefined]);
    // Upright, the top half is red and the bottom half blue.
    const band = async (top: number) =>
      meanColour(await sharp(photo.jpeg).extract({ left: 0, top, width: 48, height: 16 }).png().toBuffer());
    const [tr, , tb] = await band(4);
    const [br, , bb] = await band(44);
    expect(tr).toBeGreaterThan(150);
    expect(tb).toBeLessThan(90);
    expect(br).toBeLessThan(90);
    expect(bb).toBeGreaterThan(150);
  });

  it("turns an EXIF orientation 6 photo upright (width and height swap)", async () => {
    const bytes = await jpegWithExif(solid(80, 40, "#336699"), { orientation: 6 });
    const photo = await normalisePhoto(bytes);
    expect([photo.width, photo.height]).toEqual([40, 80]);
    const meta = await sharp(photo.jpeg).metadata();
    expect([meta.width, meta.height]).toEqual([40, 80]);
    expect(meta.orientation ?? 1).toBe(1);
  });

  it("shows every EXIF orientation (1–8) the right way up", async () => {
    // A 60×40 grey picture with a blue mark in its stored top-left corner. EXIF says where that corner belongs.
    const width = 60;
    const height = 40;
    const stored = await solid(width, height, "#808080")
      .composite([{ input: await solid(12, 12, "#0000ff").png().toBuffer(), left: 0, top: 0 }])
      .removeAlpha()
      .raw()
      .toBuffer();
    const markCorner: Record<number, string> = {
      1: "top-left",
      2: "top-right",
      3: "bottom-right",
      4: "bottom-left",
      5: "top-left",
      6: "top-right",
      7: "bottom-right",
      8: "bottom-left",
    };
    for (let orientation = 1; orientation <= 8; orientation++) {
      const jpeg = await sharp(stored, { raw: { width, height, channels: 3 } })
        .jpeg({ quality: 95 })
        .withMetadata({ orientation })
        .toBuffer();
      const photo = await normalisePhoto(jpeg);
      const upright = orientation >= 5 ? [height, width] : [width, height];
      expect([photo.width, photo.height], `orientation ${orientation}`).toEqual(upright);
      const { data, info } = await sharp(photo.jpeg).raw().toBuffer({ resolveWithObject: true });
      const blueAt = (x: number, y: number) => (data[(y * info.width + x) * info.channels + 2] ?? 0) > 200;
      const corners: Record<string, boolean> = {
        "top-left": blueAt(3, 3),
        "top-right": blueAt(info.width - 4, 3),
        "bottom-left": blueAt(3, info.height - 4),
        "bottom-right": blueAt(info.width - 4, info.height - 4),
      };
      const marked = Object.keys(corners).filter((corner) => corners[corner]);
      expect(marked, `orientation ${orientation}`).toEqual([markCorner[orientation]]);
    }
  });

  it("converts a red CMYK JPEG to red sRGB, not inverted", async () => {
    const cmyk = await solid(48, 48, { r: 220, g: 20, b: 20, alpha: 1 })
      .toColourspace("cmyk")
      .jpeg()
      .toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe("cmyk");
    const photo = await normalisePhoto(cmyk);
    const meta = await sharp(photo.jpeg).metadata();
    expect(meta.space).toBe("srgb");
    expect(meta.channels).toBe(3);
    const [r, g, b] = await meanColour(photo.jpeg);
    expect(r).toBeGreaterThan(180);
    expect(g).toBeLessThan(70);
    expect(b).toBeLessThan(70);
  });

  it("converts a Display P3 photo to sRGB through its ICC profile", async () => {
    // withIccProfile converts to P3 on output: the stored numbers are about (89, 177, 101) for this sRGB green.
    const p3 = await solid(32, 32, { r: 40, g: 180, b: 90, alpha: 1 }).jpeg().withIccProfile("p3").toBuffer();
    expect((await sharp(p3).metadata()).icc).toBeDefined();
    const photo = await normalisePhoto(p3);
    const [r, g, b] = await meanColour(photo.jpeg);
    expect(Math.abs(r - 40)).toBeLessThan(8);
    expect(Math.abs(g - 180)).toBeLessThan(8);
    expect(Math.abs(b - 90)).toBeLessThan(8);
    expect((await sharp(photo.jpeg).metadata()).icc).toBeUndefined();
  });

  it("flattens a transparent PNG onto white and drops the alpha channel", async () => {
    const width = 32;
    const height = 32;
    const transparent = await sharp(Buffer.alloc(width * height * 4, 0), {
      raw: { width, height, channels: 4 },
    })
      .png()
      .toBuffer();
    const photo = await normalisePhoto(transparent);
    const meta = await sharp(photo.jpeg).metadata();
    expect(meta.format).toBe("jpeg");
    expect(meta.hasAlpha).toBe(false);
    const [r, g, b] = await meanColour(photo.jpeg);
    expect(Math.min(r, g, b)).toBeGreaterThan(240);
  });

  it("reads EXIF DateTimeOriginal and strips EXIF and GPS from the output", async () => {
    const bytes = await jpegWithExif(solid(60, 40, "#808080"), {
      dateTimeOriginal: "2025:07:14 10:11:12",
      gps: true,
    });
    expect((await sharp(bytes).metadata()).exif).toBeDefined();
    const photo = await normalisePhoto(bytes);
    expect(photo.takenAt?.toISOString()).toBe("2025-07-14T10:11:12.000Z");
    const meta = await sharp(photo.jpeg).metadata();
    expect(meta.exif).toBeUndefined();
    expect(meta.xmp).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    expect(photo.jpeg.includes(Buffer.from("Exif\0\0"))).toBe(false);
    expect(photo.jpeg.includes(Buffer.from("PhotoMemoryTest"))).toBe(false);
  });

  it("has no date when the photo has no EXIF", async () => {
    const photo = await normalisePhoto(await noisyJpeg(40, 30));
    expect(photo.takenAt).toBeNull();
  });

  it("caps the long side without enlarging small photos", async () => {
    const big = await normalisePhoto(await noisyJpeg(400, 200), { maxLongSide: 100 });
    expect([big.width, big.height]).toEqual([100, 50]);
    const small = await normalisePhoto(await noisyJpeg(60, 30), { maxLongSide: 100 });
    expect([small.width, small.height]).toEqual([60, 30]);
  });

  it("gives the same hash for the same bytes and a different one for other bytes", async () => {
    const bytes = await noisyJpeg(40, 30, 7);
    const a = await normalisePhoto(bytes);
    const b = await normalisePhoto(Uint8Array.from(bytes));
    const c = await normalisePhoto(await noisyJpeg(40, 30, 8));
    expect(a.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(b.sha256).toBe(a.sha256);
    expect(c.sha256).not.toBe(a.sha256);
  });

  it("reads WebP, AVIF, TIFF and PNG by their bytes, whatever they are called", async () => {
    const image = () => sharp(noise(48, 32, 3), { raw: { width: 48, height: 32, channels: 3 } });
    const inputs = {
      webp: await image().webp().toBuffer(),
      avif: await image().avif({ effort: 0 }).toBuffer(),
      tiff: await image().tiff().toBuffer(),
      png: await image().png().toBuffer(),
    };
    for (const [format, bytes] of Object.entries(inputs)) {
      const photo = await normalisePhoto(bytes, { name: "holiday.jpg" });
      expect(photo.format).toBe(format);
      expect([photo.width, photo.height]).toEqual([48, 32]);
      expect((await sharp(photo.jpeg).metadata()).format).toBe("jpeg");
    }
  });

  it("uses only the first frame of an animated GIF", async () => {
    const frame = (colour: string) => solid(20, 10, colour).png().toBuffer();
    const frames = [await frame("#0000ff"), await frame("#ffff00"), await frame("#00ff00")];
    const gif = await sharp(frames, { join: { animated: true } })
      .gif({ loop: 0 })
      .toBuffer();
    expect((await sharp(gif).metadata()).pages).toBe(3);
    const photo = await normalisePhoto(gif);
    expect([photo.width, photo.height]).toEqual([20, 10]);
    const [r, g, b] = await meanColour(photo.jpeg);
    expect(b).toBeGreaterThan(200);
    expect(Math.max(r, g)).toBeLessThan(60);
  });

  it("finds a face near the edge of a 12 MP photo, and centres the focus on it", async () => {
    const portrait = await sharp(ASTRONAUT).resize(1500, 1500).toBuffer();
    // A 4000×3000 scene with the astronaut at its lower left: her face is ~9 % of the width, far from the centre.
    const scene = await solid(4000, 3000, "#557799")
      .composite([{ input: portrait, left: 60, top: 1400 }])
      .jpeg({ quality: 90 })
      .toBuffer();
    const photo = await normalisePhoto(scene, { name: "IMG_0042.jpg" });
    expect(photo.faces).toHaveLength(1);
    const face = photo.faces?.[0] as FaceBox;
    // Her face in the 512 px original spans x 160–290, y 60–200 (by eye); in the scene: 60 + 1500·(x / 512) px.
    const toScene = (px: number, offset: number, side: number) => (offset + (1500 * px) / 512) / side;
    expect(face.x).toBeGreaterThan(toScene(140, 60, 4000));
    expect(face.x + face.w).toBeLessThan(toScene(310, 60, 4000));
    expect(face.y).toBeGreaterThan(toScene(40, 1400, 3000));
    expect(face.y + face.h).toBeLessThan(toScene(230, 1400, 3000));
    expect(photo.focus.x).toBeCloseTo(face.x + face.w / 2, 3);
    expect(photo.focus.y).toBeCloseTo(face.y + face.h / 2, 3);
  });

  it("finds no face in a photo without people", async () => {
    const photo = await normalisePhoto(await noisyJpeg(800, 600, 40));
    expect(photo.faces).toEqual([]);
  });

  it("finds the subject of a wide photo, and the centre of a flat one", async () => {
    const flower = await sharp({ create: { width: 40, height: 40, channels: 3, background: "#ff2020" } })
      .png()
      .toBuffer();
    const wide = await solid(400, 200, "#5a5a5a")
      .composite([{ input: flower, left: 320, top: 80 }])
      .jpeg()
      .toBuffer();
    const photo = await normalisePhoto(wide);
    expect(photo.focus.x).toBeGreaterThan(0.6);
    const flat = await normalisePhoto(await solid(400, 200, "#5a5a5a").jpeg().toBuffer());
    expect(flat.focus).toEqual({ x: 0.5, y: 0.5 });
  });
});

describe("normalisePhoto: photos that are refused with a reason", () => {
  it("refuses an empty file", async () => {
    expect((await rejection(normalisePhoto(new Uint8Array(0)))).code).toBe("photo.empty");
  });

  it("refuses a JPEG cut in half", async () => {
    const bytes = await noisyJpeg(200, 150);
    const cut = bytes.subarray(0, Math.floor(bytes.length / 2));
    const error = await rejection(normalisePhoto(cut, { name: "IMG_1.jpg" }));
    expect(error.code).toBe("photo.truncated");
    expect(error.message).toContain("IMG_1.jpg");
  });

  it("refuses a header claiming 50000×50000 pixels before decoding it", async () => {
    const error = await rejection(normalisePhoto(pngClaiming(50_000, 50_000)));
    expect(error.code).toBe("photo.too_many_pixels");
    expect(error.message).toContain("50000×50000");
  });

  it("applies a smaller pixel limit when asked", async () => {
    const error = await rejection(normalisePhoto(await noisyJpeg(200, 100), { maxPixels: 10_000 }));
    expect(error.code).toBe("photo.too_many_pixels");
  });

  it("refuses a file over the byte limit", async () => {
    const error = await rejection(normalisePhoto(await noisyJpeg(200, 100), { maxBytes: 1000 }));
    expect(error.code).toBe("photo.too_large");
  });

  it("says an HTML page is not a photo", async () => {
    const error = await rejection(normalisePhoto(HTML_LOGIN_PAGE, { name: "photo.jpg" }));
    expect(error.code).toBe("photo.not_image");
    expect(error.message).toBe("photo.jpg is not a photo (it looks like an HTML page).");
  });

  it("says a PDF is not a photo", async () => {
    const error = await rejection(normalisePhoto(Buffer.from("%PDF-1.7\n%âãÏÓ\n1 0 obj\n")));
    expect(error.code).toBe("photo.not_image");
    expect(error.message).toContain("PDF");
  });

  it("refuses an SVG even though sharp could draw it", async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    expect((await rejection(normalisePhoto(svg))).code).toBe("photo.not_image");
  });

  it("says a cut-off HEIC cannot be read, naming it", async () => {
    const error = await rejection(normalisePhoto(heicHeader(), { name: "IMG_0042.HEIC" }));
    expect(error.code).toBe("photo.truncated");
    expect(error.message).toMatch(/^IMG_0042\.HEIC is damaged or cut off/);
  });
});
