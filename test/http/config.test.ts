import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";

describe("loadConfig", () => {
  it("runs with no configuration at all on embedded defaults", () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.database).toEqual({ kind: "pglite", dataDir: path.resolve(".data") });
    expect(config.blobs).toEqual({ kind: "local", root: path.resolve(".data", "blobs") });
    expect(config.jobs.kind).toBe("embedded");
    expect(config.script.kind).toBe("offline");
  });
  it("switches to production services when their variables are set", () => {
    const config = loadConfig({
      DATABASE_URL: "postgres://u@db.example.com:5432/app",
      OPENAI_API_KEY: "sk-test",
      INNGEST_SIGNING_KEY: "signkey-prod-abc",
      SUPABASE_URL: "https://abc.supabase.co",
      SUPABASE_SERVICE_ROLE_KEY: "service-role",
      PORT: "8080",
    });
    expect(config.database.kind).toBe("postgres");
    expect(config.script).toMatchObject({ kind: "openai", model: "gpt-4o-mini" });
    expect(config.jobs.kind).toBe("inngest");
    expect(config.blobs.kind).toBe("supabase");
    expect(config.port).toBe(8080);
  });
  it("names the bad variable", () => {
    expect(() => loadConfig({ PORT: "eighty" })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ SUPABASE_URL: "https://abc.supabase.co" })).toThrow(
      /SUPABASE_SERVICE_ROLE_KEY/,
    );
  });
  it("runs everything in one process unless PHOTOMEMORY_ROLE says web or worker, which need Postgres", () => {
    expect(loadConfig({}).role).toBe("all");
    expect(() => loadConfig({ PHOTOMEMORY_ROLE: "worker" })).toThrow(
      /PHOTOMEMORY_ROLE=worker needs DATABASE_URL/,
    );
    expect(() => loadConfig({ PHOTOMEMORY_ROLE: "janitor" })).toThrow(/PHOTOMEMORY_ROLE/);
    const postgres = { DATABASE_URL: "postgres://u@db.example.com:5432/app", PLAYGROUND: "1" };
    const worker = loadConfig({ ...postgres, PHOTOMEMORY_ROLE: "worker", JOB_LEASE_MS: "5000" });
    expect(worker.role).toBe("worker");
    expect(worker.playground.enabled).toBe(false);
    expect(worker.jobs).toEqual({ kind: "embedded", leaseTtlMs: 5000 });
    expect(loadConfig({ ...postgres, PHOTOMEMORY_ROLE: "web" }).playground.enabled).toBe(true);
  });
});

describe(".env.example", () => {
  it("documents every variable the service and the platforms read, and is itself a valid configuration", async () => {
    const { readFile } = await import("node:fs/promises");
    const { SERVICE_VARIABLES } = await import("../../src/config.ts");
    const { slackEnvSchema } = await import("../../src/bots/slack/config.ts");
    const { discordEnvSchema } = await import("../../src/bots/discord/config.ts");
    const { telegramEnvSchema } = await import("../../src/bots/telegram/config.ts");
    const text = await readFile(new URL("../../.env.example", import.meta.url), "utf8");
    const entries = Object.fromEntries(
      text
        .split("\n")
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
    const read = [
      ...SERVICE_VARIABLES,
      ...Object.keys(slackEnvSchema.shape),
      ...Object.keys(discordEnvSchema.shape),
      ...Object.keys(telegramEnvSchema.shape),
    ];
    expect(read.filter((name) => !(name in entries))).toEqual([]);
    // Each documented variable has a comment line right above it (or above its group).
    for (const name of Object.keys(entries))
      expect(text).toMatch(new RegExp(`#[^\\n]*\\n(?:[A-Z_]+=[^\\n]*\\n)*${name}=`));
    const config = loadConfig(entries);
    expect(config.database.kind).toBe("pglite");
    expect(config.jobs.kind).toBe("embedded");
    expect(config.script.kind).toBe("offline");
  });
});
