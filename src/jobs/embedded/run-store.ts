/**
 * SQL of the embedded runner: runs and step outputs in `job_runs` / `job_steps` (migration *_job_runs.sql). A running
 * run is leased by the runner that claimed it (`locked_by`, `lease_expires_at`, *_job_run_leases.sql): every write of
 * its progress is fenced by that lease, so a runner that lost a run to another never records over it.
 */
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

/** A runner's identity on its runs and on the runner lease. */
export interface LeaseHolder {
  owner: string;
  host: string;
  pid: number;
}

const RUN_COLUMNS = "id, function_id, event, status, attempt, concurrency_key";

const isUniqueViolation = (e: unknown): boolean => (e as { code?: unknown } | null)?.code === "23505";

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

    /** Whether a queued run is due, or owner holds a running run. */
    async busy(now: Date, owner: string): Promise<boolean> {
      const [row] = await db.query<{ busy: boolean }>(
        `select exists (select 1 from public.job_runs where status = 'queued' and run_after <= $1)
           or exists (select 1 from public.job_runs where status = 'running' and locked_by = $2) as busy`,
        [now.toISOString(), owner],
      );
      return row?.busy ?? false;
    },

    /**
     * Claims the oldest due queued run of a function whose concurrency key has a free slot (of `keyLimit`), leased to
     * `owner` for ttlMs. Claimants skip each other's rows (SKIP LOCKED); two that pick runs of the same key at once
     * meet on the slot index, and the loser claims nothing this time (null).
     */
    async claimNext(
      functionId: string,
      owner: string,
      ttlMs: number,
      keyLimit: number,
      now: Date,
    ): Promise<RunRow | null> {
      try {
        const [row] = await db.query<RunRow>(
          `with next as (
             select j.id, j.concurrency_key,
               case when j.concurrency_key is null then null else (
                 select s from generate_series(0, $4::int - 1) s
                 where not exists (
                   select 1 from public.job_runs o
                   where o.function_id = j.function_id and o.concurrency_key = j.concurrency_key
                     and o.status = 'running' and o.concurrency_slot = s)
                 order by s limit 1) end as slot
             from public.job_runs j
             where j.function_id = $1 and j.status = 'queued' and j.run_after <= $5
               and (j.concurrency_key is null or (
                 select count(*) from public.job_runs o
                 where o.function_id = j.function_id and o.concurrency_key = j.concurrency_key
                   and o.status = 'running') < $4::int)
             order by j.seq
             limit 1
             for update of j skip locked
           )
           update public.job_runs r set status = 'running', locked_by = $2,
             lease_expires_at = now() + make_interval(secs => $3), concurrency_slot = next.slot, updated_at = now()
           from next
           where r.id = next.id and r.status = 'queued' and (next.concurrency_key is null or next.slot is not null)
           returning ${RUN_COLUMNS.replace(/(\w+)/g, "r.$1")}`,
          [functionId, owner, ttlMs / 1000, keyLimit, now.toISOString()],
        );
        return row ?? null;
      } catch (e) {
        if (isUniqueViolation(e)) return null;
        throw e;
      }
    },

    /**
     * Takes over the oldest running run of a function whose lease expired (its runner was killed or cut off from the
     * database), keeping its concurrency slot: it resumes from its last completed step under `owner`.
     */
    async takeOverExpired(
      functionId: string,
      owner: string,
      ttlMs: number,
    ): Promise<(RunRow & { previous_owner: string | null }) | null> {
      const [row] = await db.query<RunRow & { previous_owner: string | null }>(
        `with next as (
           select id, locked_by from public.job_runs
           where function_id = $1 and status = 'running' and locked_by is distinct from $2
             and (lease_expires_at is null or lease_expires_at < now())
           order by seq limit 1
           for update skip locked
         )
         update public.job_runs r set locked_by = $2, lease_expires_at = now() + make_interval(secs => $3),
           updated_at = now()
         from next where r.id = next.id
         returning ${RUN_COLUMNS.replace(/(\w+)/g, "r.$1")}, next.locked_by as previous_owner`,
        [functionId, owner, ttlMs / 1000],
      );
      return row ?? null;
    },

    /** Extends the leases of owner's running runs; returns the ids it still holds (a cancelled run is not among them). */
    async renewLeases(owner: string, ttlMs: number): Promise<Set<string>> {
      const rows = await db.query<{ id: string }>(
        `update public.job_runs set lease_expires_at = now() + make_interval(secs => $2)
         where locked_by = $1 and status = 'running' returning id`,
        [owner, ttlMs / 1000],
      );
      return new Set(rows.map((r) => r.id));
    },

    /** Gives owner's running runs back to the queue (a runner stopping), except those still executing. */
    async release(owner: string, keep: readonly string[]): Promise<number> {
      const rows = await db.query(
        `update public.job_runs set status = 'queued', locked_by = null, lease_expires_at = null,
           concurrency_slot = null, updated_at = now()
         where locked_by = $1 and status = 'running' and not (id = any($2::text[])) returning id`,
        [owner, [...keep]],
      );
      return rows.length;
    },

    /** After a restart of the only runner (PGlite) nothing is running any more: its runs are queued again. */
    async requeueOrphans(): Promise<number> {
      const rows = await db.query(
        `update public.job_runs set status = 'queued', locked_by = null, lease_expires_at = null,
           concurrency_slot = null, updated_at = now()
         where status = 'running' returning id`,
      );
      return rows.length;
    },

    /** Records a run's outcome, if owner still holds it. */
    async finish(
      id: string,
      owner: string,
      status: "completed" | "failed",
      output: unknown,
      error?: string,
    ): Promise<void> {
      await db.query(
        `update public.job_runs set status = $2, output = $3::text::jsonb, last_error = $4, locked_by = null,
           lease_expires_at = null, updated_at = now()
         where id = $1 and status = 'running' and locked_by = $5`,
        [id, status, JSON.stringify({ value: output ?? null }), error ?? null, owner],
      );
    },

    async retryLater(
      id: string,
      owner: string,
      attempt: number,
      runAfter: Date,
      error: string,
    ): Promise<void> {
      await db.query(
        `update public.job_runs set status = 'queued', attempt = $2, run_after = $3, last_error = $4,
           locked_by = null, lease_expires_at = null, concurrency_slot = null, updated_at = now()
         where id = $1 and status = 'running' and locked_by = $5`,
        [id, attempt, runAfter.toISOString(), error, owner],
      );
    },

    /** A sleeping run: queued again for `until`, its attempts reset (a sleep is a step), holding no slot. */
    async sleepUntil(id: string, owner: string, until: Date): Promise<void> {
      await db.query(
        `update public.job_runs set status = 'queued', attempt = 0, run_after = $2, locked_by = null,
           lease_expires_at = null, concurrency_slot = null, updated_at = now()
         where id = $1 and status = 'running' and locked_by = $3`,
        [id, until.toISOString(), owner],
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

    /**
     * Records a completed step and resets the attempt counter (retries count per step, as on Inngest). False when
     * owner no longer holds the run (cancelled, or taken over after its lease expired): nothing is recorded.
     */
    async saveStep(runId: string, owner: string, stepId: string, output: unknown): Promise<boolean> {
      const held = await db.query(
        `update public.job_runs set attempt = 0, updated_at = now()
         where id = $1 and status = 'running' and locked_by = $2 returning id`,
        [runId, owner],
      );
      if (held.length === 0) return false;
      await db.query(
        `insert into public.job_steps (run_id, step_id, output) values ($1, $2, $3::text::jsonb)
         on conflict (run_id, step_id) do nothing`,
        [runId, stepId, JSON.stringify(output === undefined ? {} : { value: output })],
      );
      return true;
    },
  };
}

export type RunStore = ReturnType<typeof createRunStore>;
