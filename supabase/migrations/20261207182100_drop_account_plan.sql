-- accounts.plan was never a true reflection of anything: premium comes from subscriptions (Stripe, Telegram Stars,
-- Discord entitlements), held by a workspace or an account, and is worked out by billing (src/core/billing). Nothing
-- read or wrote the column. A signed-in web user still reads their plan through subscriptions_owner_read (their own
-- subscriptions); no policy or view used the column.
alter table public.accounts drop column if exists plan;
