/**
 * The newcomer's path on both databases: start the service with no configuration but a data folder, drop a folder
 * of photos on the playground, type `/memory`, and get a playable video back. Nothing stored keeps EXIF or GPS.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { createSilentLogger } from "../../src/core/log.ts";
import { type Service, startService } from "../../src/main.ts";
import { HTML_LOGIN_PAGE, jpegWithExif, noisyJpeg, solid } from "../fixtures/generate-photos.ts";
import { createTestDatabase, describePostgres, type TestDatabase } from "../helpers/postgres.ts";
import { listFiles, playgroundClient } from "./service-helpers.ts";

const EXIF_MARKER = Buffer.from("Exif\0\0", "latin1");

function flow(name: string, databaseUrl: () => Promise<TestDatabase | null>) {
  let service: Service;
  let dataDir: string;
  let database: TestDatabase | null = null;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "pm-flow-"));
    database = await databaseUrl();
    const config = loadConfig({
      PORT: "0",
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      ...(database ? { DATABASE_URL: database.url, PLAYGROUND: "1" } : {}),
    });
    service = await startService(config, { logger: createSilentLogger() });
  });
  afterAll(async () => {
    await service?.stop();
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it(`${name}: a folder of photos becomes a memory video, and nothing stored keeps EXIF/GPS`, async () => {
    const chat = playgroundClient(service.url, `flow-${name}`);
    const gps = await jpegWithExif(solid(900, 700, "#3a7bd5"), {
      gps: true,
      dateTimeOriginal: "2025:07:14 10:00:00",
    });
    expect((await sharp(gps).metadata()).exif).toBeDefined();
    const folder = [
      { name: "IMG_0001.jpg", bytes: await noisyJpeg(960, 720, 1) },
      { name: "IMG_0002.jpg", bytes: await noisyJpeg(720, 960, 2) },
      { name: "IMG_0003.jpg", bytes: gps },
      { name: "IMG_0004.jpg", bytes: await noisyJpeg(960, 720, 4) },
      { name: "sign-in.jpg", bytes: new Uint8Array(HTML_LOGIN_PAGE) },
    ];
    const summary = await chat.upload(folder);
    expect(summary.added).toHaveLength(4);
    expect(summary.skipped).toEqual([
      { name: "sign-in.jpg", reason: expect.stringMatching(/sign-in\.jpg is not a photo/) },
    ]);

    await chat.say("/memory");
    const messages = await chat.waitFor((ms) => ms.some((m) => m.video), 180_000);
    const videos = messages.filter((m) => m.video);
    expect(videos).toHaveLength(1);
    const video = videos[0]?.video;
    expect(video?.durationSeconds).toBeGreaterThan(3);

    const res = await fetch(`${service.url}${video?.url}`, { headers: { range: "bytes=0-" } });
    expect(res.status).toBe(206);
    expect(res.headers.get("content-range")).toBe(`bytes 0-${(video?.bytes ?? 0) - 1}/${video?.bytes}`);
    expect((await res.arrayBuffer()).byteLength).toBe(video?.bytes);

    const blobs = await listFiles(path.join(dataDir, "blobs"));
    expect(blobs.some((f) => f.endsWith(".mp4"))).toBe(true);
    expect(blobs.filter((f) => f.endsWith(".jpg")).length).toBeGreaterThanOrEqual(4);
    for (const file of blobs) {
      const bytes = await readFile(file);
      expect(bytes.includes(EXIF_MARKER), `${file} carries EXIF`).toBe(false);
      const meta = await sharp(bytes)
        .metadata()
        .catch(() => null);
      if (meta) expect(meta.exif, `${file} carries EXIF`).toBeUndefined();
    }
    for (const file of await listFiles(dataDir)) {
      expect((await readFile(file)).includes(EXIF_MARKER), `${file} carries EXIF`).toBe(false);
    }
  });
}

describe("playground flow on PGlite", () => {
  flow("pglite", async () => null);
});

describePostgres("playground flow on Postgres", () => {
  flow("postgres", createTestDatabase);
});
