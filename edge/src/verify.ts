/**
 * The platforms' signatures, checked on the raw bytes with WebCrypto only: Slack (v0 HMAC-SHA256 of
 * `v0:<ts>:<body>`, 5 minutes either side), Discord (Ed25519 over `<ts><body>`, the service's 5-minute window),
 * Telegram (the secret token header, constant time) and Stripe (`t=…,v1=…` HMAC-SHA256 of `<t>.<body>`, 300 s
 * tolerance for old timestamps as stripe-node's constructEvent). MACs are compared by `crypto.subtle.verify`,
 * which is constant-time.
 */

export const MAX_SKEW_SECONDS = 300;

const encoder = new TextEncoder();

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

function fromHex(hex: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array((hex.match(/../g) ?? []).map((h) => Number.parseInt(h, 16)));
}

async function hmacMatches(
  secret: string,
  message: Uint8Array<ArrayBuffer>,
  hexMac: string,
): Promise<boolean> {
  const key = await crypto.subtle.importKey(
    "raw",
    encoder.encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["verify"],
  );
  return crypto.subtle.verify("HMAC", key, fromHex(hexMac), message);
}

const isFresh = (timestamp: string, now: number) =>
  /^\d{1,12}$/.test(timestamp) && Math.abs(now - Number(timestamp)) <= MAX_SKEW_SECONDS;

export async function verifySlack(secret: string, headers: Headers, body: Uint8Array, now: number) {
  const timestamp = headers.get("x-slack-request-timestamp") ?? "";
  const signature = headers.get("x-slack-signature") ?? "";
  if (!isFresh(timestamp, now) || !/^v0=[0-9a-f]{64}$/i.test(signature)) return false;
  return hmacMatches(secret, concat(encoder.encode(`v0:${timestamp}:`), body), signature.slice(3));
}

export async function verifyDiscord(publicKeyHex: string, headers: Headers, body: Uint8Array, now: number) {
  const timestamp = headers.get("x-signature-timestamp") ?? "";
  const signature = headers.get("x-signature-ed25519") ?? "";
  if (!isFresh(timestamp, now) || !/^[0-9a-f]{128}$/i.test(signature)) return false;
  try {
    const key = await crypto.subtle.importKey("raw", fromHex(publicKeyHex), { name: "Ed25519" }, false, [
      "verify",
    ]);
    return await crypto.subtle.verify(
      "Ed25519",
      key,
      fromHex(signature),
      concat(encoder.encode(timestamp), body),
    );
  } catch {
    return false;
  }
}

export function verifyTelegram(secret: string, headers: Headers): boolean {
  const given = encoder.encode(headers.get("x-telegram-bot-api-secret-token") ?? "");
  const expected = encoder.encode(secret);
  if (given.byteLength !== expected.byteLength) return false;
  let difference = 0;
  for (let i = 0; i < given.byteLength; i++) difference |= (given[i] ?? 0) ^ (expected[i] ?? 0);
  return difference === 0;
}

export async function verifyStripe(secret: string, headers: Headers, body: Uint8Array, now: number) {
  const pairs = (headers.get("stripe-signature") ?? "").split(",").map((item) => item.trim().split("="));
  const timestamp = pairs.find(([k]) => k === "t")?.[1] ?? "";
  const signatures = pairs
    .filter(([k, v]) => k === "v1" && /^[0-9a-f]{64}$/i.test(v ?? ""))
    .map(([, v]) => v);
  if (!/^\d{1,12}$/.test(timestamp) || signatures.length === 0) return false;
  if (now - Number(timestamp) > MAX_SKEW_SECONDS) return false;
  const message = concat(encoder.encode(`${timestamp}.`), body);
  for (const signature of signatures) if (await hmacMatches(secret, message, signature ?? "")) return true;
  return false;
}
