/**
 * Db driver for the embedded default: PGlite (Postgres compiled to WASM) in a folder on disk. PGlite has one
 * connection, so transactions are serialised here and plain queries wait while a transaction is open (otherwise they
 * would run inside it).
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import { lockDataDir } from "./data-dir-lock.ts";
import type { Db, Queryable } from "./db.ts";

/**
 * PGlite starts Postgres with shared_buffers=128MB, all of it inside the WASM heap once touched: idle RSS of the
 * service was ~470 MB on a restart. The embedded database is small (rows, not photos), so 16 MB of buffers hold it
 * whole; wal_buffers follows shared_buffers.
 */
const PGLITE_CONF = ["shared_buffers=16MB"];

/**
 * A new data folder is initialised (initdb) in a worker thread. initdb runs in a WASM instance of its own whose
 * ~400 MB PGlite keeps reachable while the first instance lives, so a first start idled at 842 MB RSS; a thread's heap
 * is gone when it ends. The worker loads PGlite's CommonJS build by path, so it needs no TypeScript loader.
 */
const INITDB_WORKER = `
const { workerData } = require("node:worker_threads");
const { PGlite } = require(workerData.pglite);
PGlite.create({ dataDir: workerData.dataDir, postgresqlconf: workerData.conf }).then((pg) => pg.close());
`;

async function initdbInWorker(dataDir: string): Promise<void> {
  const pglite = createRequire(import.meta.url).resolve("@electric-sql/pglite");
  await new Promise<void>((resolve, reject) => {
    const worker = new Worker(INITDB_WORKER, {
      eval: true,
      workerData: { pglite, dataDir, conf: PGLITE_CONF },
    });
    worker.once("error", reject);
    worker.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`initialising the embedded database in ${dataDir} failed`)),
    );
  });
}

/** dataDir: a folder (created when missing), or undefined for an in-memory database (tests). */
export async function createPgliteDb(dataDir?: string): Promise<Db> {
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const unlock = dataDir ? await lockDataDir(dataDir) : async () => {};
  let pg: PGlite;
  try {
    if (dataDir && !existsSync(join(dataDir, "PG_VERSION"))) await initdbInWorker(dataDir);
    pg = await PGlite.create({ ...(dataDir ? { dataDir } : {}), postgresqlconf: PGLITE_CONF });
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
