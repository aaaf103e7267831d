/**
 * The playground is a door into the service: off unless it is the embedded default or PLAYGROUND=1, guarded by
 * PLAYGROUND_TOKEN on a public URL, and its conversation ids come from the server, random.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPlaygroundBot } from "../../src/bots/playground/playground-bot.ts";
import { loadConfig } from "../../src/config.ts";
import { createLocalBlobStore } from "../../src/core/blobs/local-blob-store.ts";
import { createSilentLogger } from "../../src/core/log.ts";
import { createApp } from "../../src/http/app.ts";
import { createPlaygroundRoutes } from "../../src/http/playground/routes.ts";
import { startService } from "../../src/main.ts";
import { createHarness, type Harness } from "../memories/harness.ts";

const TOKEN = "0123456789abcdef0123";

describe("when the playground is on", () => {
  it("is on in the embedded default only", () => {
    expect(loadConfig({}).playground.enabled).toBe(true);
    expect(loadConfig({ DATABASE_URL: "postgres://u@db.example.com/app" }).playground.enabled).toBe(false);
    expect(loadConfig({ TELEGRAM_BOT_TOKEN: "123456:ABC-def" }).playground.enabled).toBe(false);
    expect(
      loadConfig({ DATABASE_URL: "postgres://u@db.example.com/app", PLAYGROUND: "1" }).playground.enabled,
    ).toBe(true);
    expect(loadConfig({ PLAYGROUND: "0" }).playground.enabled).toBe(false);
  });

  it("refuses to serve it on a public URL without a token, naming the fix", () => {
    expect(() => loadConfig({ PUBLIC_URL: "https://memories.example.com" })).toThrow(/PLAYGROUND_TOKEN/);
    expect(
      loadConfig({ PUBLIC_URL: "https://memories.example.com", PLAYGROUND_TOKEN: TOKEN }).playground,
    ).toEqual({
      enabled: true,
      token: TOKEN,
    });
    expect(
      loadConfig({ PUBLIC_URL: "https://memories.example.com", PLAYGROUND: "0" }).playground.enabled,
    ).toBe(false);
    expect(loadConfig({ PUBLIC_URL: "http://127.0.0.1:3000" }).playground.enabled).toBe(true);
    expect(() => loadConfig({ PLAYGROUND_TOKEN: "short" })).toThrow(/PLAYGROUND_TOKEN: must be at least 16/);
  });

  it("answers 404 everywhere under /playground when it is off", { timeout: 120_000 }, async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), "pm-playground-off-"));
    const service = await startService(
      loadConfig({ PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, PLAYGROUND: "0" }),
      { logger: createSilentLogger() },
    );
    try {
      expect((await fetch(`${service.url}/playground`)).status).toBe(404);
      expect((await fetch(`${service.url}/playground/api/conversations`, { method: "POST" })).status).toBe(
        404,
      );
      const home = await fetch(`${service.url}/`, { redirect: "manual" });
      expect(home.headers.get("location")).toBe("/healthz");
    } finally {
      await service.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe("the playground behind its token", () => {
  let h: Harness;
  let dir: string;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "pm-playground-token-"));
    const blobs = createLocalBlobStore({ root: path.join(dir, "blobs") });
    h = await createHarness({ blobs });
    app = createApp({
      logger: createSilentLogger(),
      checkDatabase: async () => {},
      playground: createPlaygroundRoutes({
        bot: createPlaygroundBot(h.chat, h.deps, createSilentLogger()),
        blobs,
        token: TOKEN,
      }),
    });
  });
  afterAll(async () => {
    await h.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("answers 401 without the token, to the page and to the API", async () => {
    expect((await app.request("/playground")).status).toBe(401);
    expect((await app.request("/playground?token=wrong-token-wrong-token")).status).toBe(401);
    const api = await app.request("/playground/api/conversations", { method: "POST" });
    expect(api.status).toBe(401);
    expect(await api.json()).toMatchObject({ error: "unauthorized" });
    const read = await app.request("/playground/api/conversations/AAAAAAAAAAAAAAAAAAAAAA/messages");
    expect(read.status).toBe(401);
    const wrong = await app.request("/playground/api/conversations", {
      method: "POST",
      headers: { authorization: "Bearer not-the-token-at-all" },
    });
    expect(wrong.status).toBe(401);
  });

  it("takes the token as a bearer header, or as the cookie the page link sets", async () => {
    const bearer = await app.request("/playground/api/conversations", {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(bearer.status).toBe(201);

    const link = await app.request(`/playground?token=${TOKEN}&conversation=x`);
    expect(link.status).toBe(303);
    expect(link.headers.get("location")).toBe("/playground?conversation=x");
    const cookie = link.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    const page = await app.request("/playground", { headers: { cookie: cookie.split(";")[0] ?? "" } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<html");
  });

  it("answers a broken multipart upload with 400, not a server error", async () => {
    const { id } = (await (
      await app.request("/playground/api/conversations", {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}` },
      })
    ).json()) as { id: string };
    const res = await app.request(`/playground/api/conversations/${id}/photos`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "multipart/form-data" },
      body: '--x\r\nContent-Disposition: form-data; name="photos"; filename="a.jpg"\r\n\r\nnot closed',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "bad_upload" });
  });

  it("issues random conversation ids and refuses short, guessable ones", async () => {
    const issue = async () =>
      (
        (await (
          await app.request("/playground/api/conversations", {
            method: "POST",
            headers: { authorization: `Bearer ${TOKEN}` },
          })
        ).json()) as { id: string }
      ).id;
    const [a, b] = [await issue(), await issue()];
    expect(a).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(b).not.toBe(a);
    const own = await app.request(`/playground/api/conversations/${a}/messages`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(own.status).toBe(200);
    const guessed = await app.request("/playground/api/conversations/my-trip/messages", {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(guessed.status).toBe(400);
  });
});
