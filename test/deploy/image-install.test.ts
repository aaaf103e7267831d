/**
 * What `docker build` + `docker run` do, reproduced without a Docker engine: the Dockerfile's own production install
 * (`npm ci` with its flags, in a fresh folder), the compiled dist/, the runtime stage's COPY list, ENV and CMD. The
 * service booted from that folder with plain node answers /healthz (and the image's HEALTHCHECK command), renders a
 * memory through the playground API, and stops gracefully on SIGTERM.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, playgroundClient, waitUntilReady } from "../e2e/service-helpers.ts";
import { noisyJpeg } from "../fixtures/generate-photos.ts";
import { envOf, execForm, readStages, type Stage, stage } from "./dockerfile.ts";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const stages = readStages();
const runtime = stages.at(-1);

let work = "";
let app = "";
let port = 0;
let service: ChildProcess | undefined;
let output = "";

/**
 * The deps stage's RUN commands, split at `&&`, in order; without `npm cache clean` (it would empty this machine's
 * shared npm cache) and with `--prefer-offline` on `npm ci` (the cache has every tarball).
 */
function depsStageCommands(): string[][] {
  return stage(stages, "deps")
    .instructions.filter((i) => i.keyword === "RUN")
    .flatMap((i) => i.args.split("&&").map((part) => part.trim().split(/\s+/)))
    .filter(([tool, verb]) => !(tool === "npm" && verb === "cache"))
    .map((argv) => (argv[0] === "npm" && argv[1] === "ci" ? [...argv, "--prefer-offline"] : argv));
}

/** Runs the COPY instructions of `s` into `into`, taking `--from=<stage>` sources from `stageDirs`. */
async function copyInstructions(s: Stage, into: string, stageDirs: Record<string, string>): Promise<void> {
  for (const copy of s.instructions.filter((i) => i.keyword === "COPY")) {
    const parts = copy.args.trim().split(/\s+/);
    const fromStage = parts[0]?.startsWith("--from=") ? parts.shift()?.slice("--from=".length) : undefined;
    const target = parts.pop() ?? "";
    for (const source of parts) {
      const src = fromStage
        ? path.join(stageDirs[fromStage] ?? "", source.replace(/^\/app\/?/, ""))
        : path.join(ROOT, source);
      const dest = target.endsWith("/")
        ? path.join(into, target, path.basename(source))
        : path.join(into, target.replace(/^\.\/?/, ""));
      await cp(src, dest, { recursive: true });
    }
  }
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), "pm-image-"));
  const deps = path.join(work, "deps");
  const build = path.join(work, "build");
  app = path.join(work, "app");
  await Promise.all([mkdir(deps), mkdir(build), mkdir(app)]);

  // deps stage: its COPY and RUN instructions. build stage, meanwhile: `npm run build`, i.e. scripts/build.mjs,
  // writing the dist/ the runtime stage copies.
  const depsStage = stage(stages, "deps");
  await copyInstructions(depsStage, deps, {});
  const installed = (async () => {
    for (const [tool = "", ...args] of depsStageCommands()) {
      await run(tool, args, { cwd: deps, maxBuffer: 16 * 1024 * 1024 });
    }
  })();
  await Promise.all([
    installed,
    run(process.execPath, [path.join(ROOT, "scripts/build.mjs"), path.join(build, "dist")], { cwd: ROOT }),
  ]);

  // runtime stage: its COPY instructions, from the stages above or from the repository.
  if (runtime) await copyInstructions(runtime, app, { deps, build });

  port = await freePort();
  const cmd = execForm(
    runtime?.instructions.find((i) => i.keyword === "CMD")?.args ?? '["node", "dist/main.js"]',
  );
  expect(cmd[0]).toBe("node");
  service = spawn(process.execPath, cmd.slice(1), {
    cwd: app,
    // Only what a container has: the image's ENV, then what `docker run -e` would set.
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: work,
      ...envOf(runtime ?? stage(stages, "deps")),
      DATA_DIR: path.join(work, "data"),
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  service.stdout?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  service.stderr?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  await waitUntilReady(`http://127.0.0.1:${port}`, service, 60_000).catch((error: unknown) => {
    throw new Error(`${error instanceof Error ? error.message : error}\n${output}`);
  });
}, 600_000);

afterAll(async () => {
  if (service && service.exitCode === null) service.kill("SIGKILL");
  if (work) await rm(work, { recursive: true, force: true });
});

describe("the image's install step, booted with plain node", () => {
  it("installs production dependencies only (no tsx), with sharp's platform binary", async () => {
    const pkg = async (name: string) =>
      readFile(path.join(app, "node_modules", name, "package.json"), "utf8").then(
        () => true,
        () => false,
      );
    expect(await pkg("tsx")).toBe(false);
    // patch-package's fix to postgres.js (porsager/postgres#1208) is in the image too.
    expect(await readFile(path.join(app, "node_modules/postgres/src/connection.js"), "utf8")).toContain(
      "porsager/postgres#1208",
    );
    const { stdout } = await run(
      process.execPath,
      ["-e", "import('sharp').then(s => console.log(s.default.versions.vips))"],
      { cwd: app },
    );
    expect(stdout.trim()).toMatch(/^\d+\.\d+/);
  });

  it("answers /healthz, and the image's HEALTHCHECK command exits 0", async () => {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true });
    const health = runtime?.instructions.find((i) => i.keyword === "HEALTHCHECK");
    const probe = execForm(health?.args.slice(health.args.indexOf("CMD")) ?? "[]");
    await expect(
      run(process.execPath, probe.slice(1), { env: { ...process.env, PORT: String(port) } }),
    ).resolves.toBeDefined();
  });

  it("renders a memory dropped on the playground", { timeout: 240_000 }, async () => {
    const chat = playgroundClient(`http://127.0.0.1:${port}`, "image-test");
    const photos = await Promise.all(
      [0, 1, 2].map(async (i) => ({ name: `IMG_${i}.jpg`, bytes: await noisyJpeg(1200, 900, 70 + i) })),
    );
    expect((await chat.upload(photos)).added).toHaveLength(3);
    await chat.say("/memory classic From the image");
    const messages = await chat.waitFor((ms) => ms.some((m) => m.video), 200_000);
    const video = messages.find((m) => m.video)?.video;
    const bytes = Buffer.from(
      await (await fetch(`http://127.0.0.1:${port}${video?.url ?? ""}`)).arrayBuffer(),
    );
    const file = path.join(work, "memory.mp4");
    await writeFile(file, bytes);
    const { stdout } = await run("ffprobe", [
      "-v",
      "error",
      "-show_entries",
      "stream=codec_name:format=duration",
      "-of",
      "json",
      file,
    ]);
    const probe = JSON.parse(stdout) as { streams: { codec_name: string }[]; format: { duration: string } };
    expect(probe.streams.map((s) => s.codec_name).sort()).toEqual(["aac", "h264"]);
    expect(Number(probe.format.duration)).toBeGreaterThan(5);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/^photomemory_render_duration_seconds_count\{style="classic"\} 1$/m);
  });

  it("stops gracefully on SIGTERM", { timeout: 60_000 }, async () => {
    const exited = new Promise<number | null>((resolve) => service?.once("exit", (code) => resolve(code)));
    service?.kill("SIGTERM");
    const code = await Promise.race([
      exited,
      new Promise((r) => setTimeout(() => r("still running"), 30_000)),
    ]);
    expect(code).toBe(0);
    expect(output).toContain('"msg":"stopped"');
  });
});
