/**
 * The minimal query interface the Store and the migrator run on. Two drivers implement it: `postgres` (porsager) for
 * DATABASE_URL and PGlite for the embedded default. SQL uses `$1` placeholders; JSON parameters are passed as strings
 * and cast with `$n::text::jsonb` so both drivers send them the same way.
 */
export interface Queryable {
  /** One statement with positional parameters; returns the rows. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: "postgres" | "pglite";
  /**
   * Runs fn in one transaction: committed when fn resolves, rolled back when it throws. Inside fn use only `tx`:
   * on PGlite (one connection) a call on the Db itself waits for the transaction to end, i.e. forever.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Subscribes to a Postgres NOTIFY channel (e.g. `video_progress`); resolves to an unsubscribe function.
   * With Supabase, use the direct or session-mode connection string: the transaction-mode pooler drops LISTEN.
   * `onListen` is called each time the LISTEN is in place: first, and again after the driver re-listened on a new
   * connection (notifications sent in between were lost). postgres.js gives up re-listening silently when the database
   * is still down at that moment: a listener that must not go deaf checks it still hears its own NOTIFY.
   */
  listen(
    channel: string,
    onPayload: (payload: string) => void,
    onListen?: () => void,
  ): Promise<() => Promise<void>>;
  close(): Promise<void>;
}
