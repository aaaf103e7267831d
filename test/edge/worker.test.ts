/**
 * The edge Worker on Node, through its `fetch` and `queue` handlers (Node 20 has the same WebCrypto, Ed25519
 * included): each platform's signature is checked on the raw bytes (forged, stale, re-serialised and unsigned requests
 * are refused and never queued), the time-critical answer is the service's own, and the consumer forwards what was
 * queued to the origin with a signature the origin's check accepts, retrying with a delay when the origin fails.
 */
import { generateKeyPairSync } from "node:crypto";
import type { ServerResponse } from "node:http";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import worker from "../../edge/src/index.ts";
import { MAX_BODY_BYTES } from "../../edge/src/read-body.ts";
import { verifyEdgeRequest } from "../../src/http/edge-signature.ts";
import { type LocalServer, type RecordedRequest, startLocalServer } from "../stand-ins/local-server.ts";
import {
  batchOf,
  discordRequest,
  edgeEnv,
  type FakeQueue,
  fakeQueue,
  fixture,
  SECRETS,
  slackRequest,
  stripeRequest,
  stripeSignature,
  telegramRequest,
} from "./edge-kit.ts";

let queue: FakeQueue;
let logs: string[];
const now = () => Math.floor(Date.now() / 1000);

beforeEach(() => {
  queue = fakeQueue();
  logs = [];
  const record = (...args: unknown[]) => void logs.push(args.map(String).join(" "));
  vi.spyOn(console, "log").mockImplementation(record);
  vi.spyOn(console, "warn").mockImplementation(record);
});
afterEach(() => vi.restoreAllMocks());

const call = (request: Request) => worker.fetch(request, edgeEnv(queue));

describe("Slack at the edge", () => {
  const event = fixture("slack/message-file-share.json");

  it("queues a signed event with its raw bytes and answers an empty 200", async () => {
    const res = await call(slackRequest(event));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
    expect(queue.sent).toHaveLength(1);
    const [queued] = queue.sent;
    expect(queued).toMatchObject({ platform: "slack", method: "POST", path: "/slack/events", body: event });
    expect(queued?.deliveryId).toBe(JSON.parse(event).event_id);
    expect(queued?.headers["content-type"]).toBe("application/json");
    expect(Math.abs((queued?.receivedAt ?? 0) - Date.now())).toBeLessThan(5000);
  });

  it("refuses a timestamp 301 s old or 301 s ahead, a forged MAC and a re-serialised body: 401, nothing queued", async () => {
    const reserialised = JSON.stringify(JSON.parse(event));
    expect(reserialised).not.toBe(event);
    const refused = [
      slackRequest(event, { timestamp: now() - 301 }),
      slackRequest(event, { timestamp: now() + 301 }),
      slackRequest(event, { secret: "not-the-signing-secret" }),
      slackRequest(reserialised, { signedBody: event }),
      new Request("https://edge.example/slack/events", { method: "POST", body: event }),
    ];
    for (const request of refused) expect((await call(request)).status).toBe(401);
    expect((await call(slackRequest(event, { timestamp: now() - 290 }))).status).toBe(200);
    expect(queue.sent).toHaveLength(1);
  });

  it("answers url_verification itself with the challenge and queues nothing; unsigned, 401", async () => {
    const body = fixture("slack/url-verification.json");
    const res = await call(slackRequest(body));
    expect(await res.json()).toEqual({ challenge: JSON.parse(body).challenge });
    expect((await call(slackRequest(body, { secret: "forged" }))).status).toBe(401);
    expect(queue.sent).toHaveLength(0);
  });

  it("acks a form-encoded /memory slash command with the service's empty 200, keyed by trigger_id", async () => {
    const body = fixture("slack/slash-command-memory.txt").replace(
      "__RESPONSE_URL__",
      encodeURIComponent("https://hooks.slack.com/commands/T0001/1/abc"),
    );
    const res = await call(slackRequest(body, { contentType: "application/x-www-form-urlencoded" }));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
    expect(queue.sent[0]?.deliveryId).toBe(new URLSearchParams(body).get("trigger_id"));
    expect(queue.sent[0]?.body).toBe(body);
  });
});

describe("Discord at the edge", () => {
  it("answers PING with PONG itself and queues nothing", async () => {
    const res = await call(discordRequest(fixture("discord/ping.json")));
    expect(await res.json()).toEqual({ type: 1 });
    expect(queue.sent).toHaveLength(0);
  });

  it("defers /memory (type 5) and a PhotoMemory button (type 6), as the service does, and queues both", async () => {
    const command = fixture("discord/memory-command.json");
    const button = fixture("discord/button-style.json");
    expect(await (await call(discordRequest(command))).json()).toEqual({ type: 5 });
    expect(await (await call(discordRequest(button))).json()).toEqual({ type: 6 });
    expect(queue.sent.map((m) => [m.deliveryId, m.body])).toEqual([
      [JSON.parse(command).id, command],
      [JSON.parse(button).id, button],
    ]);
  });

  it("answers an unknown command privately itself, without queueing it", async () => {
    const other = JSON.parse(fixture("discord/memory-command.json"));
    other.data.name = "weather";
    const res = await call(discordRequest(JSON.stringify(other)));
    expect(await res.json()).toEqual({ type: 4, data: { content: "I don't know that one.", flags: 64 } });
    expect(queue.sent).toHaveLength(0);
  });

  it("answers Discord's webhook events 204 itself, queueing entitlements and not the PING", async () => {
    const ping = fixture("discord/webhook-ping.json");
    const entitlement = fixture("discord/entitlement-create.json");
    const events = (body: string, options = {}) =>
      new Request("https://edge.example/discord/webhook-events", {
        method: "POST",
        headers: discordRequest(body, options).headers,
        body,
      });
    for (const body of [ping, entitlement]) {
      const res = await call(events(body));
      expect(res.status).toBe(204);
      expect(await res.text()).toBe("");
    }
    expect((await call(events(entitlement, { key: generateKeyPairSync("ed25519").privateKey }))).status).toBe(
      401,
    );
    expect(queue.sent.map((m) => [m.path, m.body])).toEqual([["/discord/webhook-events", entitlement]]);
    expect(queue.sent[0]?.deliveryId).toContain(JSON.parse(entitlement).event.data.id);
  });

  it("refuses Discord's invalid-signature probe, a one-byte change, missing headers and a stale timestamp: 401", async () => {
    const ping = fixture("discord/ping.json");
    const refused = [
      discordRequest(ping, { key: generateKeyPairSync("ed25519").privateKey }),
      discordRequest(ping.replace('"type": 1', '"type": 2'), { signedBody: ping }),
      discordRequest(ping, { omit: "x-signature-ed25519" }),
      discordRequest(ping, { omit: "x-signature-timestamp" }),
      discordRequest(ping, { timestamp: now() - 301 }),
    ];
    for (const request of refused) expect((await call(request)).status).toBe(401);
    expect(queue.sent).toHaveLength(0);
  });
});

describe("Telegram at the edge", () => {
  it("queues an update with the right secret token (which is not passed on) and answers 200", async () => {
    const update = fixture("telegram/memory-command.json");
    const res = await call(telegramRequest(update));
    expect(res.status).toBe(200);
    expect(queue.sent[0]).toMatchObject({ platform: "telegram", deliveryId: "804620005", body: update });
    expect(JSON.stringify(queue.sent)).not.toContain(SECRETS.telegram);
  });

  it("refuses a missing or wrong secret token, and an update without update_id", async () => {
    const update = fixture("telegram/photo.json");
    expect((await call(telegramRequest(update, null))).status).toBe(401);
    expect((await call(telegramRequest(update, `${SECRETS.telegram.slice(0, -1)}x`))).status).toBe(401);
    expect((await call(telegramRequest('{"message":{}}'))).status).toBe(400);
    expect(queue.sent).toHaveLength(0);
  });
});

describe("Stripe at the edge", () => {
  const event = fixture("stripe/checkout-session-completed.json");

  it("queues an event signed on its exact bytes (unicode, escaped slashes) with its Stripe-Signature", async () => {
    const signature = stripeSignature(event);
    const res = await call(stripeRequest(event, signature));
    expect(await res.json()).toEqual({ received: true });
    expect(queue.sent[0]).toMatchObject({
      platform: "stripe",
      deliveryId: "evt_1QmPhotoMemoryEdge01",
      body: event,
    });
    expect(queue.sent[0]?.headers["stripe-signature"]).toBe(signature);
  });

  it("refuses a missing header, the wrong whsec, a secret with a trailing newline, t older than 300 s, a re-serialised body: 400", async () => {
    const refused = [
      stripeRequest(event, null),
      stripeRequest(event, stripeSignature(event, { secret: "whsec_wrong" })),
      stripeRequest(event, stripeSignature(event, { secret: `${SECRETS.stripe}\n` })),
      stripeRequest(event, stripeSignature(event, { timestamp: now() - 301 })),
      stripeRequest(JSON.stringify(JSON.parse(event)), stripeSignature(event)),
      stripeRequest(event, "t=abc,v1=def"),
    ];
    for (const request of refused) expect((await call(request)).status).toBe(400);
    expect(queue.sent).toHaveLength(0);
  });
});

describe("the Worker's limits", () => {
  it("refuses a body over the cap, declared or streamed, before checking anything", async () => {
    const big = "x".repeat(MAX_BODY_BYTES + 1);
    expect((await call(telegramRequest(big))).status).toBe(413);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new Uint8Array(8 * 1024));
        controller.close();
      },
    });
    const chunked = new Request("https://edge.example/telegram/webhook", {
      method: "POST",
      headers: { "x-telegram-bot-api-secret-token": SECRETS.telegram },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect((await call(chunked)).status).toBe(413);
    expect(queue.sent).toHaveLength(0);
  });

  it("answers 404 for a platform whose secret is not set, and 503 (not 200) when the queue refuses", async () => {
    const env = { ...edgeEnv(queue), TELEGRAM_WEBHOOK_SECRET: undefined };
    expect((await worker.fetch(telegramRequest(fixture("telegram/photo.json")), env)).status).toBe(404);
    expect((await call(new Request("https://edge.example/elsewhere", { method: "POST" }))).status).toBe(404);
    queue.fail = new Error("queue unavailable");
    expect((await call(telegramRequest(fixture("telegram/photo.json")))).status).toBe(503);
  });

  it("never logs a secret or a body", async () => {
    await call(telegramRequest(fixture("telegram/photo.json")));
    await call(telegramRequest(fixture("telegram/photo.json"), "wrong"));
    await call(stripeRequest(fixture("stripe/checkout-session-completed.json"), "t=1,v1=00"));
    const text = logs.join("\n");
    expect(text).toContain("webhook queued");
    for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
    expect(text).not.toContain("ana@example.com");
  });
});

describe("the queue consumer", () => {
  let origin: LocalServer;
  let answer: (req: RecordedRequest, res: ServerResponse) => void;
  beforeAll(async () => {
    origin = await startLocalServer((req, res) => answer(req, res));
  });
  afterAll(() => origin?.close());

  it("forwards method, path, content type and raw body with an edge signature the origin accepts, and acks on 2xx", async () => {
    answer = (_req, res) => void res.writeHead(200).end();
    const update = fixture("telegram/memory-command.json");
    await call(telegramRequest(update));
    const batch = batchOf(queue.sent);
    await worker.queue(batch, edgeEnv(queue, origin.url));
    expect(batch.messages[0]?.outcome).toEqual({ acked: true });
    const forwarded = origin.requests.at(-1) as RecordedRequest;
    expect(forwarded.method).toBe("POST");
    expect(forwarded.path).toBe("/telegram/webhook");
    expect(forwarded.body.toString()).toBe(update);
    expect(forwarded.headers["x-telegram-bot-api-secret-token"]).toBeUndefined();
    const verdict = await verifyEdgeRequest({
      secret: SECRETS.edge,
      header: (name) => forwarded.headers[name] as string | undefined,
      method: forwarded.method,
      path: forwarded.path,
      contentType: String(forwarded.headers["content-type"]),
      body: forwarded.body,
    });
    expect(verdict).toEqual({ ok: true, receivedAt: queue.sent[0]?.receivedAt });
    const wrongSecret = await verifyEdgeRequest({
      secret: "another-secret-another-secret-00",
      header: (name) => forwarded.headers[name] as string | undefined,
      method: forwarded.method,
      path: forwarded.path,
      contentType: String(forwarded.headers["content-type"]),
      body: forwarded.body,
    });
    expect(wrongSecret.ok).toBe(false);
  });

  it("retries with a growing delay when the origin answers 5xx or 4xx or cannot be reached", async () => {
    await call(slackRequest(fixture("slack/message-file-share.json")));
    answer = (_req, res) => void res.writeHead(503).end();
    const first = batchOf(queue.sent, 1);
    await worker.queue(first, edgeEnv(queue, origin.url));
    expect(first.messages[0]?.outcome).toEqual({ retried: { delaySeconds: 5 } });
    answer = (_req, res) => void res.writeHead(401).end();
    const fourth = batchOf(queue.sent, 4);
    await worker.queue(fourth, edgeEnv(queue, origin.url));
    expect(fourth.messages[0]?.outcome).toEqual({ retried: { delaySeconds: 40 } });
    const unreachable = batchOf(queue.sent, 9);
    await worker.queue(unreachable, edgeEnv(queue, "http://127.0.0.1:9"));
    expect(unreachable.messages[0]?.outcome).toEqual({ retried: { delaySeconds: 300 } });
  });
});
