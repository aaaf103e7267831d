-- The beats of a song (not a voice note), found once at intake so every memory that plays it cuts on its beat without
-- listening to it again: {"beats": [seconds from its first sound…], "loopSeconds", "bpm", "confidence"}; an empty
-- beats list (bpm null) when it has no steady beat. Null: not analysed (a song from before this, or a voice note).
alter table public.songs add column if not exists beats jsonb;
