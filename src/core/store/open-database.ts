/** Opens the database the service runs on: DATABASE_URL when given, else the embedded PGlite under DATA_DIR/db. */
import { join } from "node:path";
import type { Db } from "./db.ts";
import { createPgliteDb } from "./pglite-db.ts";
import { createPostgresDb } from "./postgres-db.ts";

export interface OpenDatabaseOptions {
  /** A Postgres URL (Supabase's pooled connection string in production). */
  databaseUrl?: string | undefined;
  /** Root of local state (default `./.data`); PGlite lives in `<dataDir>/db`. */
  dataDir: string;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<Db> {
  if (options.databaseUrl) return createPostgresDb(options.databaseUrl);
  return createPgliteDb(join(options.dataDir, "db"));
}
