-- Per-user rate limits at ingress when no REDIS_URL is set: one row per limiter and key (rate-limiter-flexible's
-- Postgres layout: key, points used in the window, the window's end in epoch milliseconds). Expired rows are
-- deleted by the limiter itself every five minutes.
create table if not exists public.rate_limits (
  key varchar(255) primary key,
  points integer not null default 0,
  expire bigint
);
alter table public.rate_limits enable row level security;
