/**
 * What the edge tests share: the Worker's env with test secrets, a fake Queue binding that records what is sent,
 * queue messages that record ack/retry, and requests signed the way each platform signs them (node:crypto, so the
 * Worker's WebCrypto checks are tested against an independent implementation).
 */
import { createHmac, generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { readFileSync } from "node:fs";
import type { EdgeEnv, MessageBatch, QueuedWebhook, QueueMessage } from "../../edge/src/env.ts";

export const fixture = (path: string) =>
  readFileSync(new URL(`../fixtures/${path}`, import.meta.url), "utf8");

export const SECRETS = {
  slack: "8f742231b10e8888abcd99yyyzzz85a5",
  telegram: "edge-telegram-secret_0123",
  stripe: `whsec_${randomBytes(24).toString("hex")}`,
  edge: randomBytes(32).toString("hex"),
};

const discordKeys = generateKeyPairSync("ed25519");
export const discordPublicKeyHex = (discordKeys.publicKey.export({ format: "der", type: "spki" }) as Buffer)
  .subarray(-32)
  .toString("hex");

export interface FakeQueue {
  sent: QueuedWebhook[];
  fail?: Error;
  send(body: QueuedWebhook): Promise<void>;
}

export function fakeQueue(): FakeQueue {
  const queue: FakeQueue = {
    sent: [],
    async send(body) {
      if (queue.fail) throw queue.fail;
      // A real queue serialises the message: what the consumer gets is a copy, not the producer's object.
      queue.sent.push(JSON.parse(JSON.stringify(body)) as QueuedWebhook);
    },
  };
  return queue;
}

export function edgeEnv(queue: FakeQueue, originUrl = "http://127.0.0.1:9"): EdgeEnv {
  return {
    INGRESS_QUEUE: queue,
    ORIGIN_URL: originUrl,
    EDGE_SHARED_SECRET: SECRETS.edge,
    SLACK_SIGNING_SECRET: SECRETS.slack,
    DISCORD_PUBLIC_KEY: discordPublicKeyHex,
    TELEGRAM_WEBHOOK_SECRET: SECRETS.telegram,
    STRIPE_WEBHOOK_SECRET: SECRETS.stripe,
  };
}

export interface RecordedMessage extends QueueMessage<QueuedWebhook> {
  outcome?: { acked: true } | { retried: { delaySeconds?: number } };
}

/** The same queued webhook as the queue hands it to the consumer, on attempt `attempts`. */
export function batchOf(
  bodies: QueuedWebhook[],
  attempts = 1,
): Omit<MessageBatch<QueuedWebhook>, "messages"> & { messages: RecordedMessage[] } {
  const messages = bodies.map((body, i) => {
    const message: RecordedMessage = {
      id: `msg-${i}-${body.deliveryId}`,
      timestamp: new Date(),
      body,
      attempts,
      ack: () => {
        message.outcome = { acked: true };
      },
      retry: (options = {}) => {
        message.outcome = { retried: options };
      },
    };
    return message;
  });
  return {
    queue: "photomemory-ingress",
    messages,
    ackAll: () => {
      for (const m of messages) m.ack();
    },
    retryAll: (options) => {
      for (const m of messages) m.retry(options);
    },
  };
}

const now = () => Math.floor(Date.now() / 1000);

export function slackRequest(
  body: string,
  options: { contentType?: string; timestamp?: number; secret?: string; signedBody?: string } = {},
): Request {
  const ts = options.timestamp ?? now();
  const mac = createHmac("sha256", options.secret ?? SECRETS.slack)
    .update(`v0:${ts}:${options.signedBody ?? body}`)
    .digest("hex");
  return new Request("https://edge.example/slack/events", {
    method: "POST",
    headers: {
      "content-type": options.contentType ?? "application/json",
      "x-slack-request-timestamp": String(ts),
      "x-slack-signature": `v0=${mac}`,
    },
    body,
  });
}

export function discordRequest(
  body: string,
  options: {
    timestamp?: number;
    key?: ReturnType<typeof generateKeyPairSync>["privateKey"];
    signedBody?: string;
    omit?: string;
  } = {},
): Request {
  const ts = String(options.timestamp ?? now());
  const signature = sign(
    null,
    Buffer.from(ts + (options.signedBody ?? body)),
    options.key ?? discordKeys.privateKey,
  );
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-signature-ed25519": signature.toString("hex"),
    "x-signature-timestamp": ts,
  };
  if (options.omit) delete headers[options.omit];
  return new Request("https://edge.example/discord/interactions", { method: "POST", headers, body });
}

export function telegramRequest(body: string, secret: string | null = SECRETS.telegram): Request {
  return new Request("https://edge.example/telegram/webhook", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(secret === null ? {} : { "x-telegram-bot-api-secret-token": secret }),
    },
    body,
  });
}

/** As stripe-node's generateTestHeaderString: `t=<ts>,v1=<HMAC-SHA256 of "<ts>.<payload>">`. */
export function stripeSignature(
  payload: string,
  options: { timestamp?: number; secret?: string } = {},
): string {
  const ts = options.timestamp ?? now();
  const mac = createHmac("sha256", options.secret ?? SECRETS.stripe)
    .update(`${ts}.${payload}`)
    .digest("hex");
  return `t=${ts},v1=${mac}`;
}

export function stripeRequest(body: string, signature: string | null): Request {
  return new Request("https://edge.example/stripe/webhook", {
    method: "POST",
    headers: {
      "content-type": "application/json; charset=utf-8",
      ...(signature === null ? {} : { "stripe-signature": signature }),
    },
    body,
  });
}
