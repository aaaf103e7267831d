import { spawn } from "node:child_process";
import { hostname } from "node:os";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RetryAfterError } from "../../src/core/jobs/job-errors.ts";
import { LONGEST_SLEEP_MS, sleepUntilInHops } from "../../src/core/jobs/jobs.ts";
import type { Db } from "../../src/core/store/db.ts";
import { defineFunction } from "../../src/jobs/define-function.ts";
import { createEmbeddedRunner, type EmbeddedRunner, RUNNER_BUSY } from "../../src/jobs/embedded-runner.ts";
import { describePostgres, migratedTestPostgres } from "../helpers/postgres.ts";
import { gate, memoryRequestedData, migratedDb, silentLogger } from "./helpers.ts";

/** The runner's behaviour, run on PGlite and on real Postgres (one database per suite, emptied between tests). */
function runnerSuite(openDb: () => Promise<{ db: Db; close(): Promise<void> }>) {
  let handle: { db: Db; close(): Promise<void> };
  const runners: EmbeddedRunner[] = [];
  beforeAll(async () => {
    handle = await openDb();
  });
  afterEach(async () => {
    for (const r of runners.splice(0)) await r.stop({ timeoutMs: 50 });
    await handle.db.query("delete from job_runs");
  });
  afterAll(async () => {
    await handle?.close();
  });

  async function setup() {
    const db = handle.db;
    const runner = (functions: Parameters<typeof createEmbeddedRunner>[0]["functions"], extra = {}) => {
      const r = createEmbeddedRunner({
        db,
        functions,
        logger: silentLogger,
        pollIntervalMs: 10,
        backoff: () => 0,
        ...extra,
      });
      runners.push(r);
      return r;
    };
    return { db, runner };
  }

  async function runStatuses(db: Db) {
    return db.query<{ status: string; function_id: string }>(
      "select status, function_id from job_runs order by seq",
    );
  }

  /** A function of one "render" step, one run per account at a time (as the memory pipeline's render). */
  function perAccountRender(id: string, render: (videoId: string) => Promise<void>) {
    return defineFunction({
      id,
      trigger: "memory/requested",
      retries: 0,
      concurrency: { key: "accountId", limit: 1 },
      async handler({ event, step }) {
        await step.run("render", () => render(event.data.videoId));
      },
    });
  }

  describe("embedded runner", () => {
    it("runs each step once, in order, and ignores a re-sent event with the same id", async () => {
      const { db, runner } = await setup();
      const calls: string[] = [];
      const fn = defineFunction({
        id: "two-steps",
        trigger: "memory/requested",
        retries: 2,
        async handler({ event, step }) {
          const a = await step.run("first", async () => {
            calls.push(`first:${event.data.videoId}`);
            return { key: "a" };
          });
          const b = await step.run("second", async () => {
            calls.push(`second:${a.key}`);
            return 2;
          });
          return { a, b };
        },
      });
      const r = runner([fn]);
      await r.start();
      await r.jobs.send({ name: "memory/requested", data: memoryRequestedData(), id: "evt-1" });
      await r.jobs.send({ name: "memory/requested", data: memoryRequestedData(), id: "evt-1" });
      await r.idle();
      expect(calls).toEqual(["first:vid_1", "second:a"]);
      const [run] = await db.query<{ status: string; output: unknown }>(
        "select status, output from job_runs",
      );
      expect(run).toMatchObject({ status: "completed", output: { value: { a: { key: "a" }, b: 2 } } });
      expect(await runStatuses(db)).toHaveLength(1);
    });

    it("resumes after a crash from the last completed step and completes exactly once", async () => {
      const { db, runner } = await setup();
      const executed: string[] = [];
      const delivered: string[] = [];
      const step2Started = gate();
      let crashNext = true;
      const fn = defineFunction({
        id: "crashy",
        trigger: "memory/requested",
        retries: 0,
        async handler({ event, step }) {
          const key = await step.run("render", async () => {
            executed.push("render");
            return `conv_1/videos/${event.data.videoId}.mp4`;
          });
          await step.run("deliver", async () => {
            executed.push("deliver");
            if (crashNext) {
              crashNext = false;
              step2Started.open();
              // The process dies here: this promise never settles, nothing more is written.
              await new Promise(() => {});
            }
            delivered.push(key);
          });
        },
      });

      const first = runner([fn]);
      await first.start();
      await first.jobs.send({ name: "memory/requested", data: memoryRequestedData() });
      await step2Started.promise;
      await first.stop({ timeoutMs: 20 }); // the "killed" process: its hung step never finishes
      expect(await runStatuses(db)).toEqual([{ status: "running", function_id: "crashy" }]);

      const second = runner([fn]);
      await second.start();
      await second.idle();

      expect(executed).toEqual(["render", "deliver", "deliver"]);
      expect(delivered).toEqual(["conv_1/videos/vid_1.mp4"]);
      expect(await runStatuses(db)).toEqual([{ status: "completed", function_id: "crashy" }]);
    });

    it("retries a failing step with backoff and calls onFailure once the retries are used up", async () => {
      const { db, runner } = await setup();
      let attempts = 0;
      let firstStepRuns = 0;
      const failures: string[] = [];
      const fn = defineFunction({
        id: "flaky",
        trigger: "memory/requested",
        retries: 2,
        async handler({ step }) {
          await step.run("ok", async () => {
            firstStepRuns++;
          });
          await step.run("boom", async () => {
            attempts++;
            throw new Error("ffmpeg exploded");
          });
        },
        async onFailure({ event, error, step }) {
          await step.run("tell-user", async () => {
            failures.push(`${event.data.videoId}: ${error.message}`);
          });
        },
      });
      const r = runner([fn]);
      await r.start();
      await r.jobs.send({ name: "memory/requested", data: memoryRequestedData() });
      await r.idle();
      expect(attempts).toBe(3);
      expect(firstStepRuns).toBe(1);
      expect(failures).toEqual(["vid_1: ffmpeg exploded"]);
      const [run] = await db.query<{ status: string; last_error: string }>(
        "select status, last_error from job_runs",
      );
      expect(run).toEqual({ status: "failed", last_error: "ffmpeg exploded" });
    });

    it("waits for a RetryAfterError's time before the next attempt", async () => {
      const { db, runner } = await setup();
      let clock = Date.parse("2026-11-26T08:00:00Z");
      let attempts = 0;
      const fn = defineFunction({
        id: "rate-limited",
        trigger: "memory/requested",
        retries: 3,
        async handler({ step }) {
          return step.run("write-script", async () => {
            attempts++;
            if (attempts === 1) throw new RetryAfterError("OpenAI rate limit", 120_000);
            return "script";
          });
        },
      });
      const r = runner([fn], { now: () => clock });
      await r.start();
      await r.jobs.send({ name: "memory/requested", data: memoryRequestedData() });
      await r.idle().catch(() => {});
      await new Promise((resolve) => setTimeout(resolve, 60)); // several polls at the same clock
      expect(attempts).toBe(1);
      const [queued] = await db.query<{ status: string; run_after: Date }>(
        "select status, run_after from job_runs",
      );
      expect(queued?.status).toBe("queued");
      expect(new Date(queued?.run_after ?? 0).toISOString()).toBe("2026-11-26T08:02:00.000Z");

      clock += 120_000;
      await r.idle();
      expect(attempts).toBe(2);
      expect(await runStatuses(db)).toEqual([{ status: "completed", function_id: "rate-limited" }]);
    });

    it("puts a sleeping run back in the queue until its time, then resumes it after its finished steps", async () => {
      const { db, runner } = await setup();
      let clock = Date.parse("2026-12-07T08:00:00Z");
      const wake = new Date("2026-12-07T09:00:00Z");
      const ran: string[] = [];
      const fn = defineFunction({
        id: "sleeper",
        trigger: "memory/requested",
        retries: 0,
        async handler({ step }) {
          await step.run("before", async () => ran.push("before"));
          await step.sleepUntil("wait", wake);
          return step.run("after", async () => ran.push("after"));
        },
      });
      const r = runner([fn], { now: () => clock });
      await r.start();
      await r.jobs.send({ name: "memory/requested", data: memoryRequestedData() });
      await r.idle();
      await new Promise((resolve) => setTimeout(resolve, 60)); // several polls at the same clock
      expect(ran).toEqual(["before"]);
      const [sleeping] = await db.query<{ status: string; run_after: Date; locked_by: string | null }>(
        "select status, run_after, locked_by from job_runs",
      );
      expect(sleeping).toMatchObject({ status: "queued", locked_by: null });
      expect(new Date(sleeping?.run_after ?? 0).toISOString()).toBe(wake.toISOString());

      clock = wake.getTime();
      await r.idle();
      expect(ran).toEqual(["before", "after"]);
      expect(await runStatuses(db)).toEqual([{ status: "completed", function_id: "sleeper" }]);
      const steps = await db.query<{ step_id: string }>("select step_id from job_steps");
      expect(steps.map((s) => s.step_id).sort()).toEqual(["after", "before", "wait"]);
    });

    it("sleeps a long wait in hops of at most six days, the same hops on every replay", async () => {
      const { db, runner } = await setup();
      const start = Date.parse("2026-12-07T08:00:00Z");
      let clock = start;
      const until = new Date(start + 20 * 86_400_000);
      let done = 0;
      const fn = defineFunction({
        id: "long-sleeper",
        trigger: "memory/requested",
        retries: 0,
        async handler({ step }) {
          await sleepUntilInHops(step, "wait", new Date(start), until);
          await step.run("done", async () => done++);
        },
      });
      const r = runner([fn], { now: () => clock });
      await r.start();
      await r.jobs.send({ name: "memory/requested", data: memoryRequestedData() });
      const wakes: string[] = [];
      for (let i = 0; i < 4; i++) {
        await r.idle();
        const [row] = await db.query<{ status: string; run_after: Date }>(
          "select status, run_after from job_runs",
        );
        if (row?.status !== "queued") break;
        wakes.push(new Date(row.run_after).toISOString());
        clock = new Date(row.run_after).getTime();
      }
      await r.idle();
      expect(wakes).toEqual([
        new Date(start + LONGEST_SLEEP_MS).toISOString(),
        new Date(start + 2 * LONGEST_SLEEP_MS).toISOString(),
        new Date(start + 3 * LONGEST_SLEEP_MS).toISOString(),
        until.toISOString(),
      ]);
      expect(LONGEST_SLEEP_MS).toBeLessThan(7 * 86_400_000);
      expect(done).toBe(1);
      expect(await runStatuses(db)).toEqual([{ status: "completed", function_id: "long-sleeper" }]);
    });

    it("runs one render per account at a time while other accounts go ahead", async () => {
      const { runner } = await setup();
      const log: string[] = [];
      const gates = new Map([
        ["vid_a1", gate()],
        ["vid_a2", gate()],
        ["vid_b1", gate()],
      ]);
      const started = new Map([...gates.keys()].map((k) => [k, gate()]));
      const fn = perAccountRender("render-like", async (id) => {
        log.push(`start ${id}`);
        started.get(id)?.open();
        await gates.get(id)?.promise;
        log.push(`end ${id}`);
      });
      const r = runner([fn]);
      await r.start();
      await r.jobs.send([
        { name: "memory/requested", data: memoryRequestedData({ accountId: "acc_a", videoId: "vid_a1" }) },
        { name: "memory/requested", data: memoryRequestedData({ accountId: "acc_a", videoId: "vid_a2" }) },
        { name: "memory/requested", data: memoryRequestedData({ accountId: "acc_b", videoId: "vid_b1" }) },
      ]);
      await started.get("vid_a1")?.promise;
      await started.get("vid_b1")?.promise;
      expect(log).toEqual(expect.arrayContaining(["start vid_a1", "start vid_b1"]));
      expect(log).not.toContain("start vid_a2");
      gates.get("vid_b1")?.open();
      gates.get("vid_a1")?.open();
      await started.get("vid_a2")?.promise;
      expect(log.indexOf("start vid_a2")).toBeGreaterThan(log.indexOf("end vid_a1"));
      gates.get("vid_a2")?.open();
      await r.idle();
      expect(log.filter((l) => l.startsWith("end"))).toHaveLength(3);
    });

    it("starts an account's queued runs in the order they arrived, even when sent in the same millisecond", async () => {
      const { runner } = await setup();
      const order: string[] = [];
      const fn = perAccountRender("fifo", async (id) => {
        order.push(id);
      });
      const r = runner([fn]);
      const ids = Array.from({ length: 12 }, (_, i) => `vid_${String(i).padStart(2, "0")}`);
      // Queued before the runner starts, so all twelve are waiting when it first looks.
      await r.jobs.send(
        ids.map((videoId) => ({ name: "memory/requested", data: memoryRequestedData({ videoId }) })),
      );
      await r.start();
      await r.idle();
      expect(order).toEqual(ids);
    });

    it("cancels a running memory on memory/cancelled: later steps never run and onFailure is not called", async () => {
      const { db, runner } = await setup();
      const ran: string[] = [];
      const inRender = gate();
      let failed = false;
      const fn = defineFunction({
        id: "cancellable",
        trigger: "memory/requested",
        retries: 2,
        // vid_y waits behind vid_x: one running, one queued when the cancels arrive.
        concurrency: { key: "accountId", limit: 1 },
        cancelOn: { event: "memory/cancelled", match: "videoId" },
        async handler({ step, signal }) {
          await step.run("render", async () => {
            ran.push("render");
            inRender.open();
            await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
          });
          await step.run("deliver", async () => {
            ran.push("deliver");
          });
        },
        async onFailure() {
          failed = true;
        },
      });
      const r = runner([fn]);
      await r.start();
      await r.jobs.send({ name: "memory/requested", data: memoryRequestedData({ videoId: "vid_x" }) });
      await r.jobs.send({ name: "memory/requested", data: memoryRequestedData({ videoId: "vid_y" }) });
      await inRender.promise;
      // The queued run first, while vid_x still holds the account's slot: cancelled before it could start, it must
      // never run. (Cancelling vid_x first would free the slot, and vid_y could rightly start before its cancel.)
      await r.jobs.send({ name: "memory/cancelled", data: { videoId: "vid_y" } });
      await r.jobs.send({ name: "memory/cancelled", data: { videoId: "vid_x" } });
      await r.idle();
      expect(ran).toEqual(["render"]);
      expect(failed).toBe(false);
      expect((await runStatuses(db)).map((s) => s.status)).toEqual(["cancelled", "cancelled"]);
    });

    describe("one runner per database", () => {
      const holdLease = (db: Db, holder: { host: string; pid: number }, expiresInSeconds: number) =>
        db.query(
          `insert into job_runner_lease (name, owner, host, pid, expires_at)
           values ('embedded', 'runner_other', $1, $2, now() + make_interval(secs => $3))
           on conflict (name) do update set owner = excluded.owner, host = excluded.host, pid = excluded.pid,
             expires_at = excluded.expires_at`,
          [holder.host, holder.pid, expiresInSeconds],
        );
      afterEach(async () => {
        await handle.db.query("delete from job_runner_lease");
      });

      it("refuses to start while another live process on this machine runs the jobs, naming it", async () => {
        const { db, runner } = await setup();
        const other = spawn("sleep", ["30"]);
        try {
          await holdLease(db, { host: hostname(), pid: other.pid as number }, 30);
          const error = await runner([])
            .start()
            .catch((e: unknown) => e);
          expect(error).toMatchObject({ code: RUNNER_BUSY });
          expect((error as Error).message).toContain(`pid ${other.pid} on ${hostname()}`);
        } finally {
          other.kill("SIGKILL");
        }
      });

      it("takes over at once from a process of this machine that was killed", async () => {
        const { db, runner } = await setup();
        const dead = spawn("true");
        await new Promise((resolve) => dead.once("exit", resolve));
        await holdLease(db, { host: hostname(), pid: dead.pid as number }, 30);
        const started = Date.now();
        await runner([]).start();
        expect(Date.now() - started).toBeLessThan(5000);
        const [lease] = await db.query<{ owner: string }>("select owner from job_runner_lease");
        expect(lease?.owner).not.toBe("runner_other");
      });

      it("waits for the lease of a process on another machine to expire, then takes over", async () => {
        const { db, runner } = await setup();
        await holdLease(db, { host: "another-host", pid: 4242 }, 2);
        const started = Date.now();
        await runner([], { leaseTtlMs: 3000 }).start();
        expect(Date.now() - started).toBeGreaterThan(1000);
      });

      it("gives the lease back when it stops, so the next process starts at once", async () => {
        const { db, runner } = await setup();
        const first = runner([]);
        await first.start();
        expect(await db.query("select 1 from job_runner_lease")).toHaveLength(1);
        await first.stop({ timeoutMs: 50 });
        expect(await db.query("select 1 from job_runner_lease")).toHaveLength(0);
      });
    });
  });
}

describe("on PGlite", () => {
  runnerSuite(async () => {
    const db = await migratedDb();
    return { db, close: () => db.close() };
  });
});

describePostgres("on Postgres", () => {
  runnerSuite(migratedTestPostgres);
});
