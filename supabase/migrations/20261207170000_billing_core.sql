-- Billing core: premium bought through Stripe, Telegram Stars or Discord, held by a workspace (Slack team, Discord
-- guild) or an account (Telegram user, Discord DM user, playground user). See src/core/billing/index.ts.

-- Discord entitlements are a third provider of the same subscriptions.
alter table public.subscriptions drop constraint if exists subscriptions_provider_check;
alter table public.subscriptions add constraint subscriptions_provider_check
  check (provider in ('stripe', 'telegram_stars', 'discord'));
-- The chat thread premium was bought from ({platform, workspaceId?, channelId, threadId?}): told when it starts or ends.
alter table public.subscriptions add column if not exists chat_target jsonb;

-- An opaque token put in a payment link (Stripe client_reference_id, a Stars invoice payload): who pays for whom, and
-- which thread asked. Unguessable (>= 128 bits), so a forged payment reference upgrades nobody.
create table if not exists public.billing_upgrade_tokens (
  token text primary key check (token ~ '^[A-Za-z0-9_-]{16,200}$'),
  holder_account_id uuid references public.accounts (id) on delete cascade,
  holder_workspace_id uuid references public.workspaces (id) on delete cascade,
  -- The ChatTarget the upgrade was asked from.
  chat_target jsonb not null,
  requested_by_account_id uuid references public.accounts (id) on delete set null,
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  constraint billing_upgrade_tokens_holder_check check ((holder_account_id is null) <> (holder_workspace_id is null))
);
create index if not exists billing_upgrade_tokens_account_idx
  on public.billing_upgrade_tokens (holder_account_id) where holder_account_id is not null;
create index if not exists billing_upgrade_tokens_workspace_idx
  on public.billing_upgrade_tokens (holder_workspace_id) where holder_workspace_id is not null;

-- Provider events seen (Stripe event.id, Telegram charge id, Discord entitlement event), one row each: a delivery
-- repeated by the provider is processed once. A failed (or stale) processing may be claimed again.
create table if not exists public.billing_events (
  provider text not null check (provider in ('stripe', 'telegram_stars', 'discord')),
  event_id text not null,
  type text not null,
  status text not null default 'processing' check (status in ('processing', 'done', 'failed')),
  attempts integer not null default 1,
  claimed_at timestamptz not null default now(),
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (provider, event_id)
);

-- Payments that could not be tied to a holder (missing or unknown reference): nobody was upgraded; an operator
-- reconciles them by customer or email.
create table if not exists public.billing_unreconciled (
  id uuid primary key default gen_random_uuid(),
  provider text not null,
  event_id text not null,
  event_type text not null,
  reason text not null check (reason in ('missing_reference', 'unknown_reference', 'invalid_reference')),
  reference text,
  external_customer_id text,
  external_subscription_id text,
  customer_email text,
  resolved_at timestamptz,
  created_at timestamptz not null default now(),
  constraint billing_unreconciled_event_key unique (provider, event_id)
);

-- Memories counted per holder ('account:<uuid>' or 'workspace:<uuid>') and calendar month (UTC), raised atomically
-- with a limit check (`... where memories < limit`), so two `/memory` at once cannot both take the last slot.
create table if not exists public.billing_usage (
  holder text not null check (holder ~ '^(account|workspace):[0-9a-f-]{36}$'),
  period text not null check (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
  memories integer not null default 0 check (memories >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (holder, period)
);

-- Which memory took which slot: a memory that fails or is cancelled gives it back, once.
create table if not exists public.billing_memory_claims (
  project_id uuid primary key references public.memory_projects (id) on delete cascade,
  holder text not null,
  period text not null,
  released_at timestamptz,
  created_at timestamptz not null default now()
);

-- The slot goes back whatever path failed or cancelled the memory (the render job, /memory cancel, a sweep), and is
-- taken again when that same memory is started again.
create or replace function public.release_memory_claim() returns trigger
language plpgsql set search_path = '' as $$
declare
  claim record;
begin
  if new.status in ('failed', 'cancelled') and old.status not in ('failed', 'cancelled') then
    update public.billing_memory_claims set released_at = now()
      where project_id = new.id and released_at is null
      returning holder, period into claim;
    if found then
      update public.billing_usage set memories = greatest(memories - 1, 0)
        where holder = claim.holder and period = claim.period;
    end if;
  elsif new.status = 'processing' and old.status in ('failed', 'cancelled') then
    -- The same memory started again (a retried render): it holds its slot again.
    update public.billing_memory_claims set released_at = null
      where project_id = new.id and released_at is not null
      returning holder, period into claim;
    if found then
      update public.billing_usage set memories = memories + 1
        where holder = claim.holder and period = claim.period;
    end if;
  end if;
  return new;
end;
$$;
drop trigger if exists memory_projects_release_claim on public.memory_projects;
create trigger memory_projects_release_claim after update of status on public.memory_projects
  for each row execute function public.release_memory_claim();

create trigger billing_events_updated_at before update on public.billing_events
  for each row execute function public.set_updated_at();
create trigger billing_usage_updated_at before update on public.billing_usage
  for each row execute function public.set_updated_at();

alter table public.billing_upgrade_tokens enable row level security;
alter table public.billing_events enable row level security;
alter table public.billing_unreconciled enable row level security;
alter table public.billing_usage enable row level security;
alter table public.billing_memory_claims enable row level security;
revoke all on public.billing_upgrade_tokens, public.billing_events, public.billing_unreconciled,
  public.billing_usage, public.billing_memory_claims from anon, authenticated;
grant all on public.billing_upgrade_tokens, public.billing_events, public.billing_unreconciled,
  public.billing_usage, public.billing_memory_claims to service_role;
