-- Whether a subscription was cancelled and ends at current_period_end (true), renews then (false), or the provider
-- does not say (null: Telegram tells nobody when a Stars subscription is cancelled). `/memory plan` and
-- `/memory upgrade` say "cancelled, lasts until …" or "renews on …" from it.
alter table public.subscriptions add column if not exists cancel_at_period_end boolean;
