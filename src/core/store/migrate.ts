/**
 * Applies `supabase/migrations/*.sql` in file-name order. Each file runs in its own transaction together with its row
 * in `photomemory_migrations`, under a transaction-scoped advisory lock, so a second run does nothing and two
 * processes starting at once never apply a file twice (transaction-scoped locks also work through Supabase's
 * transaction-mode pooler, where session locks would leak).
 */
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Db, Queryable } from "./db.ts";
import { SHIM_PRESENT_SQL, SUPABASE_SHIM_SQL } from "./supabase-shim.ts";

export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(
  new URL("../../../supabase/migrations/", import.meta.url),
);

/** Any fixed 64-bit number shared by every PhotoMemory process ("photomem" in ASCII). */
const MIGRATION_LOCK_KEY = "8101735813226898797";

const MIGRATIONS_TABLE_SQL = `
create table if not exists public.photomemory_migrations (
  name text primary key,
  checksum text not null,
  applied_at timestamptz not null default now()
);
alter table public.photomemory_migrations enable row level security;
revoke all on public.photomemory_migrations from anon, authenticated;
`;

export interface MigrationFile {
  name: string;
  sql: string;
}

export interface MigrateResult {
  /** Files applied by this run, in order. */
  applied: string[];
  /** Files that were already recorded. */
  skipped: string[];
}

export async function readMigrationFiles(dir: string = DEFAULT_MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith(".sql")).sort();
  return Promise.all(names.map(async (name) => ({ name, sql: await readFile(`${dir}/${name}`, "utf8") })));
}

async function lock(tx: Queryable): Promise<void> {
  await tx.query(`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY}::bigint)`);
}

export async function migrate(db: Db, options: { migrationsDir?: string } = {}): Promise<MigrateResult> {
  const files = await readMigrationFiles(options.migrationsDir);

  await db.transaction(async (tx) => {
    await lock(tx);
    const [shim] = await tx.query<{ present: boolean }>(SHIM_PRESENT_SQL);
    if (!shim?.present) await tx.exec(SUPABASE_SHIM_SQL);
    await tx.exec(MIGRATIONS_TABLE_SQL);
  });

  const result: MigrateResult = { applied: [], skipped: [] };
  for (const file of files) {
    const applied = await db.transaction(async (tx) => {
      await lock(tx);
      const done = await tx.query("select 1 from public.photomemory_migrations where name = $1", [file.name]);
      if (done.length > 0) return false;
      await tx.exec(file.sql);
      const checksum = createHash("sha256").update(file.sql).digest("hex");
      await tx.query("insert into public.photomemory_migrations (name, checksum) values ($1, $2)", [
        file.name,
        checksum,
      ]);
      return true;
    });
    (applied ? result.applied : result.skipped).push(file.name);
  }
  return result;
}
