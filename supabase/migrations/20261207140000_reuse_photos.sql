-- Photos can be reused: `/memory new` (alias `reset`) records when the collection was started afresh, so a later
-- `/memory <style>` with no new photos remakes the last memory's photos only when no reset came after it.
alter table public.conversations add column if not exists collection_reset_at timestamptz;

