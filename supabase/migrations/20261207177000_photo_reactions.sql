-- Reactions as a curation signal: a photo people reacted to is preferred over its unreacted neighbours.
-- The chat message a photo came with (Slack ts, Discord message id, Telegram message_id); a reaction on that message
-- counts for every photo it carried (and, for a Telegram album, for the whole album).
alter table public.photos add column if not exists message_id text;
create index if not exists photos_message_idx
  on public.photos (conversation_id, message_id) where message_id is not null;

-- Who reacted with what to a message that carried photos: one row per person and emoji, so removing one of two
-- emoji keeps the person counted. Keyed on the message, not the photo, because the same message can bring its photos
-- into two conversations (a Slack thread's root message counts for the thread too). workspace_id is '' where the
-- platform has none (Telegram, Discord DMs).
create table if not exists public.message_reactions (
  platform text not null check (platform in ('slack', 'discord', 'telegram', 'playground')),
  workspace_id text not null default '',
  channel_id text not null,
  message_id text not null,
  reactor_id text not null,
  emoji text not null,
  created_at timestamptz not null default now(),
  primary key (platform, workspace_id, channel_id, message_id, reactor_id, emoji)
);

-- Messages whose reactions are anonymous (a Telegram channel, `message_reaction_count`): only counts per emoji come,
-- so the largest count is kept as the number of people who reacted at least (one person counts once per emoji).
create table if not exists public.message_anonymous_reactions (
  platform text not null check (platform in ('slack', 'discord', 'telegram', 'playground')),
  workspace_id text not null default '',
  channel_id text not null,
  message_id text not null,
  reactors integer not null check (reactors >= 0),
  updated_at timestamptz not null default now(),
  primary key (platform, workspace_id, channel_id, message_id)
);

-- Server-side only, like photos: no web client reads who reacted.
alter table public.message_reactions enable row level security;
alter table public.message_anonymous_reactions enable row level security;
revoke all on public.message_reactions, public.message_anonymous_reactions from anon, authenticated;
grant all on public.message_reactions, public.message_anonymous_reactions to service_role;
