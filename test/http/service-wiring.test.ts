/**
 * The composition root's switches: Inngest only when configured; what each PHOTOMEMORY_ROLE serves and runs; health,
 * readiness and shutdown of the real service.
 */

import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { createSilentLogger } from "../../src/core/log.ts";
import { startService } from "../../src/main.ts";
import { noisyJpeg } from "../fixtures/generate-photos.ts";
import { createTestDatabase, describePostgres, type TestDatabase } from "../helpers/postgres.ts";

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function start(env: Record<string, string>) {
  const dir = await mkdtemp(path.join(tmpdir(), "pm-wiring-"));
  dirs.push(dir);
  // DATA_DIR in env wins: a web and a worker process share their files (local blobs) there.
  return startService(loadConfig({ PORT: "0", HOST: "127.0.0.1", DATA_DIR: dir, ...env }), {
    logger: createSilentLogger(),
  });
}

describe("service wiring", () => {
  it("runs on embedded defaults: healthy, ready, no /api/inngest; closed after stop", async () => {
    const service = await start({});
    expect(await (await fetch(`${service.url}/healthz`)).json()).toEqual({ ok: true, database: "ok" });
    expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${service.url}/api/inngest`)).status).toBe(404);
    expect((await fetch(`${service.url}/playground`)).status).toBe(200);
    await service.stop();
    await expect(fetch(`${service.url}/healthz`)).rejects.toThrow();
  });

  it("serves the Inngest functions at /api/inngest when INNGEST_DEV is set", async () => {
    const service = await start({ INNGEST_DEV: "1" });
    try {
      const res = await fetch(`${service.url}/api/inngest`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { function_count: number; mode: string };
      expect(body.mode).toBe("dev");
      // ingest-photos and render-memory (Inngest counts render-memory's onFailure handler as one more).
      expect(body.function_count).toBeGreaterThanOrEqual(2);
    } finally {
      await service.stop();
    }
  });
});

describePostgres("service roles on one Postgres", () => {
  let database: TestDatabase;
  afterAll(async () => {
    await database?.drop();
  });

  it("web serves pages and only stores jobs; worker serves health and metrics only and runs them", async () => {
    database = await createTestDatabase();
    const shared = await mkdtemp(path.join(tmpdir(), "pm-wiring-"));
    dirs.push(shared);
    const env = { DATABASE_URL: database.url, PLAYGROUND: "1", DATA_DIR: shared };
    const web = await start({ ...env, PHOTOMEMORY_ROLE: "web" });
    try {
      expect((await fetch(`${web.url}/playground`)).status).toBe(200);
      expect((await fetch(`${web.url}/readyz`)).status).toBe(200);
      const conversation = (await (
        await fetch(`${web.url}/playground/api/conversations`, { method: "POST" })
      ).json()) as { id: string };
      const form = new FormData();
      for (const i of [1, 2, 3])
        form.append(
          "photos",
          new File([(await noisyJpeg(320, 240, i)) as BlobPart], `p${i}.jpg`, { type: "image/jpeg" }),
        );
      const api = `${web.url}/playground/api/conversations/${conversation.id}`;
      expect((await fetch(`${api}/photos`, { method: "POST", body: form })).status).toBe(200);
      const say = await fetch(`${api}/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ text: "/memory", user: "ada" }),
      });
      expect(say.status).toBe(201);
      const runs = async () => {
        const sql = postgres(database.url, { max: 1, onnotice: () => {} });
        try {
          return await sql<
            { status: string }[]
          >`select status from job_runs where function_id = 'render-memory'`;
        } finally {
          await sql.end();
        }
      };
      await new Promise((resolve) => setTimeout(resolve, 1500));
      // The render waits for a worker.
      expect((await runs()).map((r) => r.status)).toEqual(["queued"]);

      const worker = await start({ ...env, PHOTOMEMORY_ROLE: "worker" });
      try {
        expect((await fetch(`${worker.url}/healthz`)).status).toBe(200);
        expect((await fetch(`${worker.url}/readyz`)).status).toBe(200);
        expect((await fetch(`${worker.url}/metrics`)).status).toBe(200);
        expect((await fetch(`${worker.url}/playground`)).status).toBe(404);
        expect((await fetch(`${worker.url}/share/abc`)).status).toBe(404);
        const deadline = Date.now() + 30_000;
        while ((await runs())[0]?.status === "queued" && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 100));
        expect(["running", "completed"]).toContain((await runs())[0]?.status);
      } finally {
        await worker.stop();
      }
    } finally {
      await web.stop();
    }
  });

  it("an Inngest worker connects to Inngest instead of serving /api/inngest, and starts without waiting for it", async () => {
    const starts: string[] = [];
    const inngest = createServer((req, res) => {
      starts.push(`${req.method} ${req.url}`);
      res.writeHead(503).end();
    });
    await new Promise<void>((resolve) => inngest.listen(0, "127.0.0.1", resolve));
    const { port } = inngest.address() as { port: number };
    const worker = await start({
      DATABASE_URL: database.url,
      PHOTOMEMORY_ROLE: "worker",
      INNGEST_DEV: "1",
      INNGEST_BASE_URL: `http://127.0.0.1:${port}`,
    });
    try {
      expect((await fetch(`${worker.url}/readyz`)).status).toBe(200);
      expect((await fetch(`${worker.url}/api/inngest`)).status).toBe(404);
      const deadline = Date.now() + 15_000;
      while (!starts.includes("POST /v0/connect/start") && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      expect(starts).toContain("POST /v0/connect/start");
    } finally {
      await worker.stop();
      inngest.closeAllConnections();
      inngest.close();
    }
  });
});
