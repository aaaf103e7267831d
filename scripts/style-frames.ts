/**
 * Regenerates docs/frames/<style>.jpg: for each style, renders one short 16:9 720p memory with the `photomemory`
 * command (demo samples + the public-domain astronaut portrait, a given title) and tiles four of its frames 2×2:
 * the title card, the portrait shown whole over its fill, a captioned slide and the closing card before its fade.
 * The frame times come from the same plan the command renders (preparePhotos → offline script → planRender).
 *
 *   node --import tsx scripts/style-frames.ts            # all styles
 *   node --import tsx scripts/style-frames.ts vintage    # one style
 */
import { execFileSync } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { ensureDemoSamples } from "../src/cli/demo-samples.ts";
import { preparePhotos } from "../src/cli/prepare-photos.ts";
import type { StyleName } from "../src/core/domain.ts";
import { planRender } from "../src/core/render/index.ts";
import type { PlannedSlide, RenderPlan } from "../src/core/render/types.ts";
import { createOfflineScriptWriter } from "../src/core/script/offline-script-writer.ts";

const root = path.resolve(import.meta.dirname, "..");
const TITLE = "Lisbon with Eileen";
const STYLES: StyleName[] = ["classic", "modern", "cinematic", "vintage"];

const samples = await ensureDemoSamples(path.join(root, ".data", "samples"));
const inputs = [
  path.join(samples, "01-harbour-morning.jpg"),
  path.join(samples, "03-lighthouse-portrait.jpg"),
  path.join(root, "test", "fixtures", "faces", "astronaut.jpg"),
  path.join(samples, "04-forest-path.jpg"),
  path.join(samples, "05-beach-sunset.jpg"),
];
const styles = process.argv.length > 2 ? (process.argv.slice(2) as StyleName[]) : STYLES;
const outDir = path.join(root, "docs", "frames");
await mkdir(outDir, { recursive: true });
const work = await mkdtemp(path.join(os.tmpdir(), "style-frames-"));

try {
  const prepared = await preparePhotos(
    inputs.map((p) => ({ path: p, display: path.basename(p) })),
    work,
  );
  if (prepared.skipped.length > 0) throw new Error(`skipped: ${JSON.stringify(prepared.skipped)}`);
  for (const style of styles) {
    const script = await createOfflineScriptWriter().write({
      photos: prepared.photos,
      style,
      locale: "en",
      title: TITLE,
    });
    const plan = planRender(prepared.photos, script, style, { aspect: "16:9", resolution: 720 });
    const video = path.join(work, `${style}.mp4`);
    execFileSync(
      process.execPath,
      [
        path.join(root, "bin", "photomemory.js"),
        "render",
        ...inputs,
        "--style",
        style,
        "--resolution",
        "720",
      ].concat(["--title", TITLE, "--out", video]),
      { stdio: "inherit" },
    );
    const times = frameTimes(plan);
    const frames = times.map((t, i) => {
      const png = path.join(work, `${style}-${i}.png`);
      execFileSync("ffmpeg", ["-v", "error", "-ss", t.toFixed(3), "-i", video, "-frames:v", "1", "-y", png]);
      return png;
    });
    const out = path.join(outDir, `${style}.jpg`);
    execFileSync("ffmpeg", [
      "-v",
      "error",
      ...frames.flatMap((f) => ["-i", f]),
      "-filter_complex",
      "[0][1][2][3]xstack=inputs=4:layout=0_0|w0_0|0_h0|w0_h0,scale=1280:-2",
      "-q:v",
      "3",
      "-y",
      out,
    ]);
    console.log(`${out}: frames at ${times.map((t) => `${t.toFixed(2)} s`).join(", ")}`);
  }
} finally {
  await rm(work, { recursive: true, force: true });
}

/** Title card (the poster frame), the portrait slide, the last captioned landscape slide, the closing card. */
function frameTimes(plan: RenderPlan): number[] {
  const middle = (s: PlannedSlide) => (s.startFrame + s.frames / 2) / plan.fps;
  const photos = plan.slides.filter((s) => s.kind === "photo");
  const portrait = photos.find((s) => s.sourceHeight > s.sourceWidth && s.fit !== null);
  const captioned = photos.filter((s) => s.texts.length > 0 && s.sourceWidth > s.sourceHeight).at(-1);
  if (portrait === undefined || captioned === undefined)
    throw new Error(`${plan.style}: no portrait or caption slide`);
  return [
    plan.posterFrame / plan.fps,
    middle(portrait),
    middle(captioned),
    (plan.totalFrames - plan.fadeOutFrames - 3) / plan.fps,
  ];
}
