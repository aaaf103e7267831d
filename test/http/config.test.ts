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
});
