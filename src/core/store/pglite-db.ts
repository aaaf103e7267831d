/**
 * Db driver for the embedded default: PGlite (Postgres compiled to WASM) in a folder on disk. PGlite has one
 * connection, so transactions are serialised here and plain queries wait while a transaction is open (otherwise they
 * would run inside it).
 */
import { mkdir } from "node:fs/promises";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import { lockDataDir } from "./data-dir-lock.ts";
import type { Db, Queryable } from "./db.ts";

/** dataDir: a folder (created when missing), or undefined for an in-memory database (tests). */
export async function createPgliteDb(dataDir?: string): Promise<Db> {
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const unlock = dataDir ? await lockDataDir(dataDir) : async () => {};
  let pg: PGlite;
  try {
    pg = await PGlite.create(dataDir ? { dataDir } : {});
  } catch (e) {
    await unlock();
    throw e;
  }
  let tail: Promise<unknown> = Promise.resolve();

  // Everything goes through one queue so a transaction never sees a stranger's statement.
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => {});
    return run;
  };

  const wrap = (q: PGlite | Transaction): Queryable => ({
    async query<T>(text: string, params: readonly unknown[] = []): Promise<T[]> {
      const result = await q.query<T>(text, params as unknown[]);
      return result.rows;
    },
    async exec(text: string): Promise<void> {
      await q.exec(text);
    },
  });
  const direct = wrap(pg);

  return {
    kind: "pglite",
    query: (text, params) => exclusive(() => direct.query(text, params)),
    exec: (text) => exclusive(() => direct.exec(text)),
    transaction: (fn) => exclusive(() => pg.transaction((tx) => fn(wrap(tx)))),
    async listen(channel, onPayload) {
      const unsubscribe = await exclusive(() => pg.listen(channel, onPayload));
      return () => exclusive(() => unsubscribe());
    },
    async close() {
      await exclusive(() => pg.close());
      await unlock();
    },
  };
}
