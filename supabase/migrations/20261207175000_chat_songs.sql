-- Songs and voice notes sent to a conversation: the next memory's soundtrack. Recorded 'pending' the moment the
-- message reaches us (with the platform's file reference), then the intake job fetches, checks (by its bytes and
-- ffprobe) and stores it ('ready', with its length and a display title), or rejects it with a sentence for the user.
-- The newest song a memory has not taken is the next memory's music; a memory records the song it took.
create table if not exists public.songs (
  id uuid primary key default gen_random_uuid(),
  seq bigserial not null unique,
  conversation_id uuid not null references public.conversations (id) on delete cascade,
  contributor_account_id uuid references public.accounts (id) on delete set null,
  -- 'song': music to play as it is; 'voice': a voice note, spoken over the style's music.
  kind text not null check (kind in ('song', 'voice')),
  status text not null default 'pending' check (status in ('pending', 'ready', 'rejected')),
  source_file_id text not null,
  source jsonb,
  original_name text,
  -- What the platform says (Telegram's performer and title), else the file's tags, else its name.
  title text,
  performer text,
  blob_key text,
  sha256 text check (sha256 ~ '^[0-9a-f]{64}$'),
  mime_type text,
  bytes bigint check (bytes >= 0),
  duration_seconds real check (duration_seconds > 0),
  reject_code text,
  reject_reason text,
  deleted_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint songs_ready_complete check (
    status <> 'ready' or (blob_key is not null and sha256 is not null and duration_seconds is not null)
  ),
  constraint songs_conversation_source_key unique (conversation_id, source_file_id)
);
create index if not exists songs_conversation_seq_idx on public.songs (conversation_id, seq);
create trigger songs_updated_at before update on public.songs
  for each row execute function public.set_updated_at();
alter table public.songs enable row level security;
revoke all on public.songs from anon, authenticated;
grant all on public.songs to service_role;
grant usage, select on sequence public.songs_seq_seq to service_role;

-- The song a memory plays (null: the style's own soundtrack, or none when silent).
alter table public.memory_projects add column if not exists song_id uuid references public.songs (id) on delete set null;
