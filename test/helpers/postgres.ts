/**
 * Real Postgres for tests: a fresh database per suite on the server named by TEST_DATABASE_URL (an admin URL;
 * default postgres://postgres@127.0.0.1:5432/postgres), dropped afterwards. The suites always run: an unreachable
 * server fails them, saying so (`npm test` first starts this machine's local cluster when it is down).
 */
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { describe } from "vitest";
import type { Db } from "../../src/core/store/db.ts";
import { migrate } from "../../src/core/store/migrate.ts";
import { createPostgresDb } from "../../src/core/store/postgres-db.ts";

export const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

async function probe(): Promise<string | null> {
  const sql = postgres(ADMIN_URL, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  } finally {
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

/** Why Postgres cannot be used, or null when it can. Checked once per test file. */
export const postgresUnreachable: string | null = await probe();

/** describe() for suites that need real Postgres: they always run, and an unreachable server fails them. */
export function describePostgres(name: string, fn: () => void): void {
  describe(name, fn);
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@");
}

export interface TestDatabase {
  /** Connection URL of the fresh database. */
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** Creates `pm_test_<random>`; drop() removes it (closing stray connections first). */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (postgresUnreachable)
    throw new Error(
      `Postgres at ${redact(ADMIN_URL)} is unreachable (${postgresUnreachable}): start it or set TEST_DATABASE_URL.`,
    );
  const name = `pm_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end({ timeout: 1 });
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const sql = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
      try {
        await sql.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await sql.end({ timeout: 1 });
      }
    },
  };
}

/** A fresh Postgres database for a suite (not migrated: a contract suite migrates it), with close() that drops it. */
export async function openTestPostgres(): Promise<{ db: Db; close(): Promise<void> }> {
  const database = await createTestDatabase();
  const db = await createPostgresDb(database.url);
  return {
    db,
    async close() {
      await db.close();
      await database.drop();
    },
  };
}

/** A fresh migrated Postgres database for a suite, with close() that disconnects and drops it. */
export async function migratedTestPostgres(): Promise<{ db: Db; close(): Promise<void> }> {
  const opened = await openTestPostgres();
  await migrate(opened.db);
  return opened;
}
