/** SQL of the embedded runner: runs and step outputs in `job_runs` / `job_steps` (migration *_job_runs.sql). */
import type { Queryable } from "../../core/store/db.ts";

export type RunStatus = "queued" | "running" | "completed" | "failed" | "cancelled";

export interface RunRow {
  id: string;
  function_id: string;
  event: { name: string; data: Record<string, unknown>; id?: string };
  status: RunStatus;
  attempt: number;
  concurrency_key: string | null;
}

export interface NewRun {
  id: string;
  functionId: string;
  event: { name: string; data: unknown; id?: string };
  concurrencyKey: string | null;
}

export interface LeaseHolder {
  owner: string;
  host: string;
  pid: number;
}

export function createRunStore(db: Queryable) {
  return {
    /**
     * Takes or renews the runner lease for ttlMs: free, expired, already ours, or held by `replacing` (a holder known
     * to be dead). Returns the holder when another process has it.
     */
    async lease(me: LeaseHolder, ttlMs: number, replacing?: string): Promise<LeaseHolder | null> {
      const taken = await db.query(
        `insert into public.job_runner_lease (name, owner, host, pid, expires_at)
         values ('embedded', $1, $2, $3, now() + make_interval(secs => $4))
         on conflict (name) do update set owner = excluded.owner, host = excluded.host, pid = excluded.pid,
           expires_at = excluded.expires_at, updated_at = now()
         where public.job_runner_lease.expires_at < now() or public.job_runner_lease.owner = excluded.owner
           or public.job_runner_lease.owner = $5
         returning owner`,
        [me.owner, me.host, me.pid, ttlMs / 1000, replacing ?? null],
      );
      if (taken.length > 0) return null;
      const [holder] = await db.query<LeaseHolder>(
        "select owner, host, pid from public.job_runner_lease where name = 'embedded'",
      );
      return holder ?? null;
    },

    async releaseLease(owner: string): Promise<void> {
      await db.query("delete from public.job_runner_lease where name = 'embedded' and owner = $1", [owner]);
    },

    /** Inserts a queued run; false when a run of this function already exists for the same event id. */
    async insert(run: NewRun, now: Date): Promise<boolean> {
      const rows = await db.query(
        `insert into public.job_runs (id, function_id, event_name, event_id, event, concurrency_key, run_after)
         values ($1, $2, $3, $4, $5::text::jsonb, $6, $7)
         on conflict (function_id, event_id) do nothing
         returning id`,
        [
          run.id,
          run.functionId,
          run.event.name,
          run.event.id ?? null,
          JSON.stringify(run.event),
          run.concurrencyKey,
          now.toISOString(),
        ],
      );
      return rows.length > 0;
    },

    /** Due queued runs in arrival order, of one function when given. */
    due(now: Date, limit: number, functionId?: string): Promise<RunRow[]> {
      return db.query<RunRow>(
        `select id, function_id, event, status, attempt, concurrency_key from public.job_runs
         where status = 'queued' and run_after <= $1 and ($3::text is null or function_id = $3)
         order by seq limit $2`,
        [now.toISOString(), limit, functionId ?? null],
      );
    },

    /** Moves a queued run to running; false when another claimant (or a cancel) got there first. */
    async claim(id: string): Promise<boolean> {
      const rows = await db.query(
        `update public.job_runs set status = 'running', updated_at = now()
         where id = $1 and status = 'queued' returning id`,
        [id],
      );
      return rows.length > 0;
    },

    /** After a restart nothing is running any more: runs left `running` by a dead process are queued again. */
    async requeueOrphans(): Promise<number> {
      const rows = await db.query(
        `update public.job_runs set status = 'queued', updated_at = now() where status = 'running' returning id`,
      );
      return rows.length;
    },

    async finish(id: string, status: "completed" | "failed", output: unknown, error?: string): Promise<void> {
      await db.query(
        `update public.job_runs set status = $2, output = $3::text::jsonb, last_error = $4, updated_at = now()
         where id = $1 and status = 'running'`,
        [id, status, JSON.stringify({ value: output ?? null }), error ?? null],
      );
    },

    async retryLater(id: string, attempt: number, runAfter: Date, error: string): Promise<void> {
      await db.query(
        `update public.job_runs set status = 'queued', attempt = $2, run_after = $3, last_error = $4, updated_at = now()
         where id = $1 and status = 'running'`,
        [id, attempt, runAfter.toISOString(), error],
      );
    },

    /** Cancels unfinished runs of a function whose event data field equals value; returns their ids. */
    async cancel(functionId: string, field: string, value: string): Promise<string[]> {
      const rows = await db.query<{ id: string }>(
        `update public.job_runs set status = 'cancelled', updated_at = now()
         where function_id = $1 and status in ('queued', 'running') and event -> 'data' ->> $2 = $3
         returning id`,
        [functionId, field, value],
      );
      return rows.map((r) => r.id);
    },

    async status(id: string): Promise<RunStatus | null> {
      const [row] = await db.query<{ status: RunStatus }>(
        "select status from public.job_runs where id = $1",
        [id],
      );
      return row?.status ?? null;
    },

    async stepOutput(runId: string, stepId: string): Promise<{ found: boolean; value: unknown }> {
      const [row] = await db.query<{ output: { value?: unknown } }>(
        "select output from public.job_steps where run_id = $1 and step_id = $2",
        [runId, stepId],
      );
      return row ? { found: true, value: row.output.value } : { found: false, value: undefined };
    },

    /** Records a completed step and resets the attempt counter (retries count per step, as on Inngest). */
    async saveStep(runId: string, stepId: string, output: unknown): Promise<void> {
      await db.query(
        `insert into public.job_steps (run_id, step_id, output) values ($1, $2, $3::text::jsonb)
         on conflict (run_id, step_id) do nothing`,
        [runId, stepId, JSON.stringify(output === undefined ? {} : { value: output })],
      );
      await db.query("update public.job_runs set attempt = 0, updated_at = now() where id = $1", [runId]);
    },
  };
}

export type RunStore = ReturnType<typeof createRunStore>;
