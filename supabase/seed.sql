-- Seed for `supabase db reset` in local development. Harmless: a playground conversation and nothing secret.
-- Re-running it changes nothing.
insert into public.conversations (platform, workspace_id, channel_id, thread_id, locale)
values ('playground', null, 'welcome', null, 'en')
on conflict (platform, workspace_id, channel_id, thread_id) do nothing;
