/** The embedded database on disk: survives a restart, and refuses a second opener instead of corrupting. */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isPhotoMemoryError } from "../../src/core/errors.ts";
import { migrate } from "../../src/core/store/migrate.ts";
import { openDatabase } from "../../src/core/store/open-database.ts";
import { createSqlStore } from "../../src/core/store/sql-store.ts";

const run = promisify(execFile);
const CLI = fileURLToPath(new URL("../../bin/photomemory.js", import.meta.url));

describe("embedded PGlite in DATA_DIR", () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "pm-data-"));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it("keeps rows across a restart and refuses a second opener while open", async () => {
    const channelId = randomUUID();
    const first = await openDatabase({ dataDir });
    await migrate(first);
    const created = await createSqlStore(first).upsertConversation({ platform: "playground", channelId });

    const second = await openDatabase({ dataDir }).catch((e: unknown) => e);
    expect(isPhotoMemoryError(second, "store.busy")).toBe(true);
    // Another process (the CLI) is refused too, with a readable message.
    const cli = await run(process.execPath, [CLI, "migrate"], {
      env: { ...process.env, DATABASE_URL: "", DATA_DIR: dataDir },
    }).catch((e: { code?: number; stderr?: string }) => e);
    expect((cli as { code?: number }).code).toBe(1);
    expect((cli as { stderr?: string }).stderr).toMatch(/in use by process \d+/);
    await first.close();

    const reopened = await openDatabase({ dataDir });
    try {
      expect((await migrate(reopened)).applied).toEqual([]);
      expect((await createSqlStore(reopened).getConversation(created.id))?.channelId).toBe(channelId);
    } finally {
      await reopened.close();
    }
  });
});
