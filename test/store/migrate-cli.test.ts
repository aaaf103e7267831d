/**
 * "Done when": `photomemory migrate` on a fresh Postgres database, run twice through the real CLI, leaves every
 * public table with RLS on and the four enums with exactly the values.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Db } from "../../src/core/store/db.ts";
import { createPostgresDb } from "../../src/core/store/postgres-db.ts";
import { createTestDatabase, describePostgres, type TestDatabase } from "../helpers/postgres.ts";

const run = promisify(execFile);
const CLI = fileURLToPath(new URL("../../bin/photomemory.js", import.meta.url));

describePostgres("photomemory migrate on a fresh Postgres database", () => {
  let database: TestDatabase;
  let db: Db;
  const outputs: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    for (let i = 0; i < 2; i++) {
      const { stdout } = await run(process.execPath, [CLI, "migrate"], {
        env: { ...process.env, DATABASE_URL: database.url },
      });
      outputs.push(stdout);
    }
    db = createPostgresDb(database.url, { max: 1 });
  });
  afterAll(async () => {
    await db?.close();
    await database?.drop();
  });

  it("applies the migrations once and does nothing the second time", () => {
    expect(outputs[0]).toMatch(/applied \d{14}_core_schema\.sql/);
    expect(outputs[1]).toMatch(/up to date/);
    expect(outputs[1]).not.toMatch(/^applied /m);
  });

  it("leaves every public table with Row Level Security on", async () => {
    const tables = await db.query<{ name: string; rls: boolean }>(
      `select c.relname as name, c.relrowsecurity as rls from pg_class c
       join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1`,
    );
    expect(tables.map((t) => t.name)).toEqual(
      expect.arrayContaining([
        "accounts",
        "workspaces",
        "conversations",
        "photos",
        "memory_projects",
        "generated_videos",
        "subscriptions",
        "inbound_deliveries",
        "usage",
      ]),
    );
    expect(tables.filter((t) => !t.rls).map((t) => t.name)).toEqual([]);
  });

  it("creates the four enums with exactly the issue's values", async () => {
    const rows = await db.query<{ name: string; values: string }>(
      `select t.typname as name, string_agg(e.enumlabel, ',' order by e.enumsortorder) as values
       from pg_type t join pg_enum e on e.enumtypid = t.oid join pg_namespace n on n.oid = t.typnamespace
       where n.nspname = 'public' group by t.typname order by 1`,
    );
    expect(Object.fromEntries(rows.map((r) => [r.name, r.values.split(",")]))).toEqual({
      generation_status: ["queued", "processing", "completed", "failed", "cancelled"],
      project_status: ["draft", "processing", "completed", "failed", "cancelled"],
      subscription_status: ["active", "past_due", "cancelled", "unpaid"],
      video_style: ["classic", "modern", "cinematic", "vintage"],
    });
  });

  it("provides what Supabase would: the client roles and auth.uid() from the JWT claims", async () => {
    const roles = await db.query<{ rolname: string; bypass: boolean }>(
      `select rolname, rolbypassrls as bypass from pg_roles
       where rolname in ('anon', 'authenticated', 'service_role') order by 1`,
    );
    expect(roles).toEqual([
      { rolname: "anon", bypass: false },
      { rolname: "authenticated", bypass: false },
      { rolname: "service_role", bypass: true },
    ]);
    const sub = "8f14e45f-ceea-467a-9af0-3d1b2c4a5e6f";
    const [row] = await db.transaction((tx) =>
      tx.query<{ uid: string }>(
        "select set_config('request.jwt.claims', $1, true), auth.uid()::text as uid",
        [JSON.stringify({ sub })],
      ),
    );
    expect(row?.uid).toBe(sub);
  });
});
