import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseByteSize } from "../../src/cli/byte-size.ts";
import { collectInputs } from "../../src/cli/collect-inputs.ts";
import { UsageError } from "../../src/cli/context.ts";
import { createProgress } from "../../src/cli/progress-bar.ts";
import { parseRenderOptions } from "../../src/cli/render-options.ts";

describe("--max-bytes sizes", () => {
  it("accepts plain bytes and common suffixes", () => {
    expect(parseByteSize("10485760")).toBe(10 * 1024 * 1024);
    expect(parseByteSize("10MiB")).toBe(10 * 1024 * 1024);
    expect(parseByteSize("50MB")).toBe(50_000_000);
    expect(parseByteSize("1.5 GB")).toBe(1_500_000_000);
    expect(parseByteSize("800k")).toBe(800_000);
  });

  it("rejects what is not a size", () => {
    for (const text of ["", "ten", "-5MB", "0", "10 parsecs", "5MB5"]) expect(parseByteSize(text)).toBeNull();
  });
});

describe("render options", () => {
  const parse = (...argv: string[]) => parseRenderOptions(argv, "/home/ana");

  it("has defaults and puts the poster next to the video", () => {
    const options = parse("photos");
    expect(options).toMatchObject({ style: "classic", aspect: "16:9", resolution: 1080, json: false });
    expect(options.out).toBe("/home/ana/memory.mp4");
    expect(options.poster).toBe("/home/ana/memory.jpg");
  });

  it("reads every option", () => {
    const options = parse(
      "a.jpg",
      "trip/",
      "--style",
      "vintage",
      "--title",
      "Lisbon",
      "--aspect",
      "9:16",
      "--resolution",
      "720",
      "--max-bytes",
      "10MiB",
      "--out",
      "out/x.mp4",
      "--json",
    );
    expect(options).toMatchObject({
      inputs: ["a.jpg", "trip/"],
      style: "vintage",
      title: "Lisbon",
      aspect: "9:16",
      resolution: 720,
      maxBytes: 10 * 1024 * 1024,
      out: "/home/ana/out/x.mp4",
      poster: "/home/ana/out/x.jpg",
      json: true,
    });
  });

  it("explains what is wrong", () => {
    expect(() => parse("a.jpg", "--style", "sepia")).toThrow(/--style must be one of classic, modern/);
    expect(() => parse("a.jpg", "--resolution", "4k")).toThrow(/720 or 1080/);
    expect(() => parse("a.jpg", "--max-bytes", "lots")).toThrow(/not a size/);
    expect(() => parse("a.jpg", "--colour", "red")).toThrow(UsageError);
    expect(() => parse()).toThrow(/at least one photo/);
    expect(() => parse("a.jpg", "--out", "poster.jpg")).toThrow(/\.mp4/);
  });
});

describe("collecting inputs", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "photomemory-collect-"));
    await mkdir(path.join(dir, "trip", "nested"), { recursive: true });
    for (const name of ["IMG_10.jpg", "IMG_2.jpg", ".DS_Store", "nested/deep.jpg", "b.png"])
      await writeFile(path.join(dir, "trip", name), "x");
    await writeFile(path.join(dir, "single.jpg"), "x");
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("keeps argument order, sorts folders by name like people count, skips hidden files and subfolders", async () => {
    const { files, missing } = await collectInputs(["single.jpg", "trip", "nope.jpg"], dir);
    expect(files.map((f) => f.display)).toEqual([
      "single.jpg",
      path.join("trip", "b.png"),
      path.join("trip", "IMG_2.jpg"),
      path.join("trip", "IMG_10.jpg"),
    ]);
    expect(files[0]?.path).toBe(path.join(dir, "single.jpg"));
    expect(missing).toEqual(["nope.jpg"]);
  });
});

describe("progress", () => {
  it("redraws one line on a terminal", () => {
    const written: string[] = [];
    const progress = createProgress({ isTTY: true, columns: 80, write: (t: string) => written.push(t) });
    progress.phase("Rendering");
    progress.update(0.5);
    progress.done();
    expect(written.some((t) => t.startsWith("\rRendering [") && t.includes(" 50%"))).toBe(true);
    expect(written.at(-1)).toBe("\n");
  });

  it("writes plain lines, without carriage returns, when not a terminal", () => {
    const written: string[] = [];
    const progress = createProgress({ isTTY: false, write: (t: string) => written.push(t) });
    progress.phase("Rendering");
    progress.update(0.5);
    progress.done();
    expect(written).toEqual(["Rendering…\n"]);
  });
});
