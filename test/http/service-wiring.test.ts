/** The composition root's switches: Inngest only when configured; health, readiness and shutdown of the real service. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { createSilentLogger } from "../../src/core/log.ts";
import { startService } from "../../src/main.ts";

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function start(env: Record<string, string>) {
  const dir = await mkdtemp(path.join(tmpdir(), "pm-wiring-"));
  dirs.push(dir);
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
