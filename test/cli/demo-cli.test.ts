/** The README's quick start: `photomemory demo` draws samples and renders them, with nothing set up beforehand. */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";

const run = promisify(execFile);
const BIN = fileURLToPath(new URL("../../bin/photomemory.js", import.meta.url));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "photomemory-demo-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

it("photomemory demo makes a dated memory from its own sample photos in DATA_DIR", async () => {
  const { stdout } = await run(process.execPath, [BIN, "demo", "--json"], {
    cwd: dir,
    env: { ...process.env, DATA_DIR: path.join(dir, "data") },
  });
  const summary = JSON.parse(stdout) as { output: string; title: string; photosUsed: number; height: number };
  expect(summary.output).toBe(path.join(dir, "data", "demo", "memory.mp4"));
  expect(summary.title).toBe("14–17 July 2025");
  expect(summary.photosUsed).toBe(6);
  expect(summary.height).toBe(720);
  expect((await readdir(path.join(dir, "data", "demo"))).sort()).toEqual(["memory.jpg", "memory.mp4"]);
}, 180_000); // a real render of 6 photos; generous because the test machine may be busy
