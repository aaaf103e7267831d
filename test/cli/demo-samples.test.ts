import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureDemoSamples } from "../../src/cli/demo-samples.ts";
import { normalisePhoto } from "../../src/core/photos/index.ts";
import { createOfflineScriptWriter } from "../../src/core/script/offline-script-writer.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "photomemory-samples-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("demo samples", () => {
  it("are real, dated photos (one portrait) that make a titled memory", async () => {
    const folder = await ensureDemoSamples(path.join(dir, "samples"));
    const files = (await readdir(folder)).sort();
    expect(files.length).toBeGreaterThanOrEqual(6);
    const photos = await Promise.all(
      files.map(async (file, index) => {
        const photo = await normalisePhoto(await readFile(path.join(folder, file)), { name: file });
        return { ...photo, id: file, path: path.join(folder, file), arrivalIndex: index };
      }),
    );
    expect(photos.some((p) => p.height > p.width)).toBe(true);
    expect(photos.every((p) => p.takenAt !== null)).toBe(true);
    const script = await createOfflineScriptWriter().write({ photos, style: "classic", locale: "en" });
    expect(script.title).toBe("14–17 July 2025");
  });

  it("are drawn once and reused", async () => {
    const folder = await ensureDemoSamples(path.join(dir, "reused"));
    const first = await stat(path.join(folder, (await readdir(folder))[0] ?? ""));
    await ensureDemoSamples(folder);
    const again = await stat(path.join(folder, (await readdir(folder))[0] ?? ""));
    expect(again.mtimeMs).toBe(first.mtimeMs);
  });
});
