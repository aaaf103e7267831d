/**
 * The durable promise of the embedded runner, end to end: SIGKILL the service in the middle of a render, start it
 * again on the same data, and the memory video is delivered exactly once.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { noisyJpeg } from "../fixtures/generate-photos.ts";
import { createTestDatabase, describePostgres, type TestDatabase } from "../helpers/postgres.ts";
import { freePort, playgroundClient, spawnService, waitUntilReady } from "./service-helpers.ts";

function crashAndResume(name: string, makeDatabase: () => Promise<TestDatabase | null>) {
  const children: ChildProcess[] = [];
  let dataDir = "";
  let database: TestDatabase | null = null;

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  async function start(port: number) {
    const service = spawnService({
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      ...(database ? { DATABASE_URL: database.url, PLAYGROUND: "1" } : {}),
    });
    children.push(service.child);
    await waitUntilReady(`http://127.0.0.1:${port}`, service.child);
    return service;
  }

  it(`${name}: resumes after a restart and delivers the video exactly once`, {
    timeout: 300_000,
  }, async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "pm-crash-"));
    database = await makeDatabase();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const first = await start(port);
    const chat = playgroundClient(base, `crash-${name}`);

    // Enough photos that the render runs for several seconds (progress is shown every 2 s at most), so the kill
    // lands in the middle of it.
    const photos = await Promise.all(
      Array.from({ length: 6 }, async (_, i) => ({
        name: `IMG_${i}.jpg`,
        bytes: await noisyJpeg(1280, 960, i + 1),
      })),
    );
    expect((await chat.upload(photos)).added).toHaveLength(6);
    await chat.say("/memory classic Crash course");

    // The status message shows real progress: the render step is running.
    await chat.waitFor((ms) =>
      ms.some((m) => m.from === "bot" && (m.progress ?? 0) > 0 && (m.progress ?? 0) < 1),
    );
    expect((await chat.messages()).some((m) => m.video)).toBe(false);
    first.child.kill("SIGKILL");
    await new Promise((resolve) => first.child.once("exit", resolve));

    const second = await start(port);
    const withVideo = await chat.waitFor((ms) => ms.some((m) => m.video), 240_000);
    // Give a duplicate run every chance to show up: ask for the status until the memory reads as ready.
    await chat.say("/memory status");
    await chat.waitFor((ms) => ms.some((m) => m.from === "bot" && /is ready/.test(m.text)));
    await new Promise((r) => setTimeout(r, 3000));
    const final = await chat.messages();
    expect(final.filter((m) => m.video)).toHaveLength(1);
    const video = withVideo.find((m) => m.video)?.video;
    expect(video?.durationSeconds).toBeGreaterThan(5);
    const head = await fetch(`${base}${video?.url}`, { headers: { range: "bytes=0-15" } });
    expect(head.status).toBe(206);
    expect(
      Buffer.from(await head.arrayBuffer())
        .subarray(4, 8)
        .toString(),
    ).toBe("ftyp");

    second.child.kill("SIGTERM");
    const code = await new Promise((resolve) => second.child.once("exit", resolve));
    expect(code).toBe(0);
  });
}

describe("a render killed with SIGKILL, on PGlite", () => {
  crashAndResume("pglite", async () => null);
});

describePostgres("a render killed with SIGKILL, on Postgres", () => {
  crashAndResume("postgres", createTestDatabase);
});
