-- Pending photos: a photo is recorded the moment its chat message reaches us (status 'pending', holding the platform's
-- file reference), before its bytes are fetched; the intake job then fills in the content and marks it 'ready', or
-- 'rejected' with a code and a sentence for the user. A memory takes pending photos too and waits for them.
alter table public.photos alter column blob_key drop not null;
alter table public.photos alter column sha256 drop not null;
alter table public.photos alter column width drop not null;
alter table public.photos alter column height drop not null;
alter table public.photos drop constraint if exists photos_status_check;
alter table public.photos add constraint photos_status_check check (status in ('pending', 'ready', 'rejected'));
alter table public.photos add constraint photos_ready_complete check (
  status <> 'ready' or (blob_key is not null and sha256 is not null and width is not null and height is not null)
);
-- The platform's file id (Slack file id, Telegram file_id, Discord attachment id): one photo per conversation and
-- file, so the same file shared into two conversations is collected in both, and twice in one only once.
alter table public.photos add column if not exists source_file_id text;
-- The platform file reference the intake job downloads (never a tokenised URL).
alter table public.photos add column if not exists source jsonb;
alter table public.photos add column if not exists reject_code text;
-- A pending photo whose content the conversation already had points at that photo (a memory that took it gets it).
alter table public.photos add column if not exists duplicate_of uuid references public.photos (id) on delete set null;
-- The burst a photo came with (a Telegram album's media_group_id), for the one line that answers it.
alter table public.photos add column if not exists album_key text;
create unique index if not exists photos_conversation_source_key
  on public.photos (conversation_id, source_file_id);
create index if not exists photos_album_idx on public.photos (conversation_id, album_key) where album_key is not null;
