-- The embedded job runner's durable state (used when Inngest is not configured): one row per function run and
-- one row per completed step, so a restarted process resumes a run from its last completed step.
create table if not exists public.job_runs (
  id text primary key,
  function_id text not null,
  event_name text not null,
  -- The event's own id (platform delivery id); a second event with the same id starts no second run.
  event_id text,
  event jsonb not null,
  status text not null default 'queued'
    check (status in ('queued', 'running', 'completed', 'failed', 'cancelled')),
  -- Zero-based attempt of the step being tried; reset when a step completes (Inngest counts retries per step).
  attempt integer not null default 0,
  -- Value of the function's concurrency key (e.g. the account id): one running run per key.
  concurrency_key text,
  run_after timestamptz not null default now(),
  last_error text,
  output jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (function_id, event_id)
);

create index if not exists job_runs_due_idx on public.job_runs (status, run_after);

create table if not exists public.job_steps (
  run_id text not null references public.job_runs (id) on delete cascade,
  step_id text not null,
  -- {"value": <step output>} (absent "value" = the step returned nothing).
  output jsonb not null,
  completed_at timestamptz not null default now(),
  primary key (run_id, step_id)
);

alter table public.job_runs enable row level security;
alter table public.job_steps enable row level security;
revoke all on public.job_runs from anon, authenticated;
revoke all on public.job_steps from anon, authenticated;
grant all on public.job_runs, public.job_steps to service_role;
