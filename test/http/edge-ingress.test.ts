/**
 * The service's check of edge-forwarded webhooks (createApp, no server): a request signed by the edge reaches its
 * platform marked as an edge delivery with its body intact; a tampered body, another path, a stale timestamp or a
 * service without EDGE_SHARED_SECRET is refused before any platform sees it; unsigned requests pass as direct ones.
 */
import { randomBytes } from "node:crypto";
import pino from "pino";
import { expect, it } from "vitest";
import type { EdgeDelivery } from "../../src/bots/common/edge-delivery.ts";
import { createApp } from "../../src/http/app.ts";
import { EDGE_HEADERS, signEdgeRequest } from "../../src/http/edge-signature.ts";

const SECRET = randomBytes(32).toString("hex");

function appWith(secret?: string) {
  const seen: { path: string; body: string; edge?: EdgeDelivery }[] = [];
  const app = createApp({
    logger: pino({ level: "silent" }),
    checkDatabase: async () => undefined,
    platforms: ["slack", "telegram"].map((name) => ({
      name,
      handle: async (request: Request, edge?: EdgeDelivery) => {
        seen.push({
          path: new URL(request.url).pathname,
          body: await request.text(),
          ...(edge ? { edge } : {}),
        });
        return new Response(null, { status: 200 });
      },
    })),
    ...(secret ? { edgeSharedSecret: secret } : {}),
  });
  return { app, seen };
}

async function forwarded(
  path: string,
  body: string,
  options: { signedPath?: string; signedBody?: string; timestamp?: number; secret?: string } = {},
) {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const receivedAt = Date.now() - 42_000;
  const signature = await signEdgeRequest(options.secret ?? SECRET, {
    timestamp,
    receivedAt,
    method: "POST",
    path: options.signedPath ?? path,
    contentType: "application/json",
    body: new TextEncoder().encode(options.signedBody ?? body),
  });
  return new Request(`http://origin.test${path}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      [EDGE_HEADERS.signature]: signature,
      [EDGE_HEADERS.timestamp]: String(timestamp),
      [EDGE_HEADERS.receivedAt]: String(receivedAt),
    },
    body,
  });
}

const update = '{"update_id":1,"message":{"text":"ol\u00e1 \\/memory"}}';

it("hands a correctly signed forward to its platform as an edge delivery, body intact and edge headers removed", async () => {
  const { app, seen } = appWith(SECRET);
  const res = await app.request(await forwarded("/telegram/webhook", update));
  expect(res.status).toBe(200);
  expect(seen).toHaveLength(1);
  expect(seen[0]?.body).toBe(update);
  expect(Date.now() - (seen[0]?.edge?.receivedAt ?? 0)).toBeGreaterThanOrEqual(42_000);
});

it("refuses a tampered body, another path, a stale timestamp, another secret, and any forward without a secret here", async () => {
  const { app, seen } = appWith(SECRET);
  const now = Math.floor(Date.now() / 1000);
  const refused = [
    await forwarded("/telegram/webhook", update.replace("1", "2"), { signedBody: update }),
    await forwarded("/telegram/webhook", update, { signedPath: "/slack/events" }),
    await forwarded("/telegram/webhook", update, { timestamp: now - 301 }),
    await forwarded("/telegram/webhook", update, { timestamp: now + 301 }),
    await forwarded("/telegram/webhook", update, { secret: randomBytes(32).toString("hex") }),
  ];
  for (const request of refused) expect((await app.request(request)).status).toBe(401);
  const unconfigured = appWith();
  expect((await unconfigured.app.request(await forwarded("/telegram/webhook", update))).status).toBe(401);
  expect([...seen, ...unconfigured.seen]).toHaveLength(0);
});

it("passes a request without the edge headers on as a direct webhook, unmarked", async () => {
  const { app, seen } = appWith(SECRET);
  await app.request("/slack/events", {
    method: "POST",
    body: "{}",
    headers: { "content-type": "application/json" },
  });
  expect(seen).toEqual([{ path: "/slack/events", body: "{}" }]);
});
