/**
 * Retention on PGlite and real Postgres: finished job runs (with their steps), answered deliveries and the
 * playground log go after their time; unfinished runs, recent rows and live scratch folders stay.
 */
import { mkdir, mkdtemp, readdir, rm, utimes } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../src/core/store/db.ts";
import { migrate } from "../../src/core/store/migrate.ts";
import { createPgliteDb } from "../../src/core/store/pglite-db.ts";
import { sweepRetention } from "../../src/core/store/retention.ts";
import { describePostgres, migratedTestPostgres } from "../helpers/postgres.ts";

const DAY = 86_400_000;

function retentionSuite(open: () => Promise<{ db: Db; close(): Promise<void> }>) {
  let handle: { db: Db; close(): Promise<void> };
  beforeAll(async () => {
    handle = await open();
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("sweeps what is old and finished, keeps the rest", async () => {
    const { db } = handle;
    const now = new Date();
    const ago = (days: number) => new Date(now.getTime() - days * DAY).toISOString();
    const run = (id: string, status: string, updatedDaysAgo: number) =>
      db.query(
        `insert into job_runs (id, function_id, event_name, event, status, updated_at)
         values ($1, 'render-memory', 'memory/requested', '{}'::jsonb, $2, $3)`,
        [id, status, ago(updatedDaysAgo)],
      );
    await run("run_old_done", "completed", 20);
    await run("run_old_failed", "failed", 15);
    await run("run_old_but_queued", "queued", 40);
    await run("run_recent_done", "completed", 2);
    await db.query(
      `insert into job_steps (run_id, step_id, output) values ('run_old_done', 'render', '{}'::jsonb),
       ('run_recent_done', 'render', '{}'::jsonb)`,
    );
    await db.query(
      `insert into inbound_deliveries (source, delivery_id, status, updated_at) values
       ('slack', 'Ev_old', 'done', $1), ('slack', 'Ev_recent', 'done', $2), ('slack', 'Ev_stuck', 'processing', $1)`,
      [ago(30), ago(1)],
    );
    await db.query(
      `insert into playground_messages (channel_id, sender, body, created_at) values
       ('old-chat', 'user', 'hello', $1), ('new-chat', 'user', 'hi', $2)`,
      [ago(45), ago(3)],
    );

    const scratch = await mkdtemp(join(tmpdir(), "pm-retention-"));
    try {
      const stale = join(scratch, "photomemory-render-abc");
      const live = join(scratch, "photomemory-deliver-def");
      const other = join(scratch, "someone-elses-folder");
      for (const dir of [stale, live, other]) await mkdir(dir);
      const twoDaysAgo = new Date(now.getTime() - 2 * DAY);
      await utimes(stale, twoDaysAgo, twoDaysAgo);
      await utimes(other, twoDaysAgo, twoDaysAgo);

      const swept = await sweepRetention(db, { tmpDir: scratch, now });
      expect(swept).toEqual({ jobRuns: 2, deliveries: 1, playgroundMessages: 1, scratchFolders: 1 });

      const runs = await db.query<{ id: string }>("select id from job_runs order by id");
      expect(runs.map((r) => r.id)).toEqual(["run_old_but_queued", "run_recent_done"]);
      const steps = await db.query<{ run_id: string }>("select run_id from job_steps");
      expect(steps.map((s) => s.run_id)).toEqual(["run_recent_done"]);
      const deliveries = await db.query<{ delivery_id: string }>(
        "select delivery_id from inbound_deliveries order by delivery_id",
      );
      expect(deliveries.map((d) => d.delivery_id)).toEqual(["Ev_recent", "Ev_stuck"]);
      const messages = await db.query<{ channel_id: string }>("select channel_id from playground_messages");
      expect(messages.map((m) => m.channel_id)).toEqual(["new-chat"]);
      expect((await readdir(scratch)).sort()).toEqual(["photomemory-deliver-def", "someone-elses-folder"]);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
}

describe("retention on PGlite", () => {
  retentionSuite(async () => {
    const db = await createPgliteDb();
    await migrate(db);
    return { db, close: () => db.close() };
  });
});

describePostgres("retention on Postgres", () => {
  retentionSuite(migratedTestPostgres);
});
