/**
 * Slack request signing (v0): HMAC-SHA256 of `v0:<timestamp>:<raw body>` with the signing secret, compared in
 * constant time, and the timestamp within 5 minutes either side of now. Bolt's own helper only rejects old
 * timestamps, not ones from the future, so this is ours.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const SLACK_MAX_SKEW_SECONDS = 300;

export interface SlackSignatureInput {
  signingSecret: string;
  rawBody: Uint8Array;
  timestamp: string | null | undefined;
  signature: string | null | undefined;
  nowSeconds?: number;
}

export function isValidSlackSignature(input: SlackSignatureInput): boolean {
  const { timestamp, signature } = input;
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp) || !signature.startsWith("v0=")) return false;
  const now = input.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > SLACK_MAX_SKEW_SECONDS) return false;
  const expected = createHmac("sha256", input.signingSecret)
    .update(`v0:${timestamp}:`)
    .update(input.rawBody)
    .digest();
  const given = Buffer.from(signature.slice(3), "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** How Slack signs a request; used by tests and local tooling to build fixtures. */
export function signSlackRequest(
  signingSecret: string,
  timestamp: number,
  rawBody: string | Uint8Array,
): string {
  return `v0=${createHmac("sha256", signingSecret).update(`v0:${timestamp}:`).update(rawBody).digest("hex")}`;
}
