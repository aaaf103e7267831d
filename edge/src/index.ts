/**
 * PhotoMemory's edge ingress, a Cloudflare Worker. `fetch`: a webhook from Slack, Discord, Telegram or Stripe is
 * verified on its raw bytes (a forged or stale one is refused and never queued), given the answer its platform needs
 * in time (Discord's PONG and deferral, Slack's and Telegram's 200) and put on the queue. `queue`: the consumer
 * forwards each one, signed, to the service, which handles it as already answered. Workers allow only handlers as
 * this module's exports (workerd refuses to start otherwise), so everything else lives in the modules it imports.
 */
import type { EdgeEnv, MessageBatch, QueuedWebhook, WorkerContext } from "./env.ts";
import { consumeBatch } from "./forward.ts";
import { MAX_BODY_BYTES, MAX_MESSAGE_BYTES, readCappedBody } from "./read-body.ts";
import { ROUTES } from "./routes.ts";

const json = (value: unknown, status: number) =>
  new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });

function log(level: "info" | "warn", fields: Record<string, unknown>) {
  (level === "warn" ? console.warn : console.log)(JSON.stringify(fields));
}

/** Every platform here sends JSON or form text: bytes that are not UTF-8 are not a webhook of theirs. */
function utf8(body: Uint8Array): string | null {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    return null;
  }
}

async function handleWebhook(request: Request, env: EdgeEnv): Promise<Response> {
  const url = new URL(request.url);
  const route = ROUTES[url.pathname];
  const secret = route?.secret(env);
  if (!route || !secret) return json({ error: "not_found" }, 404);
  if (request.method !== "POST") return json({ error: "method_not_allowed" }, 405);

  const body = await readCappedBody(request, MAX_BODY_BYTES);
  if (!body) return json({ error: "too_large" }, 413);
  const now = Math.floor(Date.now() / 1000);
  if (!(await route.verify(secret, request.headers, body, now))) {
    log("warn", { msg: "webhook refused: bad signature or stale timestamp", platform: route.platform });
    return json({ error: "invalid_signature" }, route.refusal);
  }
  const text = utf8(body);
  if (text === null) return json({ error: "bad_request" }, 400);
  const answer = route.answer(text, request.headers);
  if (answer.forward === null) return answer.response;

  const headers: Record<string, string> = {};
  for (const name of ["content-type", ...route.passHeaders]) {
    const value = request.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  const message: QueuedWebhook = {
    v: 1,
    platform: route.platform,
    method: request.method,
    path: url.pathname + url.search,
    headers,
    body: text,
    receivedAt: Date.now(),
    deliveryId: answer.forward,
  };
  if (new TextEncoder().encode(JSON.stringify(message)).byteLength > MAX_MESSAGE_BYTES) {
    log("warn", {
      msg: "webhook too large for the queue",
      platform: route.platform,
      deliveryId: answer.forward,
    });
    return json({ error: "too_large" }, 413);
  }
  try {
    await env.INGRESS_QUEUE.send(message, { contentType: "json" });
  } catch (error) {
    // Not queued, so not answered as taken: the platform's retry (Slack, Telegram, Stripe) brings it again.
    log("warn", { msg: "queue send failed", platform: route.platform, error: String(error) });
    return json({ error: "unavailable" }, 503);
  }
  log("info", { msg: "webhook queued", platform: route.platform, deliveryId: answer.forward });
  return answer.response;
}

export default {
  fetch: (request: Request, env: EdgeEnv, _ctx?: WorkerContext) => handleWebhook(request, env),
  queue: (batch: MessageBatch<QueuedWebhook>, env: EdgeEnv, _ctx?: WorkerContext) => consumeBatch(batch, env),
};
