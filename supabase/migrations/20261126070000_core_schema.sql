-- PhotoMemory core schema: the one source of truth, applied unchanged to Supabase, plain Postgres 15+ and PGlite.
-- The server connects as the table owner (plain Postgres, PGlite) or as service_role (Supabase); anon and
-- authenticated get nothing but a few owner-read policies a future web client would use.

-- Enums of the original design (exact values; extend only with new migrations).
create type public.video_style as enum ('classic', 'modern', 'cinematic', 'vintage');
create type public.project_status as enum ('draft', 'processing', 'completed', 'failed', 'cancelled');
create type public.generation_status as enum ('queued', 'processing', 'completed', 'failed', 'cancelled');
create type public.subscription_status as enum ('active', 'past_due', 'cancelled', 'unpaid');

-- Keeps updated_at honest whatever code path writes the row.
create or replace function public.set_updated_at() returns trigger
language plpgsql set search_path = '' as $$
begin
  new.updated_at := now();
  return new;
end;
$$;

-- A platform identity. auth_user_id links a future web login (Supabase Auth) to it for owner-read policies.
create table public.accounts (
  id uuid primary key default gen_random_uuid(),
  platform text not null check (platform in ('slack', 'discord', 'telegram', 'playground')),
  workspace_id text,
  user_id text not null,
  display_name text,
  locale text,
  plan text not null default 'free' check (plan in ('free', 'premium')),
  auth_user_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint accounts_identity_key unique nulls not distinct (platform, workspace_id, user_id)
);
create index accounts_auth_user_id_idx on public.accounts (auth_user_id) where auth_user_id is not null;

-- A Slack team or Discord guild installation. The bot token is AES-256-GCM ciphertext, never plaintext.
create table public.workspaces (
  id uuid primary key default gen_random_uuid(),
  platform text not null check (platform in ('slack', 'discord', 'telegram', 'playground')),
  external_id text not null,
  name text,
  bot_user_id text,
  bot_token_encrypted text,
  installed_by_account_id uuid references public.accounts (id) on delete set null,
  uninstalled_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint workspaces_external_key unique (platform, external_id)
);

-- Where photos are collected and memories are delivered: the thread when in a thread, else the channel or DM.
-- Photos with seq > collection_start_seq belong to the current collection ("since its last memory").
create table public.conversations (
  id uuid primary key default gen_random_uuid(),
  platform text not null check (platform in ('slack', 'discord', 'telegram', 'playground')),
  workspace_id text,
  channel_id text not null,
  thread_id text,
  locale text,
  collection_start_seq bigint not null default 0,
  last_memory_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint conversations_place_key unique nulls not distinct (platform, workspace_id, channel_id, thread_id)
);

-- A dropped photo after normalisation. seq is the arrival order; one row per conversation and content hash.
create table public.photos (
  id uuid primary key default gen_random_uuid(),
  seq bigserial not null unique,
  conversation_id uuid not null references public.conversations (id) on delete cascade,
  contributor_account_id uuid references public.accounts (id) on delete set null,
  blob_key text not null,
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  width integer not null check (width > 0),
  height integer not null check (height > 0),
  taken_at timestamptz,
  focus_x real check (focus_x between 0 and 1),
  focus_y real check (focus_y between 0 and 1),
  original_name text,
  mime_type text,
  bytes bigint check (bytes >= 0),
  status text not null default 'ready' check (status in ('ready', 'rejected')),
  reject_reason text,
  deleted_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint photos_conversation_sha256_key unique (conversation_id, sha256)
);
create index photos_conversation_seq_idx on public.photos (conversation_id, seq);

-- A requested memory (the original design's video_projects).
create table public.memory_projects (
  id uuid primary key default gen_random_uuid(),
  conversation_id uuid not null references public.conversations (id) on delete cascade,
  requester_account_id uuid references public.accounts (id) on delete set null,
  style public.video_style not null,
  title text,
  status public.project_status not null default 'draft',
  photo_ids uuid[] not null default '{}',
  script jsonb,
  locale text not null default 'en',
  aspect text not null default '16:9' check (aspect in ('16:9', '9:16', '1:1')),
  resolution integer not null default 720 check (resolution in (720, 1080)),
  platform text not null check (platform in ('slack', 'discord', 'telegram', 'playground')),
  -- The conversation's collection marker before and after this memory took its photos: a failed or cancelled
  -- memory gives the photos back (unless a newer memory took them since).
  collection_seq_before bigint not null default 0,
  collection_seq_after bigint not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index memory_projects_conversation_idx on public.memory_projects (conversation_id, created_at);
create index memory_projects_requester_idx on public.memory_projects (requester_account_id);

-- One render of a project. share_token is unguessable (>= 128 bits) and is the only public handle.
create table public.generated_videos (
  id uuid primary key default gen_random_uuid(),
  project_id uuid not null references public.memory_projects (id) on delete cascade,
  status public.generation_status not null default 'queued',
  progress real not null default 0 check (progress between 0 and 1),
  video_key text,
  poster_key text,
  duration_seconds real,
  bytes bigint check (bytes >= 0),
  width integer,
  height integer,
  share_token text not null unique check (length(share_token) >= 22),
  status_message_ref jsonb,
  delivered_message_ref jsonb,
  error_code text,
  error_message text,
  started_at timestamptz,
  finished_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index generated_videos_project_idx on public.generated_videos (project_id, created_at);

-- A paid plan, held by an account (Telegram Stars, Stripe for one person) or a workspace (Stripe for a team).
create table public.subscriptions (
  id uuid primary key default gen_random_uuid(),
  account_id uuid references public.accounts (id) on delete cascade,
  workspace_id uuid references public.workspaces (id) on delete cascade,
  provider text not null check (provider in ('stripe', 'telegram_stars')),
  external_customer_id text,
  external_subscription_id text not null,
  status public.subscription_status not null,
  current_period_end timestamptz,
  last_event_at timestamptz not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint subscriptions_holder_check check ((account_id is null) <> (workspace_id is null)),
  constraint subscriptions_external_key unique (provider, external_subscription_id)
);
create index subscriptions_account_idx on public.subscriptions (account_id) where account_id is not null;
create index subscriptions_workspace_idx on public.subscriptions (workspace_id) where workspace_id is not null;

-- Webhook deliveries seen, keyed by the platform's own id. A failed (or stale) delivery may be claimed again.
create table public.inbound_deliveries (
  source text not null,
  delivery_id text not null,
  status text not null default 'processing' check (status in ('processing', 'done', 'failed')),
  attempts integer not null default 1,
  claimed_at timestamptz not null default now(),
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (source, delivery_id)
);

-- Usage per account per calendar month ('YYYY-MM', UTC).
create table public.usage (
  account_id uuid not null references public.accounts (id) on delete cascade,
  month text not null check (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  memories_requested integer not null default 0,
  videos_rendered integer not null default 0,
  photos_added integer not null default 0,
  render_seconds real not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (account_id, month)
);

create trigger accounts_updated_at before update on public.accounts
  for each row execute function public.set_updated_at();
create trigger workspaces_updated_at before update on public.workspaces
  for each row execute function public.set_updated_at();
create trigger conversations_updated_at before update on public.conversations
  for each row execute function public.set_updated_at();
create trigger photos_updated_at before update on public.photos
  for each row execute function public.set_updated_at();
create trigger memory_projects_updated_at before update on public.memory_projects
  for each row execute function public.set_updated_at();
create trigger generated_videos_updated_at before update on public.generated_videos
  for each row execute function public.set_updated_at();
create trigger subscriptions_updated_at before update on public.subscriptions
  for each row execute function public.set_updated_at();
create trigger inbound_deliveries_updated_at before update on public.inbound_deliveries
  for each row execute function public.set_updated_at();
create trigger usage_updated_at before update on public.usage
  for each row execute function public.set_updated_at();

-- Any instance can follow a render: LISTEN video_progress. The payload is small and carries no secrets.
create or replace function public.notify_video_progress() returns trigger
language plpgsql set search_path = '' as $$
begin
  if tg_op = 'INSERT' or new.status is distinct from old.status or new.progress is distinct from old.progress then
    perform pg_notify('video_progress', json_build_object(
      'videoId', new.id,
      'projectId', new.project_id,
      'status', new.status,
      'progress', new.progress
    )::text);
  end if;
  return new;
end;
$$;
create trigger generated_videos_notify_progress after insert or update on public.generated_videos
  for each row execute function public.notify_video_progress();

-- Row Level Security everywhere. No policy means no access for anon and authenticated; service_role bypasses RLS.
alter table public.accounts enable row level security;
alter table public.workspaces enable row level security;
alter table public.conversations enable row level security;
alter table public.photos enable row level security;
alter table public.memory_projects enable row level security;
alter table public.generated_videos enable row level security;
alter table public.subscriptions enable row level security;
alter table public.inbound_deliveries enable row level security;
alter table public.usage enable row level security;

-- Supabase grants everything on public tables to anon/authenticated by default; take it back and give
-- authenticated read access only where an owner-read policy narrows it.
revoke all on public.accounts, public.workspaces, public.conversations, public.photos, public.memory_projects,
  public.generated_videos, public.subscriptions, public.inbound_deliveries, public.usage from anon, authenticated;
grant select on public.accounts, public.memory_projects, public.generated_videos, public.subscriptions, public.usage
  to authenticated;
grant all on public.accounts, public.workspaces, public.conversations, public.photos, public.memory_projects,
  public.generated_videos, public.subscriptions, public.inbound_deliveries, public.usage to service_role;
grant usage, select on sequence public.photos_seq_seq to service_role;

-- Owner-read: a signed-in web user sees their own account, memories, videos, plan and usage. Nothing else.
create policy accounts_owner_read on public.accounts for select to authenticated
  using (auth_user_id = (select auth.uid()));
create policy memory_projects_owner_read on public.memory_projects for select to authenticated
  using (requester_account_id in (select id from public.accounts where auth_user_id = (select auth.uid())));
create policy generated_videos_owner_read on public.generated_videos for select to authenticated
  using (project_id in (
    select p.id from public.memory_projects p
    join public.accounts a on a.id = p.requester_account_id
    where a.auth_user_id = (select auth.uid())
  ));
create policy subscriptions_owner_read on public.subscriptions for select to authenticated
  using (account_id in (select id from public.accounts where auth_user_id = (select auth.uid())));
create policy usage_owner_read on public.usage for select to authenticated
  using (account_id in (select id from public.accounts where auth_user_id = (select auth.uid())));
