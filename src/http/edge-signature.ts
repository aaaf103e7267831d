/**
 * The signature the edge Worker (edge/) puts on a webhook it verified and forwards to this service: HMAC-SHA256 with
 * EDGE_SHARED_SECRET over the forwarding time, the time the edge received the webhook, the method, path, content
 * type and raw body. WebCrypto only (no node: modules), so the Worker and the service share this one module. The
 * timestamp is the forwarding time, so a message that waited in the queue is still fresh; a replay inside the window
 * is caught by the platforms' delivery-id dedupe, as for the platforms' own signatures.
 */

export const EDGE_HEADERS = {
  signature: "x-photomemory-edge-signature",
  timestamp: "x-photomemory-edge-timestamp",
  receivedAt: "x-photomemory-edge-received-at",
} as const;

export const EDGE_MAX_SKEW_SECONDS = 300;

export interface EdgeSignedParts {
  /** Unix seconds when the request was forwarded. */
  timestamp: number;
  /** Unix milliseconds when the edge received the platform's webhook. */
  receivedAt: number;
  method: string;
  /** Path and query, e.g. `/slack/events`. */
  path: string;
  contentType: string;
  body: Uint8Array;
}

const encoder = new TextEncoder();

function signedBytes(parts: EdgeSignedParts): Uint8Array<ArrayBuffer> {
  const head = encoder.encode(
    `v1:${parts.timestamp}:${parts.receivedAt}:${parts.method.toUpperCase()}:${parts.path}:${parts.contentType}:`,
  );
  const bytes = new Uint8Array(head.byteLength + parts.body.byteLength);
  bytes.set(head, 0);
  bytes.set(parts.body, head.byteLength);
  return bytes;
}

function hmacKey(secret: string, usage: "sign" | "verify"): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    usage,
  ]);
}

const toHex = (bytes: ArrayBuffer) =>
  Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, "0")).join("");

/** `v1=<hex>`: the value of the signature header. */
export async function signEdgeRequest(secret: string, parts: EdgeSignedParts): Promise<string> {
  const mac = await crypto.subtle.sign("HMAC", await hmacKey(secret, "sign"), signedBytes(parts));
  return `v1=${toHex(mac)}`;
}

export type EdgeVerdict = { ok: true; receivedAt: number } | { ok: false; reason: string };

/** Checks the three edge headers of a forwarded request (constant-time MAC compare through WebCrypto). */
export async function verifyEdgeRequest(input: {
  secret: string;
  header: (name: string) => string | null | undefined;
  method: string;
  path: string;
  contentType: string;
  body: Uint8Array;
  nowSeconds?: number;
}): Promise<EdgeVerdict> {
  const signature = input.header(EDGE_HEADERS.signature) ?? "";
  const timestamp = input.header(EDGE_HEADERS.timestamp) ?? "";
  const receivedAt = input.header(EDGE_HEADERS.receivedAt) ?? "";
  if (
    !/^v1=[0-9a-f]{64}$/.test(signature) ||
    !/^\d{1,12}$/.test(timestamp) ||
    !/^\d{1,15}$/.test(receivedAt)
  ) {
    return { ok: false, reason: "malformed edge headers" };
  }
  const now = input.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > EDGE_MAX_SKEW_SECONDS)
    return { ok: false, reason: "stale timestamp" };
  const mac = new Uint8Array((signature.slice(3).match(/../g) ?? []).map((h) => Number.parseInt(h, 16)));
  const valid = await crypto.subtle.verify(
    "HMAC",
    await hmacKey(input.secret, "verify"),
    mac,
    signedBytes({
      timestamp: Number(timestamp),
      receivedAt: Number(receivedAt),
      method: input.method,
      path: input.path,
      contentType: input.contentType,
      body: input.body,
    }),
  );
  return valid ? { ok: true, receivedAt: Number(receivedAt) } : { ok: false, reason: "bad signature" };
}
