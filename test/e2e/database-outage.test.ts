/**
 * A database outage in the middle of a memory, played on real Postgres behind a TCP proxy the test cuts: the process
 * must stay up, say it is not ready while the database is away, and catch up once it is back (the memory that was
 * rendering is delivered, once).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { noisyJpeg } from "../fixtures/generate-photos.ts";
import { createTestDatabase, describePostgres, type TestDatabase } from "../helpers/postgres.ts";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy.ts";
import { freePort, playgroundClient, spawnService, waitUntilReady } from "./service-helpers.ts";

const OUTAGE_MS = 30_000;

describePostgres("database outage", () => {
  let database: TestDatabase;
  let proxy: TcpProxy;
  let dataDir: string;
  let service: ReturnType<typeof spawnService>;
  let baseUrl: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const url = new URL(database.url);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    url.host = `127.0.0.1:${proxy.port}`;
    dataDir = await mkdtemp(path.join(tmpdir(), "pm-outage-"));
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    service = spawnService({
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      DATABASE_URL: url.toString(),
      PLAYGROUND: "1",
    });
    await waitUntilReady(baseUrl, service.child);
  });
  afterAll(async () => {
    service?.child.kill("SIGKILL");
    await proxy?.close();
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("stays up and unready while Postgres is away, then delivers the memory it was making, once", async () => {
    const chat = playgroundClient(baseUrl, "outage");
    const photos = [];
    for (let i = 0; i < 6; i++)
      photos.push({ name: `IMG_${i}.jpg`, bytes: await noisyJpeg(1280, 960, i + 1) });
    expect((await chat.upload(photos)).added).toHaveLength(6);
    await chat.say("/memory");
    await chat.waitFor((ms) => ms.some((m) => m.from === "bot" && m.progress !== undefined), 60_000, 50);

    await proxy.cut();
    const outageEnds = Date.now() + OUTAGE_MS;
    const readiness = new Set<number>();
    while (Date.now() < outageEnds) {
      expect(service.child.exitCode, service.output().slice(-2000)).toBeNull();
      readiness.add((await fetch(`${baseUrl}/readyz`)).status);
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(readiness).toEqual(new Set([503]));
    expect((await fetch(`${baseUrl}/healthz`)).status).toBe(503);
    await proxy.restore();

    await waitUntilReady(baseUrl, service.child, 30_000);
    const messages = await chat.waitFor((ms) => ms.some((m) => m.video), 240_000, 250);
    expect(service.child.exitCode).toBeNull();
    // Give a duplicate delivery the time to show up before counting.
    await new Promise((r) => setTimeout(r, 3000));
    expect((await chat.messages()).filter((m) => m.video)).toHaveLength(1);
    expect(messages.filter((m) => m.video)[0]?.video?.durationSeconds).toBeGreaterThan(3);
  }, 420_000);
});
