/**
 * One migration bookkeeping for the Supabase CLI and the service: `supabase db push` (the real CLI, from npm) then
 * the service starting, and the reverse, both work on a fresh Postgres and apply nothing twice. A database whose
 * schema was made another way stops the start with one sentence naming the file, not a stack trace.
 */
import { execFile } from "node:child_process";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { isPhotoMemoryError } from "../../src/core/errors.ts";
import { createSilentLogger } from "../../src/core/log.ts";
import type { Db } from "../../src/core/store/db.ts";
import { migrate, readMigrationFiles } from "../../src/core/store/migrate.ts";
import { createPgliteDb } from "../../src/core/store/pglite-db.ts";
import { createPostgresDb } from "../../src/core/store/postgres-db.ts";
import { startService } from "../../src/main.ts";
import { createTestDatabase, describePostgres, type TestDatabase } from "../helpers/postgres.ts";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const SUPABASE = path.join(ROOT, "node_modules", ".bin", "supabase");

let workdir = "";
const databases: TestDatabase[] = [];
const dbs: Db[] = [];

beforeAll(async () => {
  // The CLI keeps state in <workdir>/supabase/.temp: give it a copy of the project's supabase/ folder.
  workdir = await mkdtemp(path.join(tmpdir(), "pm-supabase-cli-"));
  await cp(path.join(ROOT, "supabase"), path.join(workdir, "supabase"), {
    recursive: true,
    filter: (src) => !src.includes(".temp"),
  });
});
afterAll(async () => {
  for (const db of dbs) await db.close();
  for (const database of databases) await database.drop();
  if (workdir) await rm(workdir, { recursive: true, force: true });
});

async function freshDatabase(): Promise<{ database: TestDatabase; db: Db }> {
  const database = await createTestDatabase();
  databases.push(database);
  const db = createPostgresDb(database.url, { max: 2 });
  dbs.push(db);
  return { database, db };
}

async function dbPush(url: string): Promise<string> {
  const { stdout, stderr } = await run(
    SUPABASE,
    ["db", "push", `--remote=${url}`, "--yes", "--workdir", workdir],
    {
      env: { ...process.env, SUPABASE_TELEMETRY_DISABLED: "1", DO_NOT_TRACK: "1" },
      timeout: 120_000,
    },
  );
  return stdout + stderr;
}

async function history(db: Db) {
  return db.query<{ version: string; name: string; statements: number }>(
    "select version, name, coalesce(cardinality(statements), 0) as statements from supabase_migrations.schema_migrations order by version",
  );
}

async function startAndCheck(url: string) {
  const dataDir = await mkdtemp(path.join(tmpdir(), "pm-cli-start-"));
  const service = await startService(
    loadConfig({ PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, DATABASE_URL: url }),
    { logger: createSilentLogger() },
  );
  try {
    return (await service.app.request("/healthz")).status;
  } finally {
    await service.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

describePostgres("Supabase CLI and the service share one migration history", () => {
  it("supabase db push, then the service starts and applies nothing", { timeout: 240_000 }, async () => {
    const { database, db } = await freshDatabase();
    const files = await readMigrationFiles();
    const pushed = await dbPush(database.url);
    for (const f of files) expect(pushed).toContain(`Applying migration ${f.file}`);
    const rows = await history(db);
    expect(rows.map((r) => [r.version, r.name])).toEqual(files.map((f) => [f.version, f.name]));

    expect(await startAndCheck(database.url)).toBe(200);
    expect(await migrate(db)).toEqual({ applied: [], skipped: files.map((f) => f.file) });
    expect(await history(db)).toEqual(rows);
  });

  it("the service first, then supabase db push finds nothing to do", { timeout: 240_000 }, async () => {
    const { database, db } = await freshDatabase();
    const files = await readMigrationFiles();
    expect(await startAndCheck(database.url)).toBe(200);
    const rows = await history(db);
    expect(rows.map((r) => [r.version, r.name])).toEqual(files.map((f) => [f.version, f.name]));
    expect(rows.every((r) => r.statements > 0)).toBe(true);

    const pushed = await dbPush(database.url);
    expect(pushed).not.toContain("Applying migration");
    expect(pushed).toMatch(/up to date/i);
    expect(await history(db)).toEqual(rows);
  });

  it("adopts the history of the migrator's former table and drops it", { timeout: 120_000 }, async () => {
    const { db } = await freshDatabase();
    const files = await readMigrationFiles();
    await migrate(db);
    // What a database migrated before the switch looks like: no CLI history, the old table, no shim file recorded.
    await db.exec(`drop schema supabase_migrations cascade;
      create table public.photomemory_migrations (name text primary key, checksum text not null);`);
    for (const f of files.slice(1)) {
      await db.query("insert into public.photomemory_migrations (name, checksum) values ($1, 'x')", [f.file]);
    }
    const result = await migrate(db);
    expect(result.applied).toEqual([files[0]?.file]);
    expect((await history(db)).map((r) => r.version)).toEqual(files.map((f) => f.version));
    const [legacy] = await db.query<{ present: boolean }>(
      "select to_regclass('public.photomemory_migrations') is not null as present",
    );
    expect(legacy?.present).toBe(false);
  });

  it("stops the start with one sentence naming the file when the schema exists without history", async () => {
    const { database, db } = await freshDatabase();
    await db.exec("create type public.video_style as enum ('classic')");
    const failure = await startAndCheck(database.url).then(
      () => null,
      (error: unknown) => error,
    );
    expect(isPhotoMemoryError(failure, "store.migration_failed")).toBe(true);
    const message = (failure as Error).message;
    expect(message).toContain("_core_schema.sql");
    expect(message).toContain('type "video_style" already exists');
    expect(message).not.toContain("\n");
  });
});

it("keeps the same history on PGlite", { timeout: 120_000 }, async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "pm-pglite-history-"));
  const db = await createPgliteDb(dir);
  try {
    const files = await readMigrationFiles();
    expect((await migrate(db)).applied).toEqual(files.map((f) => f.file));
    expect((await history(db)).map((r) => [r.version, r.name])).toEqual(
      files.map((f) => [f.version, f.name]),
    );
    expect((await migrate(db)).applied).toEqual([]);
  } finally {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  }
});
