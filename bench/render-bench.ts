/**
 * `npm run bench`: renders the fixed 20-photo set (12 MP files → MP4, normalisation included) at 720p and 1080p in
 * every style, measures the ffmpeg floor for the same durations, then 100 photos at 1080p classic, and prints a table.
 * Each case runs in its own Node process; CPU is user+sys of that process and its ffmpeg children; peak RSS is the
 * largest sum of VmRSS over node + ffmpeg, sampled every 50 ms.
 */
import { writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { STYLE_NAMES, type StyleName } from "../src/core/domain.ts";
import { resolveFfmpeg } from "../src/core/render/index.ts";
import { measureChild } from "./measure.ts";
import { ensurePhotoSet } from "./photo-set.ts";
import type { CaseInput, CaseOutput } from "./render-case.ts";

const OUT = resolve(import.meta.dirname, "out");
const CASE_SCRIPT = resolve(import.meta.dirname, "render-case.ts");

interface Row {
  name: string;
  videoSeconds: number;
  wall: number;
  cpu: number;
  rss: number;
  floorWall: number | null;
  floorCpu: number | null;
  bytes: number;
}

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
  return { ...measured, output, wall: output.wallMs / 1000 };
}

const floors = new Map<string, { wall: number; cpu: number }>();
async function floorFor(
  resolution: 720 | 1080,
  seconds: number,
  photos: string[],
): Promise<{ wall: number; cpu: number }> {
  const key = `${resolution}:${seconds.toFixed(3)}`;
  const known = floors.get(key);
  if (known !== undefined) return known;
  const floor = await runCase({
    kind: "floor",
    style: "classic",
    resolution,
    count: 1,
    photos,
    workDir: join(OUT, "work", `floor-${resolution}`),
    durationSeconds: seconds,
  });
  const measured = { wall: floor.wall, cpu: floor.cpuSeconds };
  floors.set(key, measured);
  return measured;
}

function table(rows: Row[]): string {
  const head =
    "| case | video s | wall s | CPU s | peak RSS MB | floor wall s | floor CPU s | × floor (wall) | MB |";
  const sep = "|---|---:|---:|---:|---:|---:|---:|---:|---:|";
  const lines = rows.map((r) =>
    [
      r.name,
      r.videoSeconds.toFixed(1),
      r.wall.toFixed(1),
      r.cpu.toFixed(1),
      Math.round(r.rss),
      r.floorWall === null ? "–" : r.floorWall.toFixed(1),
      r.floorCpu === null ? "–" : r.floorCpu.toFixed(1),
      r.floorWall === null ? "–" : `${(r.wall / r.floorWall).toFixed(2)}×`,
      (r.bytes / 1e6).toFixed(1),
    ].join(" | "),
  );
  return [head, sep, ...lines.map((l) => `| ${l} |`)].join("\n");
}

const { ffmpeg, source } = await resolveFfmpeg();
console.log(
  `ffmpeg: ${ffmpeg} (${source}); ${new Date().toISOString()}; load average ${loadavg()
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
for (const c of cases) {
  const name = `${c.count} photos ${c.resolution}p ${c.style}`;
  if (only && !name.includes(only)) continue;
  process.stdout.write(`${name}… `);
  const result = await runCase({ kind: "render", ...c, photos, workDir: join(OUT, "work", "render") });
  preparation = result.output.preparation;
  const floor = c.count === 20 ? await floorFor(c.resolution, result.output.durationSeconds, photos) : null;
  const floorWall = floor?.wall ?? null;
  const row: Row = {
    name,
    videoSeconds: result.output.durationSeconds,
    wall: result.wall,
    cpu: result.cpuSeconds,
    rss: result.peakRssMb,
    floorWall,
    floorCpu: floor?.cpu ?? null,
    bytes: result.output.bytes,
  };
  rows.push(row);
  console.log(
    `${row.wall.toFixed(1)} s, ${Math.round(row.rss)} MB${floorWall ? `, ${(row.wall / floorWall).toFixed(2)}× floor` : ""}`,
  );
}

const report = [
  `Measured ${new Date().toISOString()} on ${process.platform} (${ffmpeg}, ${source}); photos prepared by ${preparation}; MALLOC_TRIM_THRESHOLD_=${CASE_ENV.MALLOC_TRIM_THRESHOLD_}, MALLOC_ARENA_MAX=${CASE_ENV.MALLOC_ARENA_MAX}.`,
  "",
  table(rows),
  "",
];
const twenty = rows.find((r) => r.name === "20 photos 1080p classic");
const hundred = rows.find((r) => r.name === "100 photos 1080p classic");
if (twenty?.floorWall) {
  const ratio = twenty.wall / twenty.floorWall;
  report.push(
    `- 20 photos → 1080p classic: ${ratio.toFixed(2)}× the floor (target ≤ 2.5×) ${ratio <= 2.5 ? "✓" : "✗"}`,
  );
}
const peak = Math.max(...rows.map((r) => r.rss));
report.push(
  `- peak RSS of node + ffmpeg over all cases: ${Math.round(peak)} MB (target ≤ 700 MB) ${peak <= 700 ? "✓" : "✗"}`,
);
if (twenty && hundred) {
  const growth = (hundred.rss / twenty.rss - 1) * 100;
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
