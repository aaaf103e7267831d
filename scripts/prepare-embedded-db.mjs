#!/usr/bin/env node
// Run by `npm install` (postinstall): makes the embedded database's templates in node_modules/.cache/photomemory (a
// data folder just after initdb, and one with supabase/migrations applied; see src/core/store/pglite-db.ts), so the
// first `npm start` copies a ready folder instead of spending seconds in initdb and the migrations. Best effort: an
// install without tsx (production images run dist/ and skip install scripts) or any failure leaves it to the first
// start, which makes the templates itself.
try {
  const { register } = await import("tsx/esm/api");
  register();
  const { ensureTemplate, templateRoot } = await import("../src/core/store/pglite-db.ts");
  const { readMigrationFiles } = await import("../src/core/store/migrate.ts");
  const root = await templateRoot();
  if (root) await ensureTemplate(root, await readMigrationFiles());
} catch (error) {
  if (error?.code !== "ERR_MODULE_NOT_FOUND")
    console.error(`The embedded database's template was not made now (the first start makes it): ${error}`);
}
