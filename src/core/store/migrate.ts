/**
 * Applies `supabase/migrations/*.sql` in file-name order, keeping the Supabase CLI's own bookkeeping:
 * `supabase_migrations.schema_migrations (version, statements, name)`, where `version` is the file's numeric prefix
 * and `name` the rest of its name (supabase/cli pkg/migration/history.go and file.go). So `supabase db push` and this
 * migrator can run in either order and neither applies a file twice. Each file runs in its own transaction together
 * with its row, under a transaction-scoped advisory lock: a second run does nothing and two processes starting at
 * once never apply a file twice (transaction-scoped locks also work through Supabase's transaction-mode pooler).
 */
import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { PhotoMemoryError } from "../errors.ts";
import type { Db, Queryable } from "./db.ts";

export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(
  new URL("../../../supabase/migrations/", import.meta.url),
);

/** Any fixed 64-bit number shared by every PhotoMemory process ("photomem" in ASCII). */
const MIGRATION_LOCK_KEY = "8101735813226898797";

/** The statements the Supabase CLI runs before reading or writing its history (CreateMigrationTable). */
export const HISTORY_TABLE_SQL = `
create schema if not exists supabase_migrations;
create table if not exists supabase_migrations.schema_migrations (version text not null primary key);
alter table supabase_migrations.schema_migrations add column if not exists statements text[];
alter table supabase_migrations.schema_migrations add column if not exists name text;
`;

/** Where this migrator kept its records before it adopted the CLI's table; read once, then dropped. */
const LEGACY_TABLE = "public.photomemory_migrations";

/** The CLI's pattern for migration file names: `<digits>_<name>.sql`. */
const FILE_NAME = /^([0-9]+)_(.*)\.sql$/;

export interface MigrationFile {
  /** The file name, e.g. `20261126070000_core_schema.sql`. */
  file: string;
  /** Its numeric prefix, the CLI's `version`. */
  version: string;
  /** The rest of the name, the CLI's `name`. */
  name: string;
  sql: string;
}

export interface MigrateResult {
  /** Files applied by this run, in order. */
  applied: string[];
  /** Files that were already recorded (by this migrator or by `supabase db push`). */
  skipped: string[];
}

export async function readMigrationFiles(dir: string = DEFAULT_MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const files = (await readdir(dir)).filter((n) => n.endsWith(".sql")).sort();
  const byVersion = new Map<string, string>();
  for (const file of files) {
    const version = FILE_NAME.exec(file)?.[1];
    const other = version ? byVersion.get(version) : undefined;
    // The history is keyed by version: a second file with the same prefix would be taken as applied and skipped.
    if (version && other)
      throw new PhotoMemoryError(
        "store.migration_failed",
        `The migration files ${other} and ${file} share the version ${version}: give one of them a later prefix.`,
      );
    if (version) byVersion.set(version, file);
  }
  return Promise.all(
    files.map(async (file) => {
      const match = FILE_NAME.exec(file);
      if (!match?.[1]) {
        throw new PhotoMemoryError(
          "store.migration_failed",
          `The migration file ${file} is not named <digits>_<name>.sql, as the Supabase CLI requires.`,
        );
      }
      return { file, version: match[1], name: match[2] ?? "", sql: await readFile(`${dir}/${file}`, "utf8") };
    }),
  );
}

async function lock(tx: Queryable): Promise<void> {
  await tx.query(`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY}::bigint)`);
}

/** Rows of the migrator's former table become CLI history rows; the old table goes. */
async function adoptLegacyHistory(tx: Queryable, files: MigrationFile[]): Promise<void> {
  const [legacy] = await tx.query<{ present: boolean }>(
    `select to_regclass('${LEGACY_TABLE}') is not null as present`,
  );
  if (!legacy?.present) return;
  const rows = await tx.query<{ name: string }>(`select name from ${LEGACY_TABLE}`);
  for (const row of rows) {
    const file = files.find((f) => f.file === row.name);
    const match = FILE_NAME.exec(row.name);
    if (!match?.[1]) continue;
    await tx.query(
      `insert into supabase_migrations.schema_migrations (version, name, statements)
       values ($1, $2, case when $3::text is null then null else array[$3::text] end)
       on conflict (version) do nothing`,
      [match[1], match[2] ?? "", file?.sql ?? null],
    );
  }
  await tx.exec(`drop table ${LEGACY_TABLE}`);
}

/** The first line of a database error, without the statement text the driver may append. */
function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? message;
}

export async function migrate(db: Db, options: { migrationsDir?: string } = {}): Promise<MigrateResult> {
  const files = await readMigrationFiles(options.migrationsDir);

  const recorded = await db.transaction(async (tx) => {
    await lock(tx);
    await tx.exec(HISTORY_TABLE_SQL);
    await adoptLegacyHistory(tx, files);
    const rows = await tx.query<{ version: string }>(
      "select version from supabase_migrations.schema_migrations",
    );
    return new Set(rows.map((r) => r.version));
  });

  // Files recorded by now stay recorded; only the others need their own transaction, lock and check (another process
  // may apply one meanwhile). A start with nothing to apply costs one transaction, not one per file.
  const result: MigrateResult = { applied: [], skipped: [] };
  for (const file of files) {
    if (recorded.has(file.version)) {
      result.skipped.push(file.file);
      continue;
    }
    const applied = await db
      .transaction(async (tx) => {
        await lock(tx);
        const done = await tx.query(
          "select 1 from supabase_migrations.schema_migrations where version = $1",
          [file.version],
        );
        if (done.length > 0) return false;
        await tx.exec(file.sql);
        // The CLI stores the file split into statements; the whole file as one statement reads back the same.
        await tx.query(
          "insert into supabase_migrations.schema_migrations (version, name, statements) values ($1, $2, array[$3::text])",
          [file.version, file.name, file.sql],
        );
        return true;
      })
      .catch((error: unknown) => {
        throw new PhotoMemoryError(
          "store.migration_failed",
          `Applying the migration ${file.file} failed: ${firstLine(error)}. If part of the schema was created by hand or by another tool, record what is already applied (supabase migration repair --status applied ${file.version}) or start from an empty database.`,
          { cause: error },
        );
      });
    (applied ? result.applied : result.skipped).push(file.file);
  }
  return result;
}
