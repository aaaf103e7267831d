/**
 * Normalises the CLI's input files into a work folder, one at a time (sharp already uses every core, and one photo
 * at a time keeps memory flat for 48 MP originals). Unusable files and repeats are collected with their reason
 * instead of stopping the run.
 */
import { readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import type { PreparedPhoto } from "../core/domain.ts";
import { isPhotoMemoryError } from "../core/errors.ts";
import { closeFaceDetector, normalisePhoto, PHOTO_DEFAULTS } from "../core/photos/index.ts";
import type { InputFile } from "./collect-inputs.ts";

export interface SkippedPhoto {
  file: string;
  code: string;
  reason: string;
}

export interface PreparedPhotos {
  photos: PreparedPhoto[];
  skipped: SkippedPhoto[];
}

export async function preparePhotos(
  files: readonly InputFile[],
  workDir: string,
  onProgress?: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<PreparedPhotos> {
  try {
    return await prepareEach(files, workDir, onProgress, signal);
  } finally {
    // The render comes next: the face detector's memory (~150 MB of WASM heap) goes back first.
    await closeFaceDetector();
  }
}

async function prepareEach(
  files: readonly InputFile[],
  workDir: string,
  onProgress?: (done: number, total: number) => void,
  signal?: AbortSignal,
): Promise<PreparedPhotos> {
  const photos: PreparedPhoto[] = [];
  const skipped: SkippedPhoto[] = [];
  const seen = new Map<string, string>(); // sha256 → file that brought it first

  for (const [index, file] of files.entries()) {
    signal?.throwIfAborted();
    onProgress?.(index, files.length);
    const name = path.basename(file.path);
    try {
      const size = (await stat(file.path)).size;
      if (size > PHOTO_DEFAULTS.maxBytes) {
        // Checked before reading so a 4 GB video dropped in by mistake is never loaded into memory.
        const mb = Math.round(size / 1e6);
        skipped.push({
          file: file.display,
          code: "photo.too_large",
          reason: `${name} is ${mb} MB; photos can be at most ${PHOTO_DEFAULTS.maxBytes / 1e6} MB.`,
        });
        continue;
      }
      const normalised = await normalisePhoto(await readFile(file.path), { name });
      const first = seen.get(normalised.sha256);
      if (first !== undefined) {
        skipped.push({
          file: file.display,
          code: "photo.duplicate",
          reason: `${name} is the same photo as ${first}, so it is used once.`,
        });
        continue;
      }
      seen.set(normalised.sha256, file.display);
      const id = `p${photos.length + 1}`;
      const output = path.join(workDir, `${id}.jpg`);
      await writeFile(output, normalised.jpeg);
      photos.push({
        id,
        path: output,
        width: normalised.width,
        height: normalised.height,
        takenAt: normalised.takenAt,
        arrivalIndex: index,
        focus: normalised.focus,
        faces: normalised.faces,
        name,
      });
    } catch (error) {
      if (isPhotoMemoryError(error)) {
        skipped.push({ file: file.display, code: error.code, reason: error.message });
      } else if (isFsError(error)) {
        skipped.push({
          file: file.display,
          code: "photo.unreadable",
          reason: `${name} could not be read (${error.code}).`,
        });
      } else {
        throw error;
      }
    }
  }
  onProgress?.(files.length, files.length);
  return { photos, skipped };
}

function isFsError(error: unknown): error is NodeJS.ErrnoException & { code: string } {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === "string";
}
