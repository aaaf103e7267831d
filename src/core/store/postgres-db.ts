/** Db driver for a real Postgres (Supabase, or any Postgres 15+) through `postgres` (porsager). */
import postgres from "postgres";
import type { Db, Queryable } from "./db.ts";

export interface PostgresDbOptions {
  /** Pool size per process; Supabase's pooler multiplexes these. */
  max?: number;
}

export function createPostgresDb(databaseUrl: string, options: PostgresDbOptions = {}): Db {
  const sql = postgres(databaseUrl, {
    // Supabase's pooler in transaction mode cannot keep prepared statements across transactions.
    prepare: false,
    max: options.max ?? 10,
    // Give idle connections back to Supabase's pooler; fail fast when the database is unreachable.
    idle_timeout: 30,
    connect_timeout: 15,
    onnotice: () => {},
    connection: { application_name: "photomemory" },
  });

  const wrap = (q: postgres.Sql | postgres.TransactionSql): Queryable => ({
    async query<T>(text: string, params: readonly unknown[] = []): Promise<T[]> {
      const rows = await q.unsafe(text, params as postgres.ParameterOrJSON<never>[]);
      return [...rows] as T[];
    },
    async exec(text: string): Promise<void> {
      // Without parameters porsager uses the simple protocol, which accepts several statements.
      await q.unsafe(text);
    },
  });

  const base = wrap(sql);
  return {
    kind: "postgres",
    query: base.query,
    exec: base.exec,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return (await sql.begin((tx) => fn(wrap(tx)))) as T;
    },
    async listen(channel, onPayload, onListen) {
      const { unlisten } = await sql.listen(channel, onPayload, onListen);
      return unlisten;
    },
    async close() {
      await sql.end({ timeout: 5 });
    },
  };
}
