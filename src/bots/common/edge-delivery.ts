/**
 * A webhook that came through the edge Worker (edge/): the Worker verified the platform's signature and gave the
 * platform its time-critical answer; src/http/edge-ingress.ts checked the Worker's own signature. A platform's
 * handler then skips its signature check (the platform's timestamp may be older than its window after a wait in the
 * queue) and answers only the Worker's queue consumer, whose answer no user sees.
 */
import type { Context } from "hono";

export interface EdgeDelivery {
  /** Unix milliseconds when the edge received the webhook (Discord's interaction token counts from then). */
  receivedAt: number;
}

/** Platform routers are served with `{ edge }` as their env for such requests (see `inboundFromRouter`). */
export function edgeDeliveryOf(c: Context): EdgeDelivery | undefined {
  const env = c.env as { edge?: EdgeDelivery } | undefined;
  return env?.edge;
}
