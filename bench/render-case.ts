/**
 * One benchmark case in its own Node process (so its memory is measured alone): 12 MP photo files → normalised
 * photos → plan → MP4, or the ffmpeg floor. Prints one JSON line with its own timings.
 * Usage: node --import tsx bench/render-case.ts '<json CaseInput>'
 */
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import type { PreparedPhoto, StyleName } from "../src/core/domain.ts";
import { closeFaceDetector, normalisePhoto } from "../src/core/photos/index.ts";
import { frameSize } from "../src/core/render/geometry.ts";
import { planRender, renderMemory, resolveFfmpeg, runFfmpeg } from "../src/core/render/index.ts";
import { floorArgs } from "./floor.ts";
import { childrenCpuSeconds } from "./measure.ts";
import { scriptFor } from "./script.ts";

export interface CaseInput {
  kind: "render" | "floor";
  style: StyleName;
  resolution: 720 | 1080;
  /** How many photos the memory shows (the 20 files repeat, with varied focus, beyond 20). */
  count: number;
  photos: string[];
  workDir: string;
  /** floor: the duration to encode. */
  durationSeconds?: number;
}

export interface CaseOutput {
  /** Photo files → MP4 (intake + render), or the floor's ffmpeg alone. */
  wallMs: number;
  /**
   * Intake: ffmpeg resolved and checked (the CLI's first step; the service does it once) and the 12 MP files
   * normalised (what happens when photos are dropped in chat, before /memory).
   */
  normaliseMs: number;
  /** Render: normalised photos → MP4 (what /memory waits for), wall and CPU (Node + its ffmpeg children). */
  renderMs: number;
  renderCpuSeconds: number;
  durationSeconds: number;
  bytes: number;
  preparation: string;
}

/** Two photos at a time: one per core (sharp runs each pipeline on one libvips thread on glibc). */
async function normaliseAll(files: string[], dir: string): Promise<PreparedPhoto[]> {
  const photos: PreparedPhoto[] = new Array(files.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < files.length; i = next++) {
      const file = files[i] as string;
      const n = await normalisePhoto(await readFile(file), { name: file });
      const path = join(dir, `normalised-${i}.jpg`);
      await writeFile(path, n.jpeg);
      photos[i] = {
        id: `photo-${i}`,
        path,
        width: n.width,
        height: n.height,
        takenAt: n.takenAt,
        arrivalIndex: i,
        focus: n.focus,
        faces: n.faces,
      };
    }
  };
  await Promise.all([worker(), worker()]);
  await closeFaceDetector(); // as the CLI does before rendering
  return photos;
}

/** CPU seconds of this process plus every child it has waited for (user + system). */
function cpuSecondsSoFar(): number {
  const own = process.cpuUsage();
  return (own.user + own.system) / 1e6 + childrenCpuSeconds();
}

async function runRender(input: CaseInput): Promise<CaseOutput> {
  const started = performance.now();
  // As the CLI does: ffmpeg is resolved and checked once, before the photos are read.
  const tools = await resolveFfmpeg();
  const unique = await normaliseAll(input.photos, input.workDir);
  const normaliseMs = performance.now() - started;
  const photos: PreparedPhoto[] = Array.from({ length: input.count }, (_, i) => {
    const base = unique[i % unique.length] as PreparedPhoto;
    const round = Math.floor(i / unique.length);
    // Later rounds vary the focus so the crops and motion differ from the first 20.
    const focus = base.focus ?? { x: 0.5, y: 0.5 };
    const varied = round % 2 === 1 ? { x: 1 - focus.x, y: 1 - focus.y } : focus;
    return { ...base, id: `photo-${i}`, arrivalIndex: i, focus: varied };
  });
  const plan = planRender(photos, scriptFor(photos), input.style, {
    aspect: "16:9",
    resolution: input.resolution,
  });
  const renderStarted = performance.now();
  const cpuBefore = cpuSecondsSoFar();
  const result = await renderMemory(plan, {
    videoPath: join(input.workDir, "memory.mp4"),
    posterPath: join(input.workDir, "poster.jpg"),
    workDir: join(input.workDir, "work"),
    ffmpeg: tools,
  });
  const renderCpuSeconds = cpuSecondsSoFar() - cpuBefore;
  const renderMs = performance.now() - renderStarted;
  return {
    wallMs: performance.now() - started,
    normaliseMs,
    renderMs,
    renderCpuSeconds,
    durationSeconds: result.durationSeconds,
    bytes: result.bytes,
    preparation: "src/core/photos normalisePhoto",
  };
}

async function runFloor(input: CaseInput): Promise<CaseOutput> {
  const tools = await resolveFfmpeg();
  const { width, height } = frameSize("16:9", input.resolution);
  const still = join(input.workDir, "still.jpg");
  await sharp(input.photos[0] as string)
    .resize(width, height, { fit: "cover" })
    .jpeg({ quality: 92 })
    .toFile(still);
  const output = join(input.workDir, "floor.mp4");
  const duration = input.durationSeconds ?? 60;
  const started = performance.now();
  await runFfmpeg({ ffmpeg: tools, args: floorArgs(still, duration, output) });
  const wallMs = performance.now() - started;
  const bytes = (await readFile(output)).length;
  return {
    wallMs,
    normaliseMs: 0,
    renderMs: wallMs,
    renderCpuSeconds: 0,
    durationSeconds: duration,
    bytes,
    preparation: "none (one still)",
  };
}

const input = JSON.parse(process.argv[2] ?? "{}") as CaseInput;
await rm(input.workDir, { recursive: true, force: true });
await mkdir(input.workDir, { recursive: true });
const output = input.kind === "floor" ? await runFloor(input) : await runRender(input);
process.stdout.write(`${JSON.stringify(output)}\n`);
