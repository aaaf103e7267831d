import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cpuFlagsFor, hasName } from "../../src/core/render/ffmpeg-resolve.ts";
import { resolveFfmpeg } from "../../src/core/render/index.ts";

let dir: string;

/** A fake ffmpeg: a shell script that prints a filter and encoder list (optionally without xfade). */
async function fakeFfmpeg(folder: string, filters: string[], encoders = ["libx264", "aac"]): Promise<string> {
  const path = join(folder, "ffmpeg");
  const filterLines = filters.map((f) => ` T.C ${f}  V->V  fake`).join("\n");
  const encoderLines = encoders.map((e) => ` V....D ${e}  fake`).join("\n");
  await writeFile(
    path,
    `#!/bin/sh\ncase "$*" in\n  *-filters*) printf '%s\\n' "Filters:" "${filterLines}" ;;\n  *-encoders*) printf '%s\\n' "Encoders:" "${encoderLines}" ;;\nesac\nexit 0\n`,
  );
  await chmod(path, 0o755);
  await writeFile(join(folder, "ffprobe"), "#!/bin/sh\nexit 0\n");
  await chmod(join(folder, "ffprobe"), 0o755);
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pm-resolve-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("resolveFfmpeg", () => {
  it("prefers FFMPEG_PATH, with the ffprobe next to it", async () => {
    const folder = await mkdtemp(join(dir, "capable-"));
    const ffmpeg = await fakeFfmpeg(folder, ["xfade", "overlay", "zoompan"]);
    const found = await resolveFfmpeg({
      FFMPEG_PATH: ffmpeg,
      PATH: "/usr/bin:/bin",
      FFMPEG_CPUFLAGS: "none",
    });
    expect(found).toEqual({
      ffmpeg,
      ffprobe: join(folder, "ffprobe"),
      source: "FFMPEG_PATH",
      globalArgs: [],
    });
  });

  it("falls back to ffmpeg on PATH", async () => {
    const folder = await mkdtemp(join(dir, "onpath-"));
    const ffmpeg = await fakeFfmpeg(folder, ["xfade", "overlay"]);
    const found = await resolveFfmpeg({ PATH: `${folder}:/nonexistent` });
    expect(found.ffmpeg).toBe(ffmpeg);
    expect(found.source).toBe("PATH");
  });

  it("names the fix when the ffmpeg lacks xfade", async () => {
    const folder = await mkdtemp(join(dir, "noxfade-"));
    const ffmpeg = await fakeFfmpeg(folder, ["overlay", "zoompan"]);
    const error = await resolveFfmpeg({ FFMPEG_PATH: ffmpeg, PATH: "" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "render.ffmpeg_incapable" });
    expect((error as Error).message).toContain("xfade");
    expect((error as Error).message).toContain("apt-get install ffmpeg");
    expect((error as Error).message).toContain("FFMPEG_PATH");
  });

  it("names a missing encoder too", async () => {
    const folder = await mkdtemp(join(dir, "nox264-"));
    const ffmpeg = await fakeFfmpeg(folder, ["xfade", "overlay"], ["aac"]);
    await expect(resolveFfmpeg({ FFMPEG_PATH: ffmpeg })).rejects.toThrow(/libx264/);
  });

  it("says so when FFMPEG_PATH points nowhere or nothing is on PATH", async () => {
    await expect(resolveFfmpeg({ FFMPEG_PATH: join(dir, "missing/ffmpeg") })).rejects.toMatchObject({
      code: "render.ffmpeg_missing",
    });
    await expect(resolveFfmpeg({ PATH: join(dir, "empty") })).rejects.toMatchObject({
      code: "render.ffmpeg_missing",
      message: expect.stringContaining("apt-get install ffmpeg"),
    });
  });

  it("finds the real ffmpeg of this machine and it is capable", async () => {
    const found = await resolveFfmpeg({ PATH: process.env.PATH ?? "" });
    expect(found.ffmpeg).toMatch(/ffmpeg$/);
    expect(found.ffprobe).toMatch(/ffprobe$/);
  });

  it("runs the real ffmpeg with the CPU flags asked for, and names a value it rejects", async () => {
    const env = { PATH: process.env.PATH ?? "" };
    const asked = await resolveFfmpeg({ ...env, FFMPEG_CPUFLAGS: "+slowgather" });
    expect(asked.globalArgs).toEqual(["-cpuflags", "+slowgather"]);
    expect((await resolveFfmpeg({ ...env, FFMPEG_CPUFLAGS: "none" })).globalArgs).toEqual([]);
    await expect(resolveFfmpeg({ ...env, FFMPEG_CPUFLAGS: "+nosuchflag" })).rejects.toMatchObject({
      code: "render.ffmpeg_incapable",
      message: expect.stringContaining("FFMPEG_CPUFLAGS"),
    });
  });

  it("chooses +slowgather on AMD CPUs only, unless FFMPEG_CPUFLAGS says otherwise", () => {
    expect(cpuFlagsFor({}, "AuthenticAMD")).toEqual({ value: "+slowgather", explicit: false });
    expect(cpuFlagsFor({}, "GenuineIntel")).toEqual({ value: null, explicit: false });
    expect(cpuFlagsFor({}, null)).toEqual({ value: null, explicit: false });
    expect(cpuFlagsFor({ FFMPEG_CPUFLAGS: "none" }, "AuthenticAMD")).toEqual({ value: null, explicit: true });
    expect(cpuFlagsFor({ FFMPEG_CPUFLAGS: " -avx2 " }, "GenuineIntel")).toEqual({
      value: "-avx2",
      explicit: true,
    });
  });

  it("reads the second column of ffmpeg's listings", () => {
    expect(hasName(" T.C drawtext          V->V       Draw text", "drawtext")).toBe(true);
    expect(hasName(" ... xfade_opencl      VV->V      Cross fade", "xfade")).toBe(false);
  });
});
