/**
 * Finds ffmpeg/ffprobe: FFMPEG_PATH → ffmpeg-static (only when its binary exists) → ffmpeg on PATH, and checks once
 * per binary that it can do what the engine needs (xfade, drawtext, libx264, aac).
 */
import { spawn } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PhotoMemoryError } from "../errors.ts";

export interface ResolvedFfmpeg {
  ffmpeg: string;
  ffprobe: string;
  /** Where ffmpeg came from: "FFMPEG_PATH", "ffmpeg-static" or "PATH". */
  source: string;
}

const FIX = "install Debian's ffmpeg (apt-get install ffmpeg) or set FFMPEG_PATH to an ffmpeg that has them";
export const REQUIRED_FILTERS = ["xfade", "drawtext"] as const;
export const REQUIRED_ENCODERS = ["libx264", "aac"] as const;

const checked = new Map<string, Promise<void>>();

export async function resolveFfmpeg(env: NodeJS.ProcessEnv = process.env): Promise<ResolvedFfmpeg> {
  const found = locate(env);
  let check = checked.get(found.ffmpeg);
  if (!check) {
    check = checkCapabilities(found.ffmpeg);
    checked.set(found.ffmpeg, check);
    check.catch(() => checked.delete(found.ffmpeg));
  }
  await check;
  return found;
}

function locate(env: NodeJS.ProcessEnv): ResolvedFfmpeg {
  const pathDirs = (env.PATH ?? "").split(":").filter(Boolean);
  const explicit = env.FFMPEG_PATH?.trim();
  let ffmpeg: string | undefined;
  let source: string;
  if (explicit) {
    if (!isExecutable(explicit)) {
      throw new PhotoMemoryError(
        "render.ffmpeg_missing",
        `FFMPEG_PATH points to ${explicit}, which is not an executable file; fix the path or unset it to use the ffmpeg on PATH.`,
      );
    }
    ffmpeg = explicit;
    source = "FFMPEG_PATH";
  } else {
    const bundled = ffmpegStatic();
    if (bundled) {
      ffmpeg = bundled;
      source = "ffmpeg-static";
    } else {
      ffmpeg = onPath("ffmpeg", pathDirs);
      source = "PATH";
    }
  }
  if (!ffmpeg) {
    throw new PhotoMemoryError(
      "render.ffmpeg_missing",
      "ffmpeg was not found: install it (apt-get install ffmpeg) or set FFMPEG_PATH to an ffmpeg binary.",
    );
  }
  const explicitProbe = env.FFPROBE_PATH?.trim();
  const sibling = join(dirname(ffmpeg), "ffprobe");
  const ffprobe =
    (explicitProbe && isExecutable(explicitProbe) ? explicitProbe : undefined) ??
    (isExecutable(sibling) ? sibling : undefined) ??
    onPath("ffprobe", pathDirs);
  if (!ffprobe) {
    throw new PhotoMemoryError(
      "render.ffmpeg_missing",
      "ffprobe was not found next to ffmpeg or on PATH: install Debian's ffmpeg (apt-get install ffmpeg) or set FFPROBE_PATH.",
    );
  }
  return { ffmpeg, ffprobe, source };
}

function ffmpegStatic(): string | undefined {
  try {
    const path: unknown = createRequire(import.meta.url)("ffmpeg-static");
    return typeof path === "string" && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string, dirs: string[]): string | undefined {
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

async function checkCapabilities(ffmpeg: string): Promise<void> {
  const [filters, encoders] = await Promise.all([listing(ffmpeg, "-filters"), listing(ffmpeg, "-encoders")]);
  const missing = [
    ...REQUIRED_FILTERS.filter((f) => !hasName(filters, f)).map((f) => `the ${f} filter`),
    ...REQUIRED_ENCODERS.filter((e) => !hasName(encoders, e)).map((e) => `the ${e} encoder`),
  ];
  if (missing.length > 0) {
    throw new PhotoMemoryError(
      "render.ffmpeg_incapable",
      `The ffmpeg at ${ffmpeg} lacks ${missing.join(", ")}: ${FIX}.`,
    );
  }
}

/** `ffmpeg -filters` lines look like " T.C drawtext  V->V  Draw text…"; the name is the second column. */
export function hasName(listingText: string, name: string): boolean {
  return listingText.split("\n").some((line) => line.trim().split(/\s+/)[1] === name);
}

function listing(ffmpeg: string, flag: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, ["-hide_banner", flag], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
    });
    child.stderr.resume();
    child.on("error", (cause) =>
      reject(
        new PhotoMemoryError("render.ffmpeg_missing", `ffmpeg at ${ffmpeg} could not be started: ${FIX}.`, {
          cause,
        }),
      ),
    );
    child.on("close", () => resolve(out));
  });
}
