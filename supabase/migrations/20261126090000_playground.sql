-- The local playground's chat log: what the user typed and what the bot answered, so the page survives restarts.
-- Only the playground ChatAdapter writes here; Slack, Discord and Telegram keep their messages on the platform.
create table public.playground_messages (
  id uuid primary key default gen_random_uuid(),
  seq bigserial not null unique,
  channel_id text not null check (channel_id ~ '^[A-Za-z0-9_-]{1,64}$'),
  sender text not null check (sender in ('user', 'bot')),
  user_name text,
  body text not null default '',
  progress real check (progress between 0 and 1),
  actions jsonb,
  video jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index playground_messages_channel_seq_idx on public.playground_messages (channel_id, seq);

create trigger playground_messages_updated_at before update on public.playground_messages
  for each row execute function public.set_updated_at();

alter table public.playground_messages enable row level security;
revoke all on public.playground_messages from anon, authenticated;
grant all on public.playground_messages to service_role;
grant usage, select on sequence public.playground_messages_seq_seq to service_role;
