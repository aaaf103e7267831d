/** Store part: subscriptions (out-of-order provider events) and monthly usage counters. */
import { PhotoMemoryError } from "../errors.ts";
import type { Db } from "./db.ts";
import type { UsageField } from "./records.ts";
import { type Row, toSubscription, toUsage } from "./row-mappers.ts";
import { guarded, isUuid } from "./sql-helpers.ts";
import type { Store } from "./store.ts";

type BillingStore = Pick<
  Store,
  "upsertSubscription" | "findActiveSubscription" | "incrementUsage" | "getUsage"
>;

const USAGE_COLUMNS: Record<UsageField, string> = {
  memoriesRequested: "memories_requested",
  videosRendered: "videos_rendered",
  photosAdded: "photos_added",
  renderSeconds: "render_seconds",
};

const MONTH = /^[0-9]{4}-(0[1-9]|1[0-2])$/;

function checkMonth(month: string): void {
  if (!MONTH.test(month))
    throw new PhotoMemoryError("store.invalid_input", "A usage month looks like 2026-11.");
}

export function createBillingStore(db: Db): BillingStore {
  return {
    upsertSubscription: (event) =>
      guarded("Saving the subscription", async () => {
        if (!event.accountId === !event.workspaceId) {
          throw new PhotoMemoryError(
            "store.invalid_input",
            "A subscription belongs to an account or a workspace.",
          );
        }
        const applied = await db.query<Row>(
          `insert into public.subscriptions (account_id, workspace_id, provider, external_customer_id,
             external_subscription_id, status, current_period_end, last_event_at, cancel_at_period_end)
           values ($1, $2, $3, $4, $5, $6::public.subscription_status, $7, $8, $9)
           on conflict (provider, external_subscription_id) do update set
             status = excluded.status,
             cancel_at_period_end = excluded.cancel_at_period_end,
             external_customer_id = coalesce(excluded.external_customer_id, subscriptions.external_customer_id),
             current_period_end = coalesce(excluded.current_period_end, subscriptions.current_period_end),
             last_event_at = excluded.last_event_at
           where subscriptions.last_event_at <= excluded.last_event_at
           returning *`,
          [
            event.accountId ?? null,
            event.workspaceId ?? null,
            event.provider,
            event.externalCustomerId ?? null,
            event.externalSubscriptionId,
            event.status,
            event.currentPeriodEnd ?? null,
            event.eventAt,
            event.cancelAtPeriodEnd ?? null,
          ],
        );
        if (applied[0]) return { applied: true, subscription: toSubscription(applied[0]) };
        const [current] = await db.query<Row>(
          "select * from public.subscriptions where provider = $1 and external_subscription_id = $2",
          [event.provider, event.externalSubscriptionId],
        );
        if (!current)
          throw new PhotoMemoryError("store.conflict", "The subscription could not be saved; try again.");
        return { applied: false, subscription: toSubscription(current) };
      }),

    async findActiveSubscription(holder) {
      const accountId = holder.accountId && isUuid(holder.accountId) ? holder.accountId : null;
      const workspaceId = holder.workspaceId && isUuid(holder.workspaceId) ? holder.workspaceId : null;
      if (!accountId && !workspaceId) return null;
      // past_due keeps the plan during the provider's retry period; cancelled and unpaid do not.
      const [row] = await db.query<Row>(
        `select * from public.subscriptions
         where (account_id = $1 or workspace_id = $2) and status in ('active', 'past_due')
           and (current_period_end is null or current_period_end > now())
         order by current_period_end desc nulls first
         limit 1`,
        [accountId, workspaceId],
      );
      return row ? toSubscription(row) : null;
    },

    incrementUsage: (accountId, month, field, by = 1) =>
      guarded("Counting usage", async () => {
        checkMonth(month);
        const column = USAGE_COLUMNS[field];
        if (!column) throw new PhotoMemoryError("store.invalid_input", `Unknown usage field ${field}.`);
        const [row] = await db.query<Row>(
          `insert into public.usage (account_id, month, ${column}) values ($1, $2, $3)
           on conflict (account_id, month) do update set ${column} = usage.${column} + excluded.${column}
           returning *`,
          [accountId, month, by],
        );
        if (!row) throw new PhotoMemoryError("store.conflict", "Usage could not be counted.");
        return toUsage(row);
      }),

    async getUsage(accountId, month) {
      checkMonth(month);
      const [row] = isUuid(accountId)
        ? await db.query<Row>("select * from public.usage where account_id = $1 and month = $2", [
            accountId,
            month,
          ])
        : [];
      return row
        ? toUsage(row)
        : { accountId, month, memoriesRequested: 0, videosRendered: 0, photosAdded: 0, renderSeconds: 0 };
    },
  };
}
