-- Runs start in arrival order. created_at cannot say it: PGlite's clock has millisecond resolution, so runs queued
-- in the same millisecond (an account's two /memory requests sent together) tied and were taken in id order, which
-- is random. seq is the arrival order; rows queued before this migration get theirs in table order.
alter table public.job_runs add column if not exists seq bigserial not null;
create index if not exists job_runs_queued_seq_idx on public.job_runs (seq) where status = 'queued';
grant usage, select on sequence public.job_runs_seq_seq to service_role;
