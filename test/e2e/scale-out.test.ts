/**
 * Scaling out without Inngest: one web and two worker processes (`node --import tsx src/main.ts`, as `npm start`)
 * on one Postgres and one shared DATA_DIR. Four memories from three accounts (ada asks twice, from two
 * conversations); the worker rendering one of them is killed with SIGKILL mid-render. The other worker takes the run
 * over once its lease expires, every memory is delivered exactly once, and no account ever has two renders at once.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { noisyJpeg } from "../fixtures/generate-photos.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/postgres.ts";
import { playgroundClient, startRole } from "./service-helpers.ts";

const LEASE_MS = 3000;

interface RenderRun {
  id: string;
  status: string;
  locked_by: string | null;
  account: string;
  steps: string[];
}

describe("one web and two workers on one Postgres", () => {
  const children: ChildProcess[] = [];
  let dataDir = "";
  let database: TestDatabase | undefined;
  let sql: postgres.Sql | undefined;

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
    await sql?.end({ timeout: 1 });
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const start = (role: "web" | "worker") =>
    startRole(
      role,
      { dataDir, databaseUrl: (database as TestDatabase).url, children },
      { JOB_LEASE_MS: String(LEASE_MS) },
    );

  it("takes over the killed worker's render, delivers each memory once, one render per account at a time", {
    timeout: 600_000,
  }, async () => {
    const startedAt = Date.now();
    dataDir = await mkdtemp(path.join(tmpdir(), "pm-scale-"));
    database = await createTestDatabase();
    sql = postgres(database.url, { max: 2, onnotice: () => {} });
    const db = sql;
    const web = await start("web");
    const workers = await Promise.all([start("worker"), start("worker")]);
    const holder = (run: RenderRun) => workers.find((w) => run.locked_by?.includes(`_${w.pid}_`));

    const renderRuns = () =>
      db<RenderRun[]>`
        select r.id, r.status, r.locked_by, r.concurrency_key as account,
          coalesce(array_agg(s.step_id order by s.completed_at) filter (where s.step_id is not null), '{}') as steps
        from job_runs r left join job_steps s on s.run_id = r.id
        where r.function_id = 'render-memory' group by r.id order by r.seq`;

    // Per-account concurrency, watched from outside every 50 ms for the whole test.
    let peakPerAccount = 0;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const rows = await db<{ n: number }[]>`
          select count(*)::int as n from job_runs
          where function_id = 'render-memory' and status = 'running' group by concurrency_key`.catch(
          () => [],
        );
        for (const row of rows) peakPerAccount = Math.max(peakPerAccount, row.n);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();

    const chats = [
      { user: "ada", chat: playgroundClient(web.url, "ada-1") },
      { user: "ada", chat: playgroundClient(web.url, "ada-2") },
      { user: "bob", chat: playgroundClient(web.url, "bob") },
      { user: "cy", chat: playgroundClient(web.url, "cy") },
    ];
    let seed = 1;
    for (const { chat } of chats) {
      const photos = await Promise.all(
        Array.from({ length: 3 }, async (_, i) => ({
          name: `IMG_${i}.jpg`,
          bytes: await noisyJpeg(1280, 960, seed++),
        })),
      );
      expect((await chat.upload(photos)).added).toHaveLength(3);
    }
    await Promise.all(chats.map(({ chat, user }) => chat.say("/memory classic", user)));

    // A render in progress (its script written, its video not yet rendered), on one of the workers: kill that worker.
    let victim: RenderRun | undefined;
    const deadline = Date.now() + 90_000;
    while (!victim && Date.now() < deadline) {
      victim = (await renderRuns()).find(
        (r) => r.status === "running" && r.steps.includes("write-script") && !r.steps.includes("render"),
      );
      if (!victim) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(victim, "a render in progress").toBeDefined();
    const run = victim as RenderRun;
    const killed = holder(run);
    expect(killed, `the holder of ${run.locked_by} is one of the workers`).toBeDefined();
    const survivor = workers.find((w) => w !== killed);
    await new Promise((resolve) => setTimeout(resolve, 500)); // well inside ffmpeg
    killed?.child.kill("SIGKILL");
    const killedAt = Date.now();
    await new Promise((resolve) => killed?.child.once("exit", resolve));

    // The survivor takes the run over once the killed worker's lease expires.
    let takenOverAt = 0;
    while (!takenOverAt && Date.now() - killedAt < 60_000) {
      const now = (await renderRuns()).find((r) => r.id === run.id);
      if (now?.locked_by?.includes(`_${survivor?.pid}_`) || now?.status === "completed")
        takenOverAt = Date.now();
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(takenOverAt, "the run was taken over").toBeGreaterThan(0);
    const takeoverMs = takenOverAt - killedAt;
    console.info(`scale-out: killed ${Date.now() - startedAt} ms in; taken over after ${takeoverMs} ms`);

    // Every memory is delivered, once, with a playable video.
    for (const { chat } of chats)
      await chat
        .waitFor((ms) => ms.some((m) => m.video), 400_000)
        .catch(async (error: unknown) => {
          throw new Error(`${String(error)}; render runs: ${JSON.stringify(await renderRuns())}`);
        });
    await new Promise((resolve) => setTimeout(resolve, 2 * LEASE_MS)); // room for a duplicate to show up
    watching = false;
    await watcher;
    for (const { chat } of chats) {
      const videos = (await chat.messages()).filter((m) => m.video);
      expect(videos).toHaveLength(1);
      expect(videos[0]?.video?.durationSeconds).toBeGreaterThan(3);
    }
    const runs = await renderRuns();
    expect(runs.map((r) => r.status)).toEqual(["completed", "completed", "completed", "completed"]);
    const videos = await db<{ status: string; delivered: boolean }[]>`
      select status::text as status, delivered_message_ref is not null as delivered from generated_videos`;
    expect(videos).toEqual(Array(4).fill({ status: "completed", delivered: true }));

    // Per account: never two renders at once, neither in the database's view nor in the renders' own time spans.
    expect(peakPerAccount).toBe(1);
    const spans = await db<{ account: string; began: Date; ended: Date }[]>`
      select r.concurrency_key as account, w.completed_at as began, d.completed_at as ended
      from job_runs r
      join job_steps w on w.run_id = r.id and w.step_id = 'write-script'
      join job_steps d on d.run_id = r.id and d.step_id = 'render'
      where r.function_id = 'render-memory' and r.concurrency_key = (
        select concurrency_key from job_runs where function_id = 'render-memory'
        group by concurrency_key having count(*) = 2)
      order by began`;
    expect(spans).toHaveLength(2);
    expect(spans[1]?.began.getTime()).toBeGreaterThanOrEqual(spans[0]?.ended.getTime() as number);

    console.info(
      `scale-out: takeover ${takeoverMs} ms after kill -9 (lease ${LEASE_MS} ms); test ${Date.now() - startedAt} ms`,
    );
    expect(takeoverMs).toBeLessThan(LEASE_MS + 5000);

    for (const child of [web.child, survivor?.child]) child?.kill("SIGTERM");
    const codes = await Promise.all(
      [web.child, survivor?.child].map((c) => new Promise((resolve) => c?.once("exit", resolve))),
    );
    expect(codes).toEqual([0, 0]);
  });
});
