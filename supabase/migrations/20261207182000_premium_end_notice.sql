-- When the thread a subscription was bought from was told that its premium ended (null while premium is on, or before
-- it ever ended). Telegram sends nothing when a cancelled Stars subscription runs out, so a job looks at the end of each
-- paid period; a refund or a provider's end event tells the thread at once. Whichever comes first claims this column,
-- so the end of a period is told once. Cleared when premium starts again (a renewal, a new period).
alter table public.subscriptions add column if not exists ended_told_at timestamptz;
