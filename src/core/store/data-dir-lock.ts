/**
 * One process at a time per embedded database: PGlite does not lock its folder, and two processes writing the
 * same data files corrupt it (e.g. `photomemory migrate` while the service runs). The lock is a file next to the
 * folder holding the owner's pid; a lock whose process is gone is taken over.
 */
import { open, readFile, rm } from "node:fs/promises";
import { resolve } from "node:path";
import { PhotoMemoryError } from "../errors.ts";

const heldHere = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === "EPERM";
  }
}

/** Takes the lock for dataDir; resolves to its release function. */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const dir = resolve(dataDir);
  const lockPath = `${dir}.lock`;
  const inUse = (who: string) =>
    new PhotoMemoryError(
      "store.busy",
      `The embedded database in ${dir} is in use by ${who}. Stop it first, or use Postgres through DATABASE_URL.`,
    );
  if (heldHere.has(dir)) throw inUse("this process");

  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockPath, "wx");
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      heldHere.add(dir);
      return async () => {
        heldHere.delete(dir);
        await rm(lockPath, { force: true });
      };
    } catch (e) {
      if ((e as { code?: string }).code !== "EEXIST") throw e;
      const owner = Number.parseInt(await readFile(lockPath, "utf8").catch(() => ""), 10);
      // Our own pid in a lock we do not hold is a leftover of an earlier run (containers reuse small pids).
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
        throw inUse(`process ${owner}`);
      }
      await rm(lockPath, { force: true });
    }
  }
  throw inUse("another process");
}
