/**
 * The Worker's bindings (edge/wrangler.toml) and the few Workers runtime types it uses, declared here so the Worker
 * type-checks with the service's tsconfig and runs unchanged on Node in the tests.
 */

export type EdgePlatform = "slack" | "discord" | "telegram" | "stripe";

/** One verified webhook as it waits in the queue (≤ 128 KB serialised, Cloudflare's message limit). */
export interface QueuedWebhook {
  v: 1;
  platform: EdgePlatform;
  method: string;
  /** Path and query as the platform called it, e.g. `/slack/events`. */
  path: string;
  /** The headers the service needs (content type, the platform's signature headers), never a secret. */
  headers: Record<string, string>;
  /** The raw body, exactly as received (UTF-8 text: every platform here sends JSON or a form). */
  body: string;
  /** Unix milliseconds when the Worker received it. */
  receivedAt: number;
  /** The platform's delivery id (event_id or trigger_id, interaction id, update_id, event id), for logs. */
  deliveryId: string;
}

export interface QueueProducer<Body> {
  send(
    body: Body,
    options?: { contentType?: "json" | "v8" | "text" | "bytes"; delaySeconds?: number },
  ): Promise<void>;
}

export interface QueueMessage<Body> {
  readonly id: string;
  readonly timestamp: Date;
  readonly body: Body;
  readonly attempts: number;
  ack(): void;
  retry(options?: { delaySeconds?: number }): void;
}

export interface MessageBatch<Body> {
  readonly queue: string;
  readonly messages: readonly QueueMessage<Body>[];
  ackAll(): void;
  retryAll(options?: { delaySeconds?: number }): void;
}

export interface WorkerContext {
  waitUntil(promise: Promise<unknown>): void;
}

export interface EdgeEnv {
  INGRESS_QUEUE: QueueProducer<QueuedWebhook>;
  /** The service's public base URL, e.g. https://photomemory.example.com (a var in wrangler.toml). */
  ORIGIN_URL: string;
  /** Signs what the consumer forwards; the service's EDGE_SHARED_SECRET (a secret). */
  EDGE_SHARED_SECRET: string;
  /** Each platform's route answers 404 until its secret is set. */
  SLACK_SIGNING_SECRET?: string;
  DISCORD_PUBLIC_KEY?: string;
  TELEGRAM_WEBHOOK_SECRET?: string;
  STRIPE_WEBHOOK_SECRET?: string;
}
