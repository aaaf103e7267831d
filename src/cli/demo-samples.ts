/**
 * Sample photos for the demo, drawn with sharp (no binary files in the repo, no licence questions): landscapes and a
 * portrait made of gradients and shapes, with film-like noise so they compress like real photos, and EXIF dates
 * over four days of a July trip so the demo shows a dated title and day captions.
 */
import { mkdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";

interface Sample {
  file: string;
  width: number;
  height: number;
  takenAt: string; // EXIF format
  svg: (w: number, h: number) => string;
}

const gradient = (id: string, stops: string[], vertical = true) =>
  `<linearGradient id="${id}" x1="0" y1="0" x2="${vertical ? 0 : 1}" y2="${vertical ? 1 : 0}">${stops
    .map((c, i) => `<stop offset="${i / Math.max(1, stops.length - 1)}" stop-color="${c}"/>`)
    .join("")}</linearGradient>`;

const SAMPLES: Sample[] = [
  {
    file: "01-harbour-morning.jpg",
    width: 1600,
    height: 1067,
    takenAt: "2025:07:14 08:12:40",
    svg: (
      w,
      h,
    ) => `<defs>${gradient("s", ["#8ec5ff", "#ffe3b3"])}${gradient("sea", ["#1f6f9f", "#0b3954"])}</defs>
      <rect width="${w}" height="${h}" fill="url(#s)"/>
      <circle cx="${w * 0.78}" cy="${h * 0.3}" r="${h * 0.09}" fill="#fff4c2"/>
      <rect y="${h * 0.58}" width="${w}" height="${h * 0.42}" fill="url(#sea)"/>
      <polygon points="${w * 0.2},${h * 0.62} ${w * 0.42},${h * 0.62} ${w * 0.38},${h * 0.7} ${w * 0.24},${h * 0.7}" fill="#c0392b"/>
      <polygon points="${w * 0.3},${h * 0.3} ${w * 0.3},${h * 0.6} ${w * 0.41},${h * 0.6}" fill="#fdfdfd"/>`,
  },
  {
    file: "02-old-town.jpg",
    width: 1600,
    height: 1067,
    takenAt: "2025:07:14 17:45:03",
    svg: (w, h) => `<defs>${gradient("s", ["#f6d365", "#fda085"])}</defs>
      <rect width="${w}" height="${h}" fill="url(#s)"/>
      ${[0, 1, 2, 3, 4, 5]
        .map((i) => {
          const x = i * w * 0.17;
          const top = h * (0.35 + ((i * 37) % 20) / 100);
          const colours = ["#e07a5f", "#f2cc8f", "#81b29a", "#3d405b", "#f4f1de", "#e9c46a"];
          return `<rect x="${x}" y="${top}" width="${w * 0.16}" height="${h - top}" fill="${colours[i]}"/>
            <rect x="${x + w * 0.04}" y="${top + h * 0.08}" width="${w * 0.03}" height="${h * 0.06}" fill="#2b2d42"/>
            <rect x="${x + w * 0.09}" y="${top + h * 0.08}" width="${w * 0.03}" height="${h * 0.06}" fill="#2b2d42"/>`;
        })
        .join("")}`,
  },
  {
    file: "03-lighthouse-portrait.jpg",
    width: 1080,
    height: 1440,
    takenAt: "2025:07:15 11:03:22",
    svg: (
      w,
      h,
    ) => `<defs>${gradient("s", ["#4facfe", "#c2e9fb"])}${gradient("g", ["#56ab2f", "#2d6a1f"])}</defs>
      <rect width="${w}" height="${h}" fill="url(#s)"/>
      <ellipse cx="${w * 0.5}" cy="${h * 1.02}" rx="${w * 0.9}" ry="${h * 0.3}" fill="url(#g)"/>
      <polygon points="${w * 0.44},${h * 0.25} ${w * 0.56},${h * 0.25} ${w * 0.6},${h * 0.78} ${w * 0.4},${h * 0.78}" fill="#f8f9fa"/>
      <rect x="${w * 0.42}" y="${h * 0.4}" width="${w * 0.16}" height="${h * 0.06}" fill="#d62828"/>
      <rect x="${w * 0.41}" y="${h * 0.6}" width="${w * 0.18}" height="${h * 0.06}" fill="#d62828"/>
      <rect x="${w * 0.45}" y="${h * 0.18}" width="${w * 0.1}" height="${h * 0.07}" fill="#ffd166"/>
      <polygon points="${w * 0.43},${h * 0.18} ${w * 0.57},${h * 0.18} ${w * 0.5},${h * 0.12}" fill="#2b2d42"/>`,
  },
  {
    file: "04-forest-path.jpg",
    width: 1600,
    height: 1067,
    takenAt: "2025:07:16 09:30:00",
    svg: (w, h) => `<defs>${gradient("s", ["#d4fc79", "#96e6a1"])}</defs>
      <rect width="${w}" height="${h}" fill="url(#s)"/>
      ${Array.from({ length: 9 }, (_, i) => {
        const x = (i + 0.5) * (w / 9);
        const s = 0.7 + ((i * 53) % 30) / 100;
        return `<rect x="${x - w * 0.012}" y="${h * 0.55}" width="${w * 0.024}" height="${h * 0.45}" fill="#5d4037"/>
          <polygon points="${x},${h * (0.55 - 0.45 * s)} ${x - w * 0.07 * s},${h * 0.62} ${x + w * 0.07 * s},${h * 0.62}" fill="#2e7d32"/>`;
      }).join("")}
      <polygon points="${w * 0.45},${h} ${w * 0.55},${h} ${w * 0.51},${h * 0.6} ${w * 0.49},${h * 0.6}" fill="#c8a97e"/>`,
  },
  {
    file: "05-beach-sunset.jpg",
    width: 1600,
    height: 1067,
    takenAt: "2025:07:16 20:41:55",
    svg: (
      w,
      h,
    ) => `<defs>${gradient("s", ["#2b1055", "#d53369", "#daae51"])}${gradient("sea", ["#355c7d", "#1b2838"])}</defs>
      <rect width="${w}" height="${h}" fill="url(#s)"/>
      <circle cx="${w * 0.35}" cy="${h * 0.62}" r="${h * 0.12}" fill="#ffcf56"/>
      <rect y="${h * 0.62}" width="${w}" height="${h * 0.38}" fill="url(#sea)"/>
      <rect x="${w * 0.25}" y="${h * 0.66}" width="${w * 0.2}" height="${h * 0.012}" fill="#ffcf56" opacity="0.7"/>
      <rect x="${w * 0.28}" y="${h * 0.7}" width="${w * 0.14}" height="${h * 0.01}" fill="#ffcf56" opacity="0.5"/>`,
  },
  {
    file: "06-night-market.jpg",
    width: 1600,
    height: 1067,
    takenAt: "2025:07:17 22:05:10",
    svg: (w, h) => `<defs>${gradient("s", ["#0f2027", "#203a43", "#2c5364"])}</defs>
      <rect width="${w}" height="${h}" fill="url(#s)"/>
      ${Array.from({ length: 14 }, (_, i) => {
        const colours = ["#ff595e", "#ffca3a", "#8ac926", "#1982c4", "#6a4c93"];
        return `<circle cx="${(i + 0.5) * (w / 14)}" cy="${h * (0.2 + 0.05 * Math.sin(i))}" r="${h * 0.025}" fill="${colours[i % 5]}"/>`;
      }).join("")}
      <rect x="${w * 0.1}" y="${h * 0.55}" width="${w * 0.35}" height="${h * 0.3}" fill="#e76f51"/>
      <rect x="${w * 0.55}" y="${h * 0.5}" width="${w * 0.35}" height="${h * 0.35}" fill="#2a9d8f"/>
      <rect y="${h * 0.85}" width="${w}" height="${h * 0.15}" fill="#264653"/>`,
  },
];

/** Makes the samples that are not there yet; returns the folder. Cheap when they exist. */
export async function ensureDemoSamples(folder: string): Promise<string> {
  await mkdir(folder, { recursive: true });
  for (const sample of SAMPLES) {
    const file = path.join(folder, sample.file);
    if ((await stat(file).catch(() => null))?.isFile()) continue;
    await writeFile(file, await drawSample(sample));
  }
  return folder;
}

async function drawSample(sample: Sample): Promise<Buffer> {
  const { width, height } = sample;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${sample.svg(width, height)}</svg>`;
  return sharp(Buffer.from(svg))
    .composite([{ input: grain(width, height), raw: { width, height, channels: 1 }, blend: "soft-light" }])
    .jpeg({ quality: 88 })
    .withExif({
      IFD0: { Make: "PhotoMemory", Model: "Demo sample", Software: "photomemory demo" },
      IFD2: { DateTimeOriginal: sample.takenAt },
    })
    .toBuffer();
}

/** Mid-grey film grain: soft-light blending with it leaves colours alone and adds texture. */
function grain(width: number, height: number): Buffer {
  const data = Buffer.alloc(width * height);
  let s = (width * 7919 + height) >>> 0;
  for (let i = 0; i < data.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    data[i] = 128 + (((s >>> 0) % 49) - 24);
  }
  return data;
}
