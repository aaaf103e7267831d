/**
 * Store part: inbound webhook deliveries. The (source, delivery id) primary key makes the claim atomic across
 * processes; a delivery whose processing failed, or was abandoned mid-way (crash), can be claimed by the retry.
 */
import type { Db } from "./db.ts";
import type { Store } from "./store.ts";

type DeliveryStore = Pick<
  Store,
  "recordInboundDelivery" | "markDeliveryDone" | "markDeliveryFailed" | "isDeliveryDone"
>;

/**
 * A claim this old without done/failed was abandoned (the process died mid-way). Handlers only record and enqueue,
 * so a live claim is seconds old; two minutes lets Slack's 5-minute retry (and Telegram's re-sends) take it over.
 */
const DEFAULT_STALE_AFTER_MS = 2 * 60 * 1000;

export function createDeliveryStore(db: Db): DeliveryStore {
  return {
    async recordInboundDelivery(source, deliveryId, options = {}) {
      const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
      const rows = await db.query(
        `insert into public.inbound_deliveries (source, delivery_id) values ($1, $2)
         on conflict (source, delivery_id) do update set
           status = 'processing', attempts = inbound_deliveries.attempts + 1, claimed_at = now(), last_error = null
         where inbound_deliveries.status = 'failed'
            or (inbound_deliveries.status = 'processing'
                and inbound_deliveries.claimed_at < now() - make_interval(secs => $3::double precision / 1000))
         returning delivery_id`,
        [source, deliveryId, staleAfterMs],
      );
      return rows.length > 0;
    },

    async markDeliveryDone(source, deliveryId) {
      await db.query(
        `update public.inbound_deliveries set status = 'done', last_error = null
         where source = $1 and delivery_id = $2`,
        [source, deliveryId],
      );
    },

    async isDeliveryDone(source, deliveryId) {
      const rows = await db.query<{ status: string }>(
        "select status from public.inbound_deliveries where source = $1 and delivery_id = $2",
        [source, deliveryId],
      );
      return rows[0]?.status === "done";
    },

    async markDeliveryFailed(source, deliveryId, error) {
      await db.query(
        `update public.inbound_deliveries set status = 'failed', last_error = left($3, 500)
         where source = $1 and delivery_id = $2 and status <> 'done'`,
        [source, deliveryId, error ?? null],
      );
    },
  };
}
