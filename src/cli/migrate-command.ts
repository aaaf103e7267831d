/**
 * `photomemory migrate`: applies supabase/migrations to DATABASE_URL when set, else to the embedded PGlite under
 * DATA_DIR (default ./.data). Safe to run twice and from two processes at once. The service also runs it at start.
 */
import { migrate, openDatabase } from "../core/store/index.ts";

const USAGE = `Usage: photomemory migrate

Applies the database migrations (supabase/migrations/*.sql) in order and records each one.
  DATABASE_URL   Postgres / Supabase connection string; when unset, the embedded PGlite database is used
  DATA_DIR       where the embedded database lives (default ./.data; the database is in DATA_DIR/db)
`;

/** Hides the password of a connection string. */
function describeTarget(databaseUrl: string | undefined, dataDir: string): string {
  if (!databaseUrl) return `embedded PGlite in ${dataDir}/db`;
  try {
    const url = new URL(databaseUrl);
    if (url.password) url.password = "***";
    return url.toString();
  } catch {
    return "DATABASE_URL";
  }
}

export async function runMigrateCommand(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (argv.length > 0) {
    process.stderr.write(`photomemory migrate: unexpected argument "${argv[0]}".\n\n${USAGE}`);
    return 2;
  }
  const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;
  const dataDir = process.env.DATA_DIR?.trim() || "./.data";
  const target = describeTarget(databaseUrl, dataDir);
  let db: Awaited<ReturnType<typeof openDatabase>> | undefined;
  try {
    db = await openDatabase({ databaseUrl, dataDir });
    const result = await migrate(db);
    for (const name of result.applied) process.stdout.write(`applied ${name}\n`);
    process.stdout.write(
      result.applied.length === 0
        ? `${target} is up to date (${result.skipped.length} migrations already applied).\n`
        : `${target}: applied ${result.applied.length}, already applied ${result.skipped.length}.\n`,
    );
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`photomemory migrate: migrating ${target} failed: ${message}\n`);
    return 1;
  } finally {
    await db?.close().catch(() => {});
  }
}
