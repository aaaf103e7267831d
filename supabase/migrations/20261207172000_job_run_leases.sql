-- Several job runners on one Postgres (PHOTOMEMORY_ROLE=worker). Each running run is leased by the runner that
-- claimed it (locked_by) until lease_expires_at, which that runner renews while it lives; a run whose lease expired
-- (its runner was killed) is taken over by another runner and resumes from its last completed step.
alter table public.job_runs add column if not exists locked_by text;
alter table public.job_runs add column if not exists lease_expires_at timestamptz;
-- Which of the function's `limit` slots of its concurrency key the run holds while running.
alter table public.job_runs add column if not exists concurrency_slot integer;

-- Runs left running by an older version (one runner per database, so at most one per key) get their slot.
update public.job_runs r set concurrency_slot = s.slot
from (
  select id, (row_number() over (partition by function_id, concurrency_key order by seq) - 1)::int as slot
  from public.job_runs where status = 'running' and concurrency_key is not null
) s
where r.id = s.id;

-- The per-key concurrency (one render per account) holds across processes: two runners that claim runs of the same
-- key at once cannot both hold a slot; the second claim fails and is tried again later.
create unique index if not exists job_runs_concurrency_slot_idx
  on public.job_runs (function_id, concurrency_key, concurrency_slot)
  where status = 'running' and concurrency_key is not null;
create index if not exists job_runs_running_lease_idx
  on public.job_runs (function_id, lease_expires_at) where status = 'running';
