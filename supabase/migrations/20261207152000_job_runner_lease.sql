-- One embedded job runner per database. A starting runner requeues every run left `running`, so a second runner on
-- the same database would take the live one's renders (measured: 3 of 3 rendered twice). The runner holds this lease
-- while it lives (renewed every few seconds); a second process finds it held and refuses to start with a clear
-- error. A lease left by a killed process expires, and the next runner takes over.
create table if not exists public.job_runner_lease (
  name text primary key,
  owner text not null,
  host text not null,
  pid integer not null,
  expires_at timestamptz not null,
  updated_at timestamptz not null default now()
);
alter table public.job_runner_lease enable row level security;
grant all on public.job_runner_lease to service_role;
