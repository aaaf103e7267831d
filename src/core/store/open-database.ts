/**
 * Opens the database the service runs on: DATABASE_URL when given, else the embedded PGlite under DATA_DIR/db. Only
 * the chosen driver is loaded. A new embedded folder starts as a copy of a template with the migrations applied.
 */
import { join } from "node:path";
import type { Db } from "./db.ts";
import { readMigrationFiles } from "./migrate.ts";

export interface OpenDatabaseOptions {
  /** A Postgres URL (Supabase's pooled connection string in production). */
  databaseUrl?: string | undefined;
  /** Root of local state (default `./.data`); PGlite lives in `<dataDir>/db`. */
  dataDir: string;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Db> {
  if (options.databaseUrl) return (await import("./postgres-db.ts")).createPostgresDb(options.databaseUrl);
  const { createPgliteDb } = await import("./pglite-db.ts");
  return createPgliteDb(join(options.dataDir, "db"), { migrations: await readMigrationFiles() });
}
