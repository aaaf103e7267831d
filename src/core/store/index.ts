/** The data layer's public face: open a database, migrate it, build the Store on it. */
export type { Db, Queryable } from "./db.ts";
export { type MigrateResult, migrate } from "./migrate.ts";
export { type OpenDatabaseOptions, openDatabase } from "./open-database.ts";
export { createPgliteDb } from "./pglite-db.ts";
export { createPostgresDb } from "./postgres-db.ts";
export { RETENTION, SCRATCH_PREFIXES, type SweepResult, sweepRetention } from "./retention.ts";
export { createSqlStore, type SqlStoreOptions } from "./sql-store.ts";
export type * from "./store.ts";
