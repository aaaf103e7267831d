/**
 * Finds ffmpeg/ffprobe: FFMPEG_PATH → ffmpeg-static (only when its binary exists) → ffmpeg on PATH, and checks once
 * per binary that it can do what the engine needs (xfade, overlay, libx264, aac) and takes the CPU flags chosen
 * for this machine.
 */
import { spawn } from "node:child_process";
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { PhotoMemoryError } from "../errors.ts";

export interface ResolvedFfmpeg {
  ffmpeg: string;
  ffprobe: string;
  /** Where ffmpeg came from: "FFMPEG_PATH", "ffmpeg-static" or "PATH". */
  source: string;
  /** Global options for every run of this ffmpeg (its CPU flags, see cpuFlagsFor), before the rest. */
  globalArgs: string[];
}

const FIX = "install Debian's ffmpeg (apt-get install ffmpeg) or set FFMPEG_PATH to an ffmpeg that has them";
export const REQUIRED_FILTERS = ["xfade", "overlay"] as const;
export const REQUIRED_ENCODERS = ["libx264", "aac"] as const;

const checked = new Map<string, Promise<string[]>>();

export async function resolveFfmpeg(env: NodeJS.ProcessEnv = process.env): Promise<ResolvedFfmpeg> {
  const found = locate(env);
  const flags = cpuFlagsFor(env, cpuVendor);
  const key = `${found.ffmpeg}\0${flags.value ?? ""}`;
  let check = checked.get(key);
  if (!check) {
    // Both probes run at once (this is on the path of a CLI render's first second); a missing capability is
    // reported before a rejected flag.
    const args = acceptedCpuFlags(found.ffmpeg, flags);
    args.catch(() => undefined);
    check = checkCapabilities(found.ffmpeg).then(() => args);
    checked.set(key, check);
    check.catch(() => checked.delete(key));
  }
  return { ...found, globalArgs: await check };
}

export interface CpuFlags {
  /** The -cpuflags value, or null for ffmpeg's own detection. */
  value: string | null;
  /** Set by FFMPEG_CPUFLAGS (an ffmpeg that rejects it is an error), not chosen here (then it is quietly dropped). */
  explicit: boolean;
}

/**
 * swscale's AVX2 horizontal scaler for long filters fetches pixels with vpgatherdd. ffmpeg switches it off on CPUs it
 * knows to gather slowly (AMD up to Zen 3, family ≤ 0x19), not on newer AMD: measured on this project's Zen 5 machine
 * (family 0x1a, KVM) with the earlier zoompan Ken Burns (a bicubic 8-tap downscale every frame), the gather kernel
 * made a 90-frame 1080p segment's filters ~30 % slower than the SSSE3 kernel (0.93 vs 0.66 CPU s). The Ken Burns now
 * uses short bilinear filters (see kenBurns), and the flag measured neutral on a whole 1080p classic render (15.7–16.6 s wall
 * either way); it stays for the long filters of the one-time still and card scales. So every AMD x86 CPU runs ffmpeg
 * with `-cpuflags +slowgather`, which only steers those kernel choices (x264 does its own CPU detection).
 * FFMPEG_CPUFLAGS overrides it: any -cpuflags value, or "none" for ffmpeg's own detection.
 */
export function cpuFlagsFor(env: NodeJS.ProcessEnv, vendor: string | null): CpuFlags {
  const explicit = env.FFMPEG_CPUFLAGS?.trim();
  if (explicit) return { value: explicit === "none" ? null : explicit, explicit: true };
  return { value: vendor === "AuthenticAMD" ? "+slowgather" : null, explicit: false };
}

/** The CPU vendor string (`vendor_id` of /proc/cpuinfo), or null off Linux/x86; read once. */
const cpuVendor: string | null = (() => {
  try {
    return /^vendor_id\s*:\s*(\S+)/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? null;
  } catch {
    return null;
  }
})();

/** Checks that this ffmpeg takes the flags (`slowgather` came with ffmpeg 5.0) on a one-frame run. */
async function acceptedCpuFlags(ffmpeg: string, flags: CpuFlags): Promise<string[]> {
  if (flags.value === null) return [];
  const args = ["-cpuflags", flags.value];
  const ok = await succeeds(ffmpeg, [
    "-hide_banner",
    "-loglevel",
    "error",
    ...args,
    "-f",
    "lavfi",
    "-i",
    "nullsrc=s=16x16:d=0.04",
    "-frames:v",
    "1",
    "-f",
    "null",
    "-",
  ]);
  if (ok) return args;
  if (!flags.explicit) return [];
  throw new PhotoMemoryError(
    "render.ffmpeg_incapable",
    `The ffmpeg at ${ffmpeg} rejects -cpuflags ${flags.value} (from FFMPEG_CPUFLAGS): fix the value or unset it.`,
  );
}

function succeeds(command: string, args: string[]): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: "ignore" });
    child.on("error", () => resolve(false));
    child.on("close", (code) => resolve(code === 0));
  });
}

function locate(env: NodeJS.ProcessEnv): Omit<ResolvedFfmpeg, "globalArgs"> {
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
