/**
 * Discord interaction signatures: Ed25519 over `X-Signature-Timestamp + raw body` with the application's public
 * key. node:crypto verifies Ed25519 given the raw 32-byte key wrapped as SPKI DER. Discord's docs set no replay
 * window; ours is Slack's: the timestamp (unix seconds) must be digits and within 5 minutes either side of now, so a
 * captured request cannot be replayed later (a replay inside the window is caught by the interaction id dedupe).
 */
import { createPublicKey, type KeyObject, verify } from "node:crypto";
import type { Context } from "hono";
import type { Logger } from "pino";
import { edgeDeliveryOf } from "../common/edge-delivery.ts";

export const DISCORD_MAX_SKEW_SECONDS = 300;

const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

export function discordPublicKey(hex: string): KeyObject {
  return createPublicKey({
    key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(hex, "hex")]),
    format: "der",
    type: "spki",
  });
}

export function isValidDiscordSignature(input: {
  key: KeyObject;
  rawBody: Uint8Array;
  signature: string | null | undefined;
  timestamp: string | null | undefined;
  nowSeconds?: number;
}): boolean {
  const { signature, timestamp } = input;
  if (!signature || !timestamp || !/^[0-9a-f]{128}$/i.test(signature) || !/^\d{1,12}$/.test(timestamp)) {
    return false;
  }
  const now = input.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > DISCORD_MAX_SKEW_SECONDS) return false;
  try {
    const message = Buffer.concat([Buffer.from(timestamp, "utf8"), input.rawBody]);
    return verify(null, message, input.key, Buffer.from(signature, "hex"));
  } catch {
    return false;
  }
}

/**
 * The JSON body of a POST Discord signed (or the edge Worker verified and forwarded: its timestamp may be past our
 * window since), or the answer refusing it: 401 for a bad signature, which Discord probes for; 400 when not JSON.
 */
export async function readSignedDiscordJson<T>(
  c: Context,
  key: KeyObject,
  log: Logger,
  what: string,
): Promise<{ body: T } | { refusal: Response }> {
  const raw = new Uint8Array(await c.req.arrayBuffer());
  const valid =
    edgeDeliveryOf(c) !== undefined ||
    isValidDiscordSignature({
      key,
      rawBody: raw,
      signature: c.req.header("x-signature-ed25519"),
      timestamp: c.req.header("x-signature-timestamp"),
    });
  if (!valid) {
    log.warn(`${what} refused: bad signature`);
    return { refusal: c.json({ error: "invalid request signature" }, 401) };
  }
  try {
    return { body: JSON.parse(new TextDecoder().decode(raw)) as T };
  } catch {
    return { refusal: c.json({ error: "bad_request" }, 400) };
  }
}
