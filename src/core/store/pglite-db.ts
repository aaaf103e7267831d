/**
 * Db driver for the embedded default: PGlite (Postgres compiled to WASM) in a folder on disk. PGlite has one
 * connection, so transactions are serialised here and plain queries wait while a transaction is open (otherwise they
 * would run inside it).
 */
import { createHash } from "node:crypto";
import { constants, cpSync, existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, sep } from "node:path";
import { Worker } from "node:worker_threads";
import { PGlite, type Transaction } from "@electric-sql/pglite";
import { lockDataDir } from "./data-dir-lock.ts";
import type { Db, Queryable } from "./db.ts";
import { HISTORY_TABLE_SQL, type MigrationFile } from "./migrate.ts";

/**
 * PGlite starts Postgres with shared_buffers=128MB, all of it inside the WASM heap once touched: idle RSS of the
 * service was ~470 MB on a restart. The embedded database is small (rows, not photos), so 16 MB of buffers hold it
 * whole; wal_buffers follows shared_buffers.
 */
const PGLITE_CONF = ["shared_buffers=16MB"];

/**
 * A new data folder is prepared in a worker thread: initdb, and the migrations the caller asks for. initdb runs in a
 * WASM instance of its own whose ~400 MB PGlite keeps reachable while the first instance lives, so a first start
 * idled at 842 MB RSS; a thread's heap is gone when it ends. The worker loads PGlite's CommonJS build by path, so it
 * needs no TypeScript loader. It applies migrations with the migrator's bookkeeping (each file in its own transaction
 * with its history row) and stops at the first that fails: the migrator then reports that one.
 */
const PREPARE_WORKER = `
const { workerData, parentPort } = require("node:worker_threads");
const { PGlite } = require(workerData.pglite);
(async () => {
  const pg = await PGlite.create({ dataDir: workerData.dataDir, postgresqlconf: workerData.conf });
  const applied = [];
  try {
    if (workerData.migrations.length > 0) await pg.exec(workerData.historySql);
    for (const file of workerData.migrations) {
      try {
        await pg.transaction(async (tx) => {
          await tx.exec(file.sql);
          await tx.query(
            "insert into supabase_migrations.schema_migrations (version, name, statements) values ($1, $2, array[$3::text])",
            [file.version, file.name, file.sql],
          );
        });
      } catch {
        break;
      }
      applied.push(file.file);
    }
  } finally {
    await pg.close();
  }
  parentPort.postMessage(applied);
})().catch((error) => { console.error(error); process.exitCode = 1; });
`;

const pgliteMain = () => createRequire(import.meta.url).resolve("@electric-sql/pglite");

/** Creates or opens dataDir in a worker, applies migrations; resolves to the files applied. */
async function prepareInWorker(dataDir: string, migrations: readonly MigrationFile[]): Promise<string[]> {
  return new Promise<string[]>((resolve, reject) => {
    let applied: string[] = [];
    const worker = new Worker(PREPARE_WORKER, {
      eval: true,
      workerData: {
        pglite: pgliteMain(),
        dataDir,
        conf: PGLITE_CONF,
        historySql: HISTORY_TABLE_SQL,
        migrations: migrations.map(({ file, version, name, sql }) => ({ file, version, name, sql })),
      },
    });
    worker.on("message", (files: string[]) => {
      applied = files;
    });
    worker.once("error", reject);
    worker.once("exit", (code) =>
      code === 0
        ? resolve(applied)
        : reject(new Error(`initialising the embedded database in ${dataDir} failed`)),
    );
  });
}

/** A migration as the template's manifest records it: name and content hash. */
interface TemplateEntry {
  file: string;
  sha256: string;
}

const entryOf = (file: MigrationFile): TemplateEntry => ({
  file: file.file,
  sha256: createHash("sha256").update(file.sql).digest("hex"),
});

/**
 * Templates of new data folders, kept in node_modules/.cache/photomemory/pglite-<version>/ (made at `npm install` by
 * scripts/prepare-embedded-db.mjs, else at the first start): `base` is a folder just after initdb, `migrated` the same
 * with migrations applied, listed in `migrated.json`. A new data folder is a copy (~0.1 s) instead of initdb and the
 * migrations in WASM (~4-9 s of CPU). PGlite's version is in the path because its data format may change with it.
 */
export async function templateRoot(): Promise<string | undefined> {
  const main = pgliteMain();
  const at = main.lastIndexOf(`${sep}node_modules${sep}`);
  if (at < 0) return undefined;
  const pkg = JSON.parse(
    await readFile(join(dirname(main), "..", "package.json"), "utf8").catch(() => "{}"),
  ) as { version?: string };
  if (!pkg.version) return undefined;
  return join(main.slice(0, at), "node_modules", ".cache", "photomemory", `pglite-${pkg.version}`);
}

/**
 * Copies a data folder (~1,100 files). fs.cpSync: fs.promises.cp took ~1 s of CPU for it, the synchronous copy ~0.2 s
 * (a clone where the file system can). Runs before the service listens, so blocking is fine.
 */
const copyFolder = (from: string, to: string) =>
  cpSync(from, to, { recursive: true, mode: constants.COPYFILE_FICLONE });

const scratchName = (dir: string) => `${dir}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

/**
 * Moves a finished folder into place. `base` never changes, so one made by another process first is kept; `migrated`
 * is replaced (a reader copying the old one meanwhile fails its copy and makes its data folder itself).
 */
async function publish(scratch: string, target: string, replace: boolean): Promise<void> {
  const old = scratchName(target);
  if (replace) await rename(target, old).catch(() => {});
  try {
    await rename(scratch, target);
  } catch {
    await rm(scratch, { recursive: true, force: true });
  }
  if (replace) await rm(old, { recursive: true, force: true });
}

async function readManifest(path: string): Promise<TemplateEntry[] | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as TemplateEntry[];
  } catch {
    return undefined;
  }
}

/**
 * The template folder to copy for a new data folder with these migrations, made or brought up to date first. A
 * template whose migrations are an earlier part of the list (a migration was added since) gets the rest applied; one
 * that disagrees (another branch's files, an edited file) is made again from `base`.
 */
export async function ensureTemplate(root: string, migrations: readonly MigrationFile[]): Promise<string> {
  await mkdir(root, { recursive: true });
  const base = join(root, "base");
  if (!existsSync(join(base, "PG_VERSION"))) {
    const scratch = scratchName(base);
    await prepareInWorker(scratch, []);
    await publish(scratch, base, false);
  }
  if (migrations.length === 0) return base;
  const migrated = join(root, "migrated");
  const manifestPath = join(root, "migrated.json");
  const wanted = migrations.map(entryOf);
  const manifest = existsSync(join(migrated, "PG_VERSION")) ? await readManifest(manifestPath) : undefined;
  const sameAs = (a: TemplateEntry, b: TemplateEntry | undefined) =>
    a.file === b?.file && a.sha256 === b.sha256;
  // The template's migrations, when they are the first of the wanted ones (a later file was added since).
  const prefix = manifest?.every((entry, i) => sameAs(entry, wanted[i])) ? manifest : undefined;
  if (prefix && prefix.length === wanted.length) return migrated;

  const scratch = scratchName(migrated);
  copyFolder(prefix ? migrated : base, scratch);
  const pending = migrations.slice(prefix?.length ?? 0);
  const applied = new Set(await prepareInWorker(scratch, pending));
  const done = [...(prefix ?? []), ...pending.filter((f) => applied.has(f.file)).map(entryOf)];
  await publish(scratch, migrated, true);
  await writeFile(`${manifestPath}.tmp-${process.pid}`, JSON.stringify(done));
  await rename(`${manifestPath}.tmp-${process.pid}`, manifestPath);
  return migrated;
}

/**
 * Fills the new (empty) data folder dataDir from a template; false when there is none to use (no node_modules
 * folder to keep it in, a read-only install), and dataDir is left empty.
 */
async function fillFromTemplate(
  dataDir: string,
  migrations: readonly MigrationFile[],
  root: string | undefined,
): Promise<boolean> {
  if (!root) return false;
  const scratch = scratchName(dataDir);
  try {
    const template = await ensureTemplate(root, migrations);
    copyFolder(template, scratch);
    await rm(dataDir, { recursive: true, force: true });
    await rename(scratch, dataDir);
    return true;
  } catch {
    await rm(scratch, { recursive: true, force: true });
    await mkdir(dataDir, { recursive: true });
    return false;
  }
}

export interface PgliteDbOptions {
  /**
   * Migrations a new data folder starts with (the service passes all of them: the folder is a copy of a migrated
   * template, and migrate() applies what the template lacks). Without, a new folder has none applied.
   */
  migrations?: readonly MigrationFile[];
  /** Where templates are kept (tests); default {@link templateRoot}. */
  templateRoot?: string;
}

/** dataDir: a folder (created when missing), or undefined for an in-memory database (tests). */
export async function createPgliteDb(dataDir?: string, options: PgliteDbOptions = {}): Promise<Db> {
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const unlock = dataDir ? await lockDataDir(dataDir) : async () => {};
  let pg: PGlite;
  try {
    if (dataDir && !existsSync(join(dataDir, "PG_VERSION"))) {
      const empty = (await readdir(dataDir)).length === 0;
      const migrations = options.migrations ?? [];
      const root = options.templateRoot ?? (await templateRoot());
      if (!(empty && (await fillFromTemplate(dataDir, migrations, root))))
        await prepareInWorker(dataDir, migrations);
    }
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
    async listen(channel, onPayload, onListen) {
      // One process, one connection: the LISTEN is never lost.
      const unsubscribe = await exclusive(() => pg.listen(channel, onPayload));
      onListen?.();
      return () => exclusive(() => unsubscribe());
    },
    async close() {
      await exclusive(() => pg.close());
      await unlock();
    },
  };
}
