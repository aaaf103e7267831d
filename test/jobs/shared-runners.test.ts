/**
 * Several embedded runners on one Postgres (PHOTOMEMORY_ROLE=worker processes): each run is claimed by one runner,
 * the per-account concurrency holds across runners, a run whose runner stopped renewing its lease is taken over and
 * resumes from its last completed step, and a runner that lost a run records nothing over the new holder.
 */
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import type { Db } from "../../src/core/store/db.ts";
import { defineFunction } from "../../src/jobs/define-function.ts";
import { createEmbeddedRunner, type EmbeddedRunner } from "../../src/jobs/embedded-runner.ts";
import { describePostgres, migratedTestPostgres } from "../helpers/postgres.ts";
import { gate, memoryRequestedData, silentLogger } from "./helpers.ts";

describePostgres("embedded runners sharing one Postgres", () => {
  let handle: { db: Db; close(): Promise<void> };
  const runners: EmbeddedRunner[] = [];
  beforeAll(async () => {
    handle = await migratedTestPostgres();
  });
  afterEach(async () => {
    for (const r of runners.splice(0)) await r.stop({ timeoutMs: 50 });
    await handle.db.query("delete from job_runs");
  });
  afterAll(async () => {
    await handle?.close();
  });

  function runner(functions: Parameters<typeof createEmbeddedRunner>[0]["functions"], leaseTtlMs = 30_000) {
    const r = createEmbeddedRunner({
      db: handle.db,
      functions,
      logger: silentLogger,
      pollIntervalMs: 10,
      backoff: () => 0,
      leaseTtlMs,
      shared: true,
    });
    runners.push(r);
    return r;
  }

  it("runs each run once across runners, never two of one account at a time", async () => {
    const runsOf = new Map<string, number>();
    const active = new Map<string, number>();
    let peak = 0;
    const render = defineFunction({
      id: "render-like",
      trigger: "memory/requested",
      retries: 0,
      concurrency: { key: "accountId", limit: 1 },
      async handler({ event, step }) {
        await step.run("render", async () => {
          const account = event.data.accountId;
          runsOf.set(event.data.videoId, (runsOf.get(event.data.videoId) ?? 0) + 1);
          active.set(account, (active.get(account) ?? 0) + 1);
          peak = Math.max(peak, ...active.values());
          await new Promise((resolve) => setTimeout(resolve, 40));
          active.set(account, (active.get(account) ?? 1) - 1);
        });
      },
    });
    const a = runner([render]);
    const b = runner([render]);
    await Promise.all([a.start(), b.start()]);
    const events = ["acc_1", "acc_2", "acc_3"].flatMap((accountId) =>
      [1, 2, 3].map((n) => ({
        name: "memory/requested" as const,
        data: memoryRequestedData({ accountId, videoId: `${accountId}_v${n}` }),
      })),
    );
    // The web process enqueues: a runner that never starts only stores the runs.
    await runner([render]).jobs.send(events);
    await Promise.all([a.idle(), b.idle()]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await Promise.all([a.idle(), b.idle()]);

    expect([...runsOf.values()]).toEqual(Array(9).fill(1));
    expect(peak).toBe(1);
    const rows = await handle.db.query<{ status: string }>("select status from job_runs");
    expect(rows.map((r) => r.status)).toEqual(Array(9).fill("completed"));
  });

  it("takes over a run whose runner stopped renewing its lease, from its last completed step", async () => {
    const executed: string[] = [];
    const fn = defineFunction({
      id: "two-steps",
      trigger: "memory/requested",
      retries: 0,
      concurrency: { key: "accountId", limit: 1 },
      async handler({ step }) {
        await step.run("load", async () => {
          executed.push("load");
        });
        await step.run("render", async () => {
          executed.push("render");
        });
      },
    });
    // What a killed worker leaves: a running run, its first step done, its lease expired; and one of a live worker.
    await handle.db.query(
      `insert into job_runs (id, function_id, event_name, event, status, concurrency_key, concurrency_slot, locked_by,
         lease_expires_at)
       values ('run_dead', 'two-steps', 'memory/requested', $1::text::jsonb, 'running', 'acc_1', 0, 'runner_dead',
               now() - interval '1 second'),
              ('run_live', 'two-steps', 'memory/requested', $2::text::jsonb, 'running', 'acc_2', 0, 'runner_live',
               now() + interval '1 minute')`,
      [
        JSON.stringify({ name: "memory/requested", data: memoryRequestedData({ accountId: "acc_1" }) }),
        JSON.stringify({ name: "memory/requested", data: memoryRequestedData({ accountId: "acc_2" }) }),
      ],
    );
    await handle.db.query(
      `insert into job_steps (run_id, step_id, output) values ('run_dead', 'load', '{}'::jsonb)`,
    );
    const r = runner([fn]);
    await r.start();
    await r.idle();
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(executed).toEqual(["render"]);
    const rows = await handle.db.query<{ id: string; status: string; locked_by: string | null }>(
      "select id, status, locked_by from job_runs order by id",
    );
    expect(rows).toEqual([
      { id: "run_dead", status: "completed", locked_by: null },
      { id: "run_live", status: "running", locked_by: "runner_live" },
    ]);
  });

  it("a runner that lost its run records nothing and stops it; the new holder's run stands", async () => {
    const stepStarted = gate();
    const release = gate();
    const later: string[] = [];
    const fn = defineFunction({
      id: "slow",
      trigger: "memory/requested",
      retries: 0,
      async handler({ step }) {
        await step.run("render", async () => {
          stepStarted.open();
          await release.promise;
        });
        await step.run("deliver", async () => {
          later.push("deliver");
        });
      },
    });
    const r = runner([fn], 900);
    await r.start();
    await r.jobs.send({ name: "memory/requested", data: memoryRequestedData() });
    await stepStarted.promise;
    // Another runner took it over (this one was cut off from the database long enough for its lease to expire).
    await handle.db.query(
      "update job_runs set locked_by = 'runner_other', lease_expires_at = now() + interval '1 hour'",
    );
    await new Promise((resolve) => setTimeout(resolve, 700)); // a heartbeat notices
    release.open();
    await r.idle();

    expect(later).toEqual([]);
    expect(await handle.db.query("select step_id from job_steps")).toEqual([]);
    expect(await handle.db.query("select status, locked_by from job_runs")).toEqual([
      { status: "running", locked_by: "runner_other" },
    ]);
  });
});
