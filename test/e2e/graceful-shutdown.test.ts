/**
 * SIGTERM in the middle of a render: the service stops taking requests, stops the render, exits 0 promptly, and the
 * next start finishes the memory (delivered once).
 */
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { noisyJpeg } from "../fixtures/generate-photos.ts";
import { freePort, playgroundClient, spawnService, waitUntilReady } from "./service-helpers.ts";

const children: ChildProcess[] = [];
let dataDir = "";

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe("SIGTERM during a render", () => {
  it("exits 0 promptly and the memory is finished after the restart", { timeout: 300_000 }, async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "pm-sigterm-"));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const start = async () => {
      const service = spawnService({ PORT: String(port), HOST: "127.0.0.1", DATA_DIR: dataDir });
      children.push(service.child);
      await waitUntilReady(base, service.child);
      return service;
    };
    const first = await start();
    const chat = playgroundClient(base, "sigterm");
    const photos = await Promise.all(
      Array.from({ length: 6 }, async (_, i) => ({
        name: `IMG_${i}.jpg`,
        bytes: await noisyJpeg(1280, 960, 40 + i),
      })),
    );
    await chat.upload(photos);
    await chat.say("/memory modern Shutdown");
    await chat.waitFor((ms) =>
      ms.some((m) => m.from === "bot" && (m.progress ?? 0) > 0 && (m.progress ?? 0) < 1),
    );

    const exited = new Promise<number | null>((resolve) => first.child.once("exit", (code) => resolve(code)));
    first.child.kill("SIGTERM");
    const code = await Promise.race([
      exited,
      new Promise((r) => setTimeout(() => r("still running"), 30_000)),
    ]);
    expect(code).toBe(0);
    expect(first.output()).toContain('"msg":"stopped"');

    const second = await start();
    await chat.waitFor((ms) => ms.some((m) => m.video), 240_000);
    await new Promise((r) => setTimeout(r, 2000));
    expect((await chat.messages()).filter((m) => m.video)).toHaveLength(1);
    second.child.kill("SIGTERM");
    await new Promise((resolve) => second.child.once("exit", resolve));
  });
});
