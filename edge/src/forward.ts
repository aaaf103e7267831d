/**
 * The queue consumer's half: each queued webhook is sent to the service at its own path with the edge signature
 * (src/http/edge-signature.ts). A 2xx acks it; anything else (the service down, 5xx, a refusal) retries it later with
 * a growing delay, and after the queue's max_retries it lands in the dead-letter queue, so nothing is dropped
 * silently. Redeliveries are harmless: the service dedupes on the platforms' delivery ids.
 */
import { EDGE_HEADERS, signEdgeRequest } from "../../src/http/edge-signature.ts";
import type { EdgeEnv, MessageBatch, QueuedWebhook } from "./env.ts";

/** Longer than the service takes to answer a Slack event it forwards (20 s) before it says "retry later". */
const ORIGIN_TIMEOUT_MS = 45_000;

export function retryDelaySeconds(attempts: number): number {
  return Math.min(300, 5 * 2 ** Math.max(0, attempts - 1));
}

export async function forwardToOrigin(message: QueuedWebhook, env: EdgeEnv): Promise<number> {
  const body = new TextEncoder().encode(message.body);
  const timestamp = Math.floor(Date.now() / 1000);
  const contentType = message.headers["content-type"] ?? "";
  const signature = await signEdgeRequest(env.EDGE_SHARED_SECRET, {
    timestamp,
    receivedAt: message.receivedAt,
    method: message.method,
    path: message.path,
    contentType,
    body,
  });
  const response = await fetch(new URL(message.path, env.ORIGIN_URL), {
    method: message.method,
    headers: {
      ...message.headers,
      [EDGE_HEADERS.signature]: signature,
      [EDGE_HEADERS.timestamp]: String(timestamp),
      [EDGE_HEADERS.receivedAt]: String(message.receivedAt),
    },
    body,
    redirect: "manual",
    signal: AbortSignal.timeout(ORIGIN_TIMEOUT_MS),
  });
  await response.body?.cancel();
  return response.status;
}

/** One message at a time, in order: a chat's updates (a Telegram album) reach the service in the order queued. */
export async function consumeBatch(batch: MessageBatch<QueuedWebhook>, env: EdgeEnv): Promise<void> {
  for (const message of batch.messages) {
    const { platform, deliveryId } = message.body;
    let status = 0;
    try {
      status = await forwardToOrigin(message.body, env);
    } catch (error) {
      console.warn(JSON.stringify({ msg: "origin unreachable", platform, deliveryId, error: String(error) }));
    }
    if (status >= 200 && status < 300) {
      message.ack();
      continue;
    }
    const delaySeconds = retryDelaySeconds(message.attempts);
    console.warn(
      JSON.stringify({ msg: "origin did not take it; retrying", platform, deliveryId, status, delaySeconds }),
    );
    message.retry({ delaySeconds });
  }
}
