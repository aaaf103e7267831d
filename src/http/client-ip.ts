/**
 * The address a request came from, for per-client limits. By default the connection's own peer: X-Forwarded-For is
 * written by whoever sends the request, so it is read only when the operator says how many proxies of theirs stand in
 * front (TRUST_PROXY_HOPS). Each proxy appends the address it received from, so the client is the entry that many
 * places from the right; anything further left was sent by the client and is not looked at.
 */
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";

export type ClientIp = (c: Context) => string;

/** Without a socket (a test calling `app.request()`), every request counts as this one client. */
const UNKNOWN = "unknown";

function peerOf(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? UNKNOWN;
  } catch {
    return UNKNOWN;
  }
}

export function createClientIp(trustProxyHops: number): ClientIp {
  return (c) => {
    if (trustProxyHops <= 0) return peerOf(c);
    const hops = (c.req.header("x-forwarded-for") ?? "")
      .split(",")
      .map((entry) => entry.trim())
      .filter(Boolean);
    // Fewer entries than proxies: the request did not come through all of them; the nearest one is the best we know.
    return hops[hops.length - trustProxyHops] ?? hops[0] ?? peerOf(c);
  };
}
