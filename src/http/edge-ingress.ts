/**
 * Webhooks forwarded by the edge Worker (edge/): a request carrying the edge signature header is checked against
 * EDGE_SHARED_SECRET (401 when that fails or no secret is configured here), then handed on as an edge delivery: a
 * copy of the request with its verified body, which platform handlers take as verified and already answered.
 * Requests without the header are direct webhooks and pass untouched, so both paths stay open.
 */
import type { MiddlewareHandler } from "hono";
import type { Logger } from "pino";
import type { EdgeDelivery } from "../bots/common/edge-delivery.ts";
import { EDGE_HEADERS, verifyEdgeRequest } from "./edge-signature.ts";

export interface EdgeForwarded {
  /** The forwarded request, its body readable again (the check read the original). */
  request: Request;
  delivery: EdgeDelivery;
}

declare module "hono" {
  interface ContextVariableMap {
    /** Set for a request the edge Worker forwarded and signed; routes in the main app read the body as usual. */
    edgeForwarded?: EdgeForwarded;
  }
}

export function createEdgeIngress(options: { secret?: string; logger: Logger }): MiddlewareHandler {
  const log = options.logger.child({ module: "edge-ingress" });
  return async (c, next) => {
    if (!c.req.header(EDGE_HEADERS.signature)) return next();
    if (!options.secret) {
      log.warn({ path: c.req.path }, "edge-forwarded request refused: EDGE_SHARED_SECRET is not set here");
      return c.json({ error: "edge_not_configured" }, 401);
    }
    const body = new Uint8Array(await c.req.arrayBuffer());
    const url = new URL(c.req.url);
    const verdict = await verifyEdgeRequest({
      secret: options.secret,
      header: (name) => c.req.header(name),
      method: c.req.method,
      path: url.pathname + url.search,
      contentType: c.req.header("content-type") ?? "",
      body,
    });
    if (!verdict.ok) {
      log.warn({ path: c.req.path, reason: verdict.reason }, "edge-forwarded request refused");
      return c.json({ error: "invalid_edge_signature" }, 401);
    }
    const headers = new Headers(c.req.raw.headers);
    for (const name of Object.values(EDGE_HEADERS)) headers.delete(name);
    c.set("edgeForwarded", {
      request: new Request(c.req.url, { method: c.req.method, headers, body }),
      delivery: { receivedAt: verdict.receivedAt },
    });
    return next();
  };
}
