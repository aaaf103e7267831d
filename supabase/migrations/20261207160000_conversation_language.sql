-- The language a conversation chose with `/memory lang xx` (a BCP 47 tag). It wins over the platform's locale of the
-- person asking (Telegram language_code, Discord locale), which `locale` keeps as it comes; null: no choice made.
alter table public.conversations add column if not exists language text;
