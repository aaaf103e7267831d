/**
 * The benchmark's fixed photo set: 20 photos of 12 MP (4000×3000 and 3000×4000 mixed) that compress like real
 * photos (smooth colour fields, mid-frequency texture, a bright subject off-centre, sensor-like noise), generated
 * from a seeded PRNG so every run uses the same bytes. Cached under bench/out/photos.
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";

export const PHOTO_COUNT = 20;

export function photoPath(dir: string, i: number): string {
  return join(dir, `photo-${String(i + 1).padStart(2, "0")}.jpg`);
}

/** mulberry32: tiny, fast, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function upscaledNoise(
  rand: () => number,
  w: number,
  h: number,
  small: [number, number],
  kernel: keyof sharp.KernelEnum,
) {
  const [sw, sh] = small;
  const data = Buffer.alloc(sw * sh * 3);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(rand() * 256);
  return sharp(data, { raw: { width: sw, height: sh, channels: 3 } })
    .resize(w, h, { fit: "fill", kernel })
    .raw()
    .toBuffer();
}

async function makePhoto(i: number, path: string): Promise<void> {
  const rand = prng(0x5eed + i * 7919);
  const portrait = i % 3 === 1;
  const w = portrait ? 3000 : 4000;
  const h = portrait ? 4000 : 3000;
  const base = await upscaledNoise(rand, w, h, portrait ? [6, 8] : [8, 6], "cubic");
  const texture = await upscaledNoise(rand, w, h, portrait ? [300, 400] : [400, 300], "lanczos3");
  const out = Buffer.alloc(w * h * 3);
  // A bright, saturated "subject" somewhere off-centre, so the attention focus differs per photo.
  const cx = (0.2 + rand() * 0.6) * w;
  const cy = (0.2 + rand() * 0.6) * h;
  const radius = Math.min(w, h) * (0.08 + rand() * 0.08);
  const tint = [rand() * 255, rand() * 120, rand() * 80];
  for (let y = 0, p = 0; y < h; y++) {
    const dy = (y - cy) / radius;
    for (let x = 0; x < w; x++, p += 3) {
      const dx = (x - cx) / radius;
      const subject = Math.max(0, 1 - (dx * dx + dy * dy));
      for (let c = 0; c < 3; c++) {
        const b = base[p + c] as number;
        // Mostly luminance texture (like foliage, fabric, gravel), a little chroma.
        const t = ((texture[p] as number) * 0.7 + (texture[p + c] as number) * 0.3 - 128) * 0.6;
        const grain = (rand() - 0.5) * 14;
        const v = b * 0.8 + t * 0.35 + grain + subject * ((tint[c] as number) - b * 0.6);
        out[p + c] = Math.min(255, Math.max(0, v));
      }
    }
  }
  await sharp(out, { raw: { width: w, height: h, channels: 3 } })
    .jpeg({ quality: 90, chromaSubsampling: "4:2:0" })
    .toFile(path);
}

/** Makes the set once; later runs reuse the cached files. */
export async function ensurePhotoSet(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (let i = 0; i < PHOTO_COUNT; i++) {
    const path = photoPath(dir, i);
    if (!existsSync(path)) await makePhoto(i, path);
    paths.push(path);
  }
  return paths;
}
