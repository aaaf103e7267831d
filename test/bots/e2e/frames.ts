/** One frame of a delivered video, as the user would see it: saved as PNG and measured (mean colour, bands). */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import sharp from "sharp";
import { resolveFfmpeg } from "../../../src/core/render/ffmpeg-resolve.ts";

const run = promisify(execFile);

/** Writes the frame at `seconds` to `png`. */
export async function extractFrame(video: string, seconds: number, png: string): Promise<void> {
  const { ffmpeg } = await resolveFfmpeg();
  await run(ffmpeg, ["-v", "error", "-y", "-ss", seconds.toFixed(2), "-i", video, "-frames:v", "1", png]);
}

/** Mean red, green and blue (0-255) of the frame at `seconds`, saved to `png`. */
export async function frameColour(
  video: string,
  seconds: number,
  png: string,
): Promise<{ r: number; g: number; b: number }> {
  await extractFrame(video, seconds, png);
  const { channels } = await sharp(png).stats();
  return { r: channels[0]?.mean ?? 0, g: channels[1]?.mean ?? 0, b: channels[2]?.mean ?? 0 };
}

/** Mean brightness of the frame's top rows (`fraction` of its height) and of its middle band. */
export async function bandBrightness(
  png: string,
  fraction: number,
): Promise<{ top: number; middle: number }> {
  const image = sharp(png);
  const { width = 0, height = 0 } = await image.metadata();
  const band = Math.max(1, Math.floor(height * fraction));
  const mean = async (top: number) => {
    // stats() measures its input, so the band is cut out into an image of its own first.
    const cut = await sharp(png).extract({ left: 0, top, width, height: band }).greyscale().png().toBuffer();
    const { channels } = await sharp(cut).stats();
    return channels[0]?.mean ?? 0;
  };
  return { top: await mean(0), middle: await mean(Math.floor(height / 2 - band / 2)) };
}
