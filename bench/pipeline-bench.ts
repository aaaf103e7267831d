/**
 * `npm run bench` (second part): the time from `/memory` to the video being ready in the playground, for 10 photos
 * with the offline writer, against the bare render (planRender + renderMemory) of the same normalised photos.
 * The difference is the pipeline's own overhead: jobs, steps persisted in the database, blob copies, chat edits.
 * Target: overhead under 15 %. Runs alternate (bare, pipeline, bare, pipeline) and the best of each is compared,
 * because other work on the machine only ever makes a run slower.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadConfig } from "../src/config.ts";
import type { PreparedPhoto } from "../src/core/domain.ts";
import { createSilentLogger } from "../src/core/log.ts";
import { normalisePhoto } from "../src/core/photos/index.ts";
import { planRender, renderMemory } from "../src/core/render/index.ts";
import { createOfflineScriptWriter } from "../src/core/script/offline-script-writer.ts";
import { startService } from "../src/main.ts";
import { ensurePhotoSet } from "./photo-set.ts";

const PHOTOS = 10;
const ROUNDS = Number(process.env.PIPELINE_BENCH_ROUNDS ?? 2);
const OUT = resolve(import.meta.dirname, "out");

async function bareRender(
  files: string[],
  workDir: string,
): Promise<{ seconds: number; videoSeconds: number }> {
  await rm(workDir, { recursive: true, force: true });
  await mkdir(workDir, { recursive: true });
  const photos: PreparedPhoto[] = [];
  for (const [i, file] of files.entries()) {
    const n = await normalisePhoto(await readFile(file), { name: `photo-${i + 1}.jpg` });
    const path = join(workDir, `photo-${i}.jpg`);
    await writeFile(path, n.jpeg);
    photos.push({
      id: `p${i}`,
      path,
      width: n.width,
      height: n.height,
      takenAt: n.takenAt,
      arrivalIndex: i,
      focus: n.focus,
      faces: n.faces,
    });
  }
  // Timed like the pipeline's render step: script, plan and ffmpeg, photos already normalised on disk.
  const started = performance.now();
  const script = await createOfflineScriptWriter().write({ photos, style: "classic", locale: "en" });
  const plan = planRender(photos, script, "classic", { aspect: "16:9", resolution: 720 });
  await renderMemory(plan, {
    videoPath: join(workDir, "memory.mp4"),
    posterPath: join(workDir, "poster.jpg"),
    workDir: join(workDir, "scratch"),
  });
  return { seconds: (performance.now() - started) / 1000, videoSeconds: plan.durationSeconds };
}

async function pipeline(
  files: string[],
): Promise<{ seconds: number; startMs: number; videoSeconds: number }> {
  const dataDir = await mkdtemp(join(tmpdir(), "pm-pipeline-bench-"));
  const bootStarted = performance.now();
  const service = await startService(loadConfig({ PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir }), {
    logger: createSilentLogger(),
  });
  const startMs = performance.now() - bootStarted;
  try {
    // Conversation ids are issued by the server (short ones are refused as guessable).
    const created = await fetch(`${service.url}/playground/api/conversations`, { method: "POST" });
    const { id } = (await created.json()) as { id: string };
    const api = `${service.url}/playground/api/conversations/${id}`;
    const form = new FormData();
    for (const [i, file] of files.entries()) {
      form.append("photos", new File([await readFile(file)], `photo-${i + 1}.jpg`, { type: "image/jpeg" }));
    }
    const uploaded = await fetch(`${api}/photos`, { method: "POST", body: form });
    if (!uploaded.ok) throw new Error(`upload failed: ${uploaded.status}`);
    // Follow the conversation over SSE, as the page does: polling would steal CPU from the render it measures.
    const events = await fetch(`${api}/events`);
    const reader = (events.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    const started = performance.now();
    await fetch(`${api}/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: "/memory classic", user: "bench" }),
    });
    let seen = "";
    while (!seen.includes('"video":')) {
      const { value, done } = await reader.read();
      if (done) throw new Error("the event stream ended before the video arrived");
      // Keep only the tail: a message line never spans more than a few kB.
      seen = (seen + decoder.decode(value, { stream: true })).slice(-8192);
    }
    const seconds = (performance.now() - started) / 1000;
    await reader.cancel();
    // The video message names its length: the comparison only holds if both sides rendered the same video.
    const videoSeconds = Number(/"durationSeconds":([0-9.]+)/.exec(seen)?.[1] ?? Number.NaN);
    return { seconds, startMs, videoSeconds };
  } finally {
    await service.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

const files = (await ensurePhotoSet(join(OUT, "photos"))).slice(0, PHOTOS);
const bare: number[] = [];
const piped: number[] = [];
let startMs = 0;
const lengths = new Set<string>();
for (let round = 0; round < ROUNDS; round++) {
  const alone = await bareRender(files, join(OUT, "work", "pipeline-bare"));
  bare.push(alone.seconds);
  const run = await pipeline(files);
  piped.push(run.seconds);
  startMs = run.startMs;
  lengths.add(`bare ${alone.videoSeconds.toFixed(2)} s, pipeline ${run.videoSeconds.toFixed(2)} s`);
  if (!(Math.abs(alone.videoSeconds - run.videoSeconds) < 0.05))
    throw new Error(
      `the two sides rendered different videos (${[...lengths].join("; ")}): the ratio would mean nothing`,
    );
}
const bestBare = Math.min(...bare);
const bestPipeline = Math.min(...piped);
const ratio = bestPipeline / bestBare;
const overhead = (ratio - 1) * 100;
const fmt = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(", ");
const lines = [
  "",
  `## Pipeline: /memory → video ready, ${PHOTOS} photos (12 MP), classic 720p, offline writer, PGlite, embedded runner`,
  "",
  "| measure | runs (s) | best (s) |",
  "|---|---|---:|",
  `| bare render (script + planRender + renderMemory) | ${fmt(bare)} | ${bestBare.toFixed(2)} |`,
  `| pipeline (/memory → video message in the playground) | ${fmt(piped)} | ${bestPipeline.toFixed(2)} |`,
  "",
  `ratio pipeline / bare: ${ratio.toFixed(3)} → overhead ${overhead.toFixed(1)} % (target < 15 %) ${overhead < 15 ? "OK" : "OVER TARGET"}`,
  `video length: ${[...lengths].join("; ")}`,
  `service start (open PGlite, migrate, listen): ${(startMs / 1000).toFixed(2)} s, not counted`,
  `load average at the end: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")} (other work on the machine slows both sides)`,
];
console.log(lines.join("\n"));
await mkdir(OUT, { recursive: true });
await writeFile(join(OUT, "pipeline-bench.md"), `${lines.join("\n")}\n`);
