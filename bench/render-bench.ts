/**
 * `npm run bench`: renders the fixed 20-photo set (12 MP files → MP4) at 720p and 1080p in every style, measures the
 * ffmpeg floor for the same durations, then 100 photos at 1080p classic, and prints a table.
 * Each case runs in its own Node process. It times the two phases apart: intake (the files normalised, as when
 * photos are dropped in chat) and render (normalised photos → MP4, what /memory waits for); CPU is user+sys of the
 * process and its ffmpeg children; peak RSS is the largest sum of VmRSS over node + ffmpeg over the whole case
 * (intake included), sampled every 50 ms. Each 20-photo render is bracketed by two runs of the floor, one right
 * before and one right after, and is compared with their mean: the VM's speed drifts. The key case (20 photos →
 * 1080p classic) runs REPEATS times and its ratios are the medians: one run on a shared 2-core VM varies by ±15 %.
 */
import { writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { STYLE_NAMES, type StyleName } from "../src/core/domain.ts";
import { resolveFfmpeg } from "../src/core/render/index.ts";
import { measureChild } from "./measure.ts";
import { ensurePhotoSet } from "./photo-set.ts";
import type { CaseInput, CaseOutput } from "./render-case.ts";
import { videoSecondsFor } from "./script.ts";

const OUT = resolve(import.meta.dirname, "out");
const CASE_SCRIPT = resolve(import.meta.dirname, "render-case.ts");

interface Row {
  name: string;
  videoSeconds: number;
  intake: number;
  render: number;
  renderCpu: number;
  rss: number;
  floorWall: number | null;
  floorCpu: number | null;
  bytes: number;
}

const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const KEY_CASE = "20 photos 1080p classic";
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/**
 * glibc keeps the large buffers sharp frees during normalisation unless told to trim them (~200 MB of RSS held for
 * nothing); the Docker image sets the same variable. It is inherited by the ffmpeg children.
 */
const CASE_ENV = {
  ...process.env,
  MALLOC_TRIM_THRESHOLD_: process.env.MALLOC_TRIM_THRESHOLD_ ?? "131072",
  MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? "2",
};

async function runCase(input: CaseInput) {
  const measured = await measureChild(
    process.execPath,
    ["--import", "tsx", CASE_SCRIPT, JSON.stringify(input)],
    CASE_ENV,
  );
  const line = measured.stdout.trim().split("\n").pop() ?? "{}";
  const output = JSON.parse(line) as CaseOutput;
  // Wall is measured inside the case (photo files → MP4, or the floor's ffmpeg alone), without Node's start-up.
  return {
    ...measured,
    output,
    wall: output.wallMs / 1000,
    intake: output.normaliseMs / 1000,
    render: output.renderMs / 1000,
  };
}

async function floorFor(resolution: 720 | 1080, seconds: number, photos: string[]) {
  const floor = await runCase({
    kind: "floor",
    style: "classic",
    resolution,
    count: 1,
    photos,
    workDir: join(OUT, "work", `floor-${resolution}`),
    durationSeconds: seconds,
  });
  return { wall: floor.wall, cpu: floor.cpuSeconds };
}

function table(rows: Row[]): string {
  const head =
    "| case | video s | intake s | render s | render CPU s | peak RSS MB | floor s | floor CPU s | render × floor | intake + render × floor | MB |";
  const sep = "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|";
  const ratio = (v: number, floor: number | null) => (floor === null ? "–" : `${(v / floor).toFixed(2)}×`);
  const lines = rows.map((r) =>
    [
      r.name,
      r.videoSeconds.toFixed(1),
      r.intake.toFixed(1),
      r.render.toFixed(1),
      r.renderCpu.toFixed(1),
      Math.round(r.rss),
      r.floorWall === null ? "–" : r.floorWall.toFixed(1),
      r.floorCpu === null ? "–" : r.floorCpu.toFixed(1),
      ratio(r.render, r.floorWall),
      ratio(r.intake + r.render, r.floorWall),
      (r.bytes / 1e6).toFixed(1),
    ].join(" | "),
  );
  return [head, sep, ...lines.map((l) => `| ${l} |`)].join("\n");
}

const { ffmpeg, source, globalArgs } = await resolveFfmpeg();
const ffmpegLabel = `${ffmpeg} (${source}${globalArgs.length ? `, ${globalArgs.join(" ")}` : ""})`;
console.log(
  `ffmpeg: ${ffmpegLabel}; ${new Date().toISOString()}; load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
console.log("Generating (or reusing) the fixed photo set: 20 × 12 MP JPEG…");
const photos = await ensurePhotoSet(join(OUT, "photos"));
const only = process.env.BENCH_ONLY; // e.g. "1080p classic" to run one case while tuning

const rows: Row[] = [];
const cases: { style: StyleName; resolution: 720 | 1080; count: number }[] = [];
for (const resolution of [720, 1080] as const)
  for (const style of STYLE_NAMES) cases.push({ style, resolution, count: 20 });
cases.push({ style: "classic", resolution: 1080, count: 100 });

let preparation = "";
const keyRuns: { render: number; total: number; floor: number }[] = [];
for (const c of cases) {
  const name = `${c.count} photos ${c.resolution}p ${c.style}`;
  if (only && !name.includes(only)) continue;
  const repeats = name === KEY_CASE ? REPEATS : 1;
  for (let run = 1; run <= repeats; run++) {
    process.stdout.write(`${name}${repeats > 1 ? ` (run ${run}/${repeats})` : ""}… `);
    const bracketed = c.count === 20;
    const before = bracketed
      ? await floorFor(c.resolution, videoSecondsFor(c.style, c.resolution, c.count), photos)
      : null;
    const result = await runCase({ kind: "render", ...c, photos, workDir: join(OUT, "work", "render") });
    preparation = result.output.preparation;
    const after = bracketed ? await floorFor(c.resolution, result.output.durationSeconds, photos) : null;
    const floor =
      before && after ? { wall: (before.wall + after.wall) / 2, cpu: (before.cpu + after.cpu) / 2 } : null;
    const row: Row = {
      name: repeats > 1 ? `${name} (run ${run})` : name,
      videoSeconds: result.output.durationSeconds,
      intake: result.intake,
      render: result.render,
      renderCpu: result.output.renderCpuSeconds,
      rss: result.peakRssMb,
      floorWall: floor?.wall ?? null,
      floorCpu: floor?.cpu ?? null,
      bytes: result.output.bytes,
    };
    rows.push(row);
    if (name === KEY_CASE && floor)
      keyRuns.push({
        render: row.render / floor.wall,
        total: (row.intake + row.render) / floor.wall,
        floor: floor.wall,
      });
    console.log(
      `intake ${row.intake.toFixed(1)} s, render ${row.render.toFixed(1)} s, ${Math.round(row.rss)} MB${floor ? `, render ${(row.render / floor.wall).toFixed(2)}× floor` : ""}`,
    );
  }
}

const report = [
  `Measured ${new Date().toISOString()} on ${process.platform}, ${cpus().length} × ${cpus()[0]?.model ?? "unknown CPU"} (${ffmpegLabel}); photos prepared by ${preparation}; floor = mean of one run right before and one right after each render; MALLOC_TRIM_THRESHOLD_=${CASE_ENV.MALLOC_TRIM_THRESHOLD_}, MALLOC_ARENA_MAX=${CASE_ENV.MALLOC_ARENA_MAX}.`,
  "",
  table(rows),
  "",
];
if (keyRuns.length > 0) {
  const renderRatio = median(keyRuns.map((k) => k.render));
  const totalRatio = median(keyRuns.map((k) => k.total));
  const each = keyRuns.map((k) => `${k.render.toFixed(2)}×`).join(", ");
  report.push(
    `- ${KEY_CASE}, render (normalised photos → MP4): median ${renderRatio.toFixed(2)}× the floor over ${keyRuns.length} runs (${each}; target ≤ 2.5×) ${renderRatio <= 2.5 ? "✓" : "✗"}`,
    `- ${KEY_CASE}, intake + render (12 MP files → MP4, as the CLI does it): median ${totalRatio.toFixed(2)}× the floor`,
  );
}
const peak = Math.max(...rows.map((r) => r.rss));
report.push(
  `- peak RSS of node + ffmpeg over all cases, intake included: ${Math.round(peak)} MB (target ≤ 700 MB) ${peak <= 700 ? "✓" : "✗"}`,
);
const twenty = rows.filter((r) => r.name.startsWith(KEY_CASE));
const hundred = rows.find((r) => r.name === "100 photos 1080p classic");
if (twenty.length > 0 && hundred) {
  const base = median(twenty.map((r) => r.rss));
  const growth = (hundred.rss / base - 1) * 100;
  report.push(
    `- 100 photos vs 20 photos peak RSS: ${growth >= 0 ? "+" : ""}${growth.toFixed(1)} % (target ≤ +30 %) ${growth <= 30 ? "✓" : "✗"}`,
  );
}
report.push(
  `- load average at the end: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")} (2 cores shared with other work: numbers are noisy)`,
);
const text = report.join("\n");
console.log(`\n${text}`);
await writeFile(join(OUT, "results.md"), `${text}\n`);
