import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { createSilentLogger } from "../../src/core/log.ts";
import type { FfmpegStatus } from "../../src/core/render/ffmpeg-readiness.ts";
import { createApp } from "../../src/http/app.ts";

describe("createApp", () => {
  it("reports database health", async () => {
    let up = true;
    const app = createApp({
      logger: createSilentLogger(),
      checkDatabase: async () => {
        if (!up) throw new Error("connection refused");
      },
    });
    expect((await app.request("/healthz")).status).toBe(200);
    up = false;
    const res = await app.request("/healthz");
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ ok: false });
  });
  it("is not ready while starting or shutting down", async () => {
    let ready = false;
    const app = createApp({
      logger: createSilentLogger(),
      checkDatabase: async () => {},
      isReady: () => ready,
    });
    expect((await app.request("/readyz")).status).toBe(503);
    ready = true;
    expect((await app.request("/readyz")).status).toBe(200);
  });
  it("is not ready while the database does not answer, and ready again once it does", async () => {
    let database: "up" | "refusing" | "hanging" = "up";
    const app = createApp({
      logger: createSilentLogger(),
      checkDatabase: () =>
        database === "up"
          ? Promise.resolve()
          : database === "refusing"
            ? Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:5432"))
            : new Promise<void>(() => {}),
      isReady: () => true,
    });
    expect((await app.request("/readyz")).status).toBe(200);
    database = "refusing";
    const refused = await app.request("/readyz");
    expect(refused.status).toBe(503);
    expect(await refused.json()).toEqual({ ready: false, database: "unavailable" });
    database = "hanging";
    const started = performance.now();
    expect((await app.request("/readyz")).status).toBe(503);
    expect(performance.now() - started).toBeLessThan(5000);
    database = "up";
    expect((await app.request("/readyz")).status).toBe(200);
  });
  it("is not ready without ffmpeg, and says what is missing and how to fix it", async () => {
    let ffmpeg: FfmpegStatus = { status: "checking" };
    const app = createApp({
      logger: createSilentLogger(),
      checkDatabase: async () => {},
      isReady: () => true,
      ffmpeg: () => ffmpeg,
    });
    expect((await app.request("/readyz")).status).toBe(503);
    ffmpeg = { status: "missing", message: "ffmpeg was not found: install it (apt-get install ffmpeg)." };
    const missing = await app.request("/readyz");
    expect(missing.status).toBe(503);
    expect(await missing.json()).toEqual({
      ready: false,
      database: "ok",
      ffmpeg: "missing",
      problem: "ffmpeg was not found: install it (apt-get install ffmpeg).",
    });
    ffmpeg = { status: "ok", source: "PATH" };
    const ok = await app.request("/readyz");
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ ready: true, database: "ok", ffmpeg: "ok" });
  });
  it("mounts platform routers at their path", async () => {
    const slack = new Hono().post("/events", (c) => c.text("slack ok"));
    const app = createApp({
      logger: createSilentLogger(),
      checkDatabase: async () => {},
      routers: [{ path: "/slack", app: slack }],
    });
    const res = await app.request("/slack/events", { method: "POST" });
    expect(await res.text()).toBe("slack ok");
    expect((await app.request("/discord/interactions", { method: "POST" })).status).toBe(404);
  });
  it("serves /api/inngest only when a handler is given", async () => {
    const base = { logger: createSilentLogger(), checkDatabase: async () => {} };
    expect((await createApp(base).request("/api/inngest")).status).toBe(404);
    const app = createApp({ ...base, inngestHandler: (c) => c.json({ inngest: true }) });
    expect(await (await app.request("/api/inngest", { method: "PUT" })).json()).toEqual({ inngest: true });
  });
});
