/** The migration folder itself: every file has its own version, and a clash is refused with both names. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { readMigrationFiles } from "../../src/core/store/migrate.ts";

it("gives every file in supabase/migrations its own version", async () => {
  const files = await readMigrationFiles();
  expect(new Set(files.map((f) => f.version)).size).toBe(files.length);
});

it("refuses two files with the same version, naming both", async () => {
  const dir = await mkdtemp(join(tmpdir(), "pm-migrations-"));
  try {
    await writeFile(join(dir, "20261207150000_a.sql"), "select 1;");
    await writeFile(join(dir, "20261207150000_b.sql"), "select 2;");
    await expect(readMigrationFiles(dir)).rejects.toThrow(
      /20261207150000_a\.sql and 20261207150000_b\.sql share the version 20261207150000/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
