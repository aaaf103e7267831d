/**
 * Billing's own rows (migration 20261207170000_billing_core.sql): upgrade tokens, provider events seen, payments not
 * tied to anyone, and the monthly memory counters. Subscriptions themselves stay in the Store (upsertSubscription);
 * billing keeps the thread they were bought from and whether that thread was told premium ended (`ended_told_at`,
 * 20261207182000_premium_end_notice.sql).
 */
import { randomBytes } from "node:crypto";
import type { ChatTarget } from "../chat/chat-adapter.ts";
import { PhotoMemoryError } from "../errors.ts";
import type { Db } from "../store/db.ts";
import type { Subscription, SubscriptionProvider } from "../store/records.ts";
import { toSubscription } from "../store/row-mappers.ts";
import { isUuid } from "../store/sql-helpers.ts";
import type { Holder } from "./holder.ts";
import { holderKey } from "./holder.ts";

export type BillingProvider = SubscriptionProvider;

/** What an upgrade token stands for. */
export interface UpgradeTokenRecord {
  token: string;
  holder: Holder | { kind: "account" | "workspace"; id: string };
  /** The chat the upgrade was asked from. */
  target: ChatTarget;
  requestedByAccountId: string | null;
  createdAt: Date;
}

export interface UnreconciledPayment {
  provider: BillingProvider;
  eventId: string;
  eventType: string;
  reason: "missing_reference" | "unknown_reference" | "invalid_reference";
  reference?: string | null;
  externalCustomerId?: string | null;
  externalSubscriptionId?: string | null;
  customerEmail?: string | null;
}

/** A token is 16–200 characters of [A-Za-z0-9_-] (what Stripe keeps in client_reference_id). */
export const UPGRADE_TOKEN = /^[A-Za-z0-9_-]{16,200}$/;

/** 144 random bits, 24 characters of base64url. */
export function newUpgradeToken(): string {
  return randomBytes(18).toString("base64url");
}

type Row = Record<string, unknown>;

/** A processing claim older than this is taken as crashed, and the provider's retry is processed again. */
const STALE_CLAIM_MS = 10 * 60_000;

export function createBillingRows(db: Db) {
  return {
    async createUpgradeToken(input: {
      holder: Holder;
      target: ChatTarget;
      requestedByAccountId?: string | null;
    }): Promise<string> {
      const token = newUpgradeToken();
      const target = JSON.parse(JSON.stringify(input.target)) as ChatTarget;
      await db.query(
        `insert into public.billing_upgrade_tokens (token, holder_account_id, holder_workspace_id, chat_target,
           requested_by_account_id) values ($1, $2, $3, $4::text::jsonb, $5)`,
        [
          token,
          input.holder.kind === "account" ? input.holder.id : null,
          input.holder.kind === "workspace" ? input.holder.id : null,
          JSON.stringify(target),
          input.requestedByAccountId ?? null,
        ],
      );
      return token;
    },

    /** The token's holder and thread, or null for a malformed or unknown token (nobody is upgraded). */
    async findUpgradeToken(token: string | null | undefined): Promise<UpgradeTokenRecord | null> {
      if (!token || !UPGRADE_TOKEN.test(token)) return null;
      const [row] = await db.query<Row>(
        `update public.billing_upgrade_tokens set last_used_at = now() where token = $1
         returning token, holder_account_id, holder_workspace_id, chat_target, requested_by_account_id, created_at`,
        [token],
      );
      if (!row) return null;
      const workspaceId = row.holder_workspace_id as string | null;
      const accountId = row.holder_account_id as string | null;
      return {
        token,
        holder: workspaceId
          ? { kind: "workspace", id: workspaceId }
          : { kind: "account", id: accountId as string },
        target: asJson(row.chat_target) as ChatTarget,
        requestedByAccountId: (row.requested_by_account_id as string | null) ?? null,
        createdAt: new Date(row.created_at as string),
      };
    },

    /**
     * Claims a provider event for processing: true the first time (or when an earlier attempt failed or went stale),
     * false for a duplicate. Unique on (provider, event_id), so two deliveries at once cannot both win.
     */
    async claimEvent(provider: BillingProvider, eventId: string, type: string): Promise<boolean> {
      const rows = await db.query<Row>(
        `insert into public.billing_events (provider, event_id, type) values ($1, $2, $3)
         on conflict (provider, event_id) do update set status = 'processing', attempts = billing_events.attempts + 1,
           claimed_at = now(), last_error = null
         where billing_events.status = 'failed'
            or (billing_events.status = 'processing' and billing_events.claimed_at < now() - $4::interval)
         returning event_id`,
        [provider, eventId, type, `${STALE_CLAIM_MS / 1000} seconds`],
      );
      return rows.length > 0;
    },

    async finishEvent(provider: BillingProvider, eventId: string): Promise<void> {
      await db.query(
        "update public.billing_events set status = 'done' where provider = $1 and event_id = $2",
        [provider, eventId],
      );
    },

    /** The provider's retry of this event will be processed again. */
    async failEvent(provider: BillingProvider, eventId: string, error: string): Promise<void> {
      await db.query(
        "update public.billing_events set status = 'failed', last_error = $3 where provider = $1 and event_id = $2",
        [provider, eventId, error.slice(0, 500)],
      );
    },

    async recordUnreconciled(payment: UnreconciledPayment): Promise<void> {
      await db.query(
        `insert into public.billing_unreconciled (provider, event_id, event_type, reason, reference,
           external_customer_id, external_subscription_id, customer_email)
         values ($1, $2, $3, $4, $5, $6, $7, $8)
         on conflict (provider, event_id) do nothing`,
        [
          payment.provider,
          payment.eventId,
          payment.eventType,
          payment.reason,
          payment.reference?.slice(0, 200) ?? null,
          payment.externalCustomerId ?? null,
          payment.externalSubscriptionId ?? null,
          payment.customerEmail ?? null,
        ],
      );
    },

    async listUnreconciled(): Promise<(UnreconciledPayment & { createdAt: Date })[]> {
      const rows = await db.query<Row>(
        "select * from public.billing_unreconciled where resolved_at is null order by created_at",
      );
      return rows.map((r) => ({
        provider: r.provider as BillingProvider,
        eventId: r.event_id as string,
        eventType: r.event_type as string,
        reason: r.reason as UnreconciledPayment["reason"],
        reference: (r.reference as string | null) ?? null,
        externalCustomerId: (r.external_customer_id as string | null) ?? null,
        externalSubscriptionId: (r.external_subscription_id as string | null) ?? null,
        customerEmail: (r.customer_email as string | null) ?? null,
        createdAt: new Date(r.created_at as string),
      }));
    },

    /**
     * Takes one memory slot of the holder's month, atomically: the count rises only while it is below `limit`, so
     * concurrent calls never pass the limit. Returns the count after, or null when the month is full.
     */
    async takeMemorySlot(holder: Holder, period: string, limit: number): Promise<number | null> {
      if (limit <= 0) return null;
      const [row] = await db.query<{ memories: number }>(
        `insert into public.billing_usage (holder, period, memories) values ($1, $2, 1)
         on conflict (holder, period) do update set memories = billing_usage.memories + 1
         where billing_usage.memories < $3
         returning memories`,
        [holderKey(holder), period, limit],
      );
      return row ? Number(row.memories) : null;
    },

    /** Gives back a slot taken for a memory that was then not made (no project was created). */
    async returnMemorySlot(holder: Holder, period: string): Promise<void> {
      await db.query(
        "update public.billing_usage set memories = greatest(memories - 1, 0) where holder = $1 and period = $2",
        [holderKey(holder), period],
      );
    },

    /** Ties a taken slot to its memory: the slot goes back when that memory fails or is cancelled (a trigger). */
    async attachMemorySlot(projectId: string, holder: Holder, period: string): Promise<void> {
      if (!isUuid(projectId)) throw new PhotoMemoryError("store.invalid_input", "A project id is a uuid.");
      await db.query(
        `insert into public.billing_memory_claims (project_id, holder, period) values ($1, $2, $3)
         on conflict (project_id) do nothing`,
        [projectId, holderKey(holder), period],
      );
    },

    async memoriesUsed(holder: Holder, period: string): Promise<number> {
      const [row] = await db.query<{ memories: number }>(
        "select memories from public.billing_usage where holder = $1 and period = $2",
        [holderKey(holder), period],
      );
      return row ? Number(row.memories) : 0;
    },

    /** Remembers the thread a subscription was bought from (the first one wins), to tell it when premium changes. */
    async setSubscriptionThread(
      provider: BillingProvider,
      externalSubscriptionId: string,
      target: ChatTarget,
    ): Promise<void> {
      await db.query(
        `update public.subscriptions set chat_target = coalesce(chat_target, $3::text::jsonb)
         where provider = $1 and external_subscription_id = $2`,
        [provider, externalSubscriptionId, JSON.stringify(target)],
      );
    },

    async subscriptionThread(
      provider: BillingProvider,
      externalSubscriptionId: string,
    ): Promise<ChatTarget | null> {
      const [row] = await db.query<Row>(
        "select chat_target from public.subscriptions where provider = $1 and external_subscription_id = $2",
        [provider, externalSubscriptionId],
      );
      return row?.chat_target ? (asJson(row.chat_target) as ChatTarget) : null;
    },

    /** A subscription by the provider's id, with its holder and the thread it was bought from. */
    async findSubscription(
      provider: BillingProvider,
      externalSubscriptionId: string,
    ): Promise<{ subscription: Subscription; holder: Holder; thread: ChatTarget | null } | null> {
      const [row] = await db.query<Row>(
        "select * from public.subscriptions where provider = $1 and external_subscription_id = $2",
        [provider, externalSubscriptionId],
      );
      if (!row) return null;
      const subscription = toSubscription(row);
      return {
        subscription,
        holder: subscription.workspaceId
          ? { kind: "workspace", id: subscription.workspaceId }
          : { kind: "account", id: subscription.accountId as string },
        thread: row.chat_target ? (asJson(row.chat_target) as ChatTarget) : null,
      };
    },

    /**
     * Takes the right to tell the thread that this subscription's premium ended: true once until premium starts again
     * (`resetEndNotice`), so a refund, a provider's end event and the period-end check never tell it twice. With
     * `periodEnd`, only while the subscription still says active until exactly then and that time has passed at `now`
     * (the period ran out and nothing renewed or ended it meanwhile).
     */
    async claimEndNotice(
      provider: BillingProvider,
      externalSubscriptionId: string,
      lapsed?: { periodEnd: Date; now: Date },
    ): Promise<boolean> {
      const rows = await db.query(
        `update public.subscriptions set ended_told_at = now()
         where provider = $1 and external_subscription_id = $2 and ended_told_at is null
           and ($3::timestamptz is null or (status in ('active', 'past_due') and current_period_end = $3
             and current_period_end <= $4::timestamptz))
         returning id`,
        [
          provider,
          externalSubscriptionId,
          lapsed?.periodEnd.toISOString() ?? null,
          lapsed?.now.toISOString() ?? null,
        ],
      );
      return rows.length > 0;
    },

    /** Premium is on again (a renewal, a new period), or the end could not be told: its end may be told again. */
    async resetEndNotice(provider: BillingProvider, externalSubscriptionId: string): Promise<void> {
      await db.query(
        `update public.subscriptions set ended_told_at = null
         where provider = $1 and external_subscription_id = $2 and ended_told_at is not null`,
        [provider, externalSubscriptionId],
      );
    },

    /** The thread this holder last asked to upgrade from (where a purchase made outside that thread is told). */
    async latestUpgradeThread(holder: Holder): Promise<ChatTarget | null> {
      const [row] = await db.query<Row>(
        `select chat_target from public.billing_upgrade_tokens
         where ${holder.kind === "workspace" ? "holder_workspace_id" : "holder_account_id"} = $1
         order by created_at desc limit 1`,
        [holder.id],
      );
      return row?.chat_target ? (asJson(row.chat_target) as ChatTarget) : null;
    },

    /** The newest subscription of a holder with this provider (e.g. for the Stripe customer of `/memory billing`). */
    async latestSubscriptionOf(
      holder: Holder,
      provider: BillingProvider,
    ): Promise<{ externalCustomerId: string | null; externalSubscriptionId: string } | null> {
      const [row] = await db.query<Row>(
        `select external_customer_id, external_subscription_id from public.subscriptions
         where ${holder.kind === "workspace" ? "workspace_id" : "account_id"} = $1 and provider = $2
         order by last_event_at desc limit 1`,
        [holder.id, provider],
      );
      return row
        ? {
            externalCustomerId: (row.external_customer_id as string | null) ?? null,
            externalSubscriptionId: row.external_subscription_id as string,
          }
        : null;
    },
  };
}

export type BillingRows = ReturnType<typeof createBillingRows>;

/** PGlite returns jsonb parsed; porsager's driver may return text. */
function asJson(value: unknown): unknown {
  return typeof value === "string" ? JSON.parse(value) : value;
}
