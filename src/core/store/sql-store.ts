/** The one Store implementation: plain SQL over the Db query interface (Postgres or PGlite). */
import type { Db } from "./db.ts";
import type { Store } from "./store.ts";

export interface SqlStoreOptions {
  /** 32-byte key (base64 or hex) that encrypts bot tokens at rest; required only to store or read tokens. */
  tokenEncryptionKey?: string | undefined;
}

export function createSqlStore(_db: Db, _options: SqlStoreOptions = {}): Store {
  throw new Error("not implemented yet");
}
