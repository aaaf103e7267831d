/**
 * Body caps per route, enforced before a handler reads anything: a declared Content-Length over the cap is refused
 * at once, and a chunked body is cut off as soon as it passes the cap (hono's bodyLimit), so an unsigned 2 GB POST
 * to a webhook never reaches memory. Webhooks are small; routes with their own larger cap (photo uploads) say so.
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";

/** Slack, Discord, Telegram and Stripe send a few KB; 1 MiB leaves room and nothing more. */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;
/** Inngest's requests carry a run's memoised step outputs (ids and keys here, never bytes). */
export const INNGEST_BODY_LIMIT = 16 * 1024 * 1024;

const tooLarge = (limit: number) =>
  bodyLimit({
    maxSize: limit,
    onError: (c) =>
      c.json(
        { error: "too_large", message: `The request body is over ${Math.round(limit / 1024)} KiB.` },
        413,
      ),
  });

/**
 * Every route gets the webhook cap except those listed in `ownLimit` (path prefixes whose handlers apply their own).
 */
export function createBodyLimits(options: { ownLimit?: RegExp[] } = {}): MiddlewareHandler {
  const webhook = tooLarge(WEBHOOK_BODY_LIMIT);
  const inngest = tooLarge(INNGEST_BODY_LIMIT);
  return async (c, next) => {
    if (c.req.method === "GET" || c.req.method === "HEAD") return next();
    const path = c.req.path;
    if (options.ownLimit?.some((pattern) => pattern.test(path))) return next();
    return (path.startsWith("/api/inngest") ? inngest : webhook)(c, next);
  };
}
