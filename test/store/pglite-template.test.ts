/**
 * A new embedded data folder is a copy of a template (initdb and the migrations done once): a template made before a
 * migration was added, or from other migration files, must still give a fully and correctly migrated folder.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MigrationFile, migrate, readMigrationFiles } from "../../src/core/store/migrate.ts";
import { createPgliteDb, ensureTemplate } from "../../src/core/store/pglite-db.ts";

describe("embedded data folder templates", { timeout: 180_000 }, () => {
  let scratch: string;
  let root: string;
  let files: MigrationFile[];
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), "pm-template-"));
    root = join(scratch, "templates");
    files = await readMigrationFiles();
  });
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  const manifest = async () =>
    (JSON.parse(await readFile(join(root, "migrated.json"), "utf8")) as { file: string }[]).map(
      (e) => e.file,
    );

  /** Opens a new data folder made from the templates with these migrations; returns its history and migrate()'s. */
  async function newFolder(name: string, migrations: readonly MigrationFile[]) {
    const db = await createPgliteDb(join(scratch, name), { migrations, templateRoot: root });
    try {
      const history = await db.query<{ version: string; statements: string[] }>(
        "select version, statements from supabase_migrations.schema_migrations order by version",
      );
      return { history, migrated: await migrate(db) };
    } finally {
      await db.close();
    }
  }

  it("gives a fully migrated folder from a template made before the last migrations", async () => {
    const older = files.slice(0, -2);
    await ensureTemplate(root, older);
    expect(await manifest()).toEqual(older.map((f) => f.file));

    const { history, migrated } = await newFolder("after-new-migrations", files);
    expect(history.map((r) => r.version)).toEqual(files.map((f) => f.version));
    expect(migrated).toEqual({ applied: [], skipped: files.map((f) => f.file) });
    // The template itself was brought up to date for the next folder.
    expect(await manifest()).toEqual(files.map((f) => f.file));
  });

  it("makes the template again from initdb's when its migrations differ from the files", async () => {
    const [first] = files;
    if (!first) throw new Error("no migration files");
    const edited = { ...first, sql: `${first.sql}\n-- edited\n` };
    const { history } = await newFolder("edited-first", [edited]);
    expect(history).toEqual([{ version: first.version, statements: [edited.sql] }]);
    expect(await manifest()).toEqual([first.file]);
  });

  it("leaves a folder asked for without migrations unmigrated, and migrate() applies them all", async () => {
    const db = await createPgliteDb(join(scratch, "plain"), { templateRoot: root });
    try {
      expect((await migrate(db)).applied).toEqual(files.map((f) => f.file));
    } finally {
      await db.close();
    }
  });
});
