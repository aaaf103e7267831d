/**
 * The Telegram bot on grammY: POST /telegram/webhook when TELEGRAM_WEBHOOK_SECRET is set (the header is compared in
 * constant time before the body is read; setWebhook runs at start when PUBLIC_URL or TELEGRAM_WEBHOOK_URL is set),
 * long polling otherwise. An update the edge Worker forwarded was checked there (it does not forward the secret).
 * grammY over telegraf: telegraf's bundled types stop at Bot API 7.1 and its upstream has stalled, while grammY
 * tracks the current Bot API, takes a configurable apiRoot and works on web-standard Request/Response.
 */
import { timingSafeEqual } from "node:crypto";
import { Api, Bot } from "grammy";
import type { Update } from "grammy/types";
import { Hono } from "hono";
import type { Logger } from "pino";
import type { ChatAdapter } from "../../core/chat/chat-adapter.ts";
import type { BotDeps } from "../common/bot-deps.ts";
import { edgeDeliveryOf } from "../common/edge-delivery.ts";
import { createAlbumSummary } from "./album-summary.ts";
import type { TelegramConfig } from "./config.ts";
import { registerTelegramHandlers } from "./handlers.ts";
import type { StarsOptions } from "./stars.ts";
import { createTelegramAdapter } from "./telegram-adapter.ts";

/**
 * A custom list without pre_checkout_query would make every Stars checkout time out. Reactions are not sent unless
 * asked for here: `message_reaction` (a person's, in groups where the bot is an admin, and in private chats) and
 * `message_reaction_count` (anonymous ones, e.g. in channels).
 */
export const TELEGRAM_ALLOWED_UPDATES = [
  "message",
  "callback_query",
  "pre_checkout_query",
  "message_reaction",
  "message_reaction_count",
] as const;

export interface TelegramBot {
  router: Hono;
  adapter: ChatAdapter;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface TelegramBotOptions {
  /** Quiet period before an album's summary line; 4 s by default (album items can arrive seconds apart). */
  albumQuietMs?: number;
  /** The chat adapter built for the jobs (createTelegramChat); one of its own otherwise. */
  adapter?: ChatAdapter;
  /** How long a pre-checkout may wait for the token check (tests shorten it). */
  preCheckoutDeadlineMs?: number;
}

function starsOptions(config: TelegramConfig, deadlineMs: number | undefined): StarsOptions | undefined {
  if (!config.starsPrice || !config.paymentSupport) return undefined;
  return {
    price: config.starsPrice,
    support: config.paymentSupport,
    ...(config.termsUrl ? { termsUrl: config.termsUrl } : {}),
    ...(deadlineMs ? { deadlineMs } : {}),
  };
}

/** The outbound side alone: what a worker needs to deliver (the Bot API with the token, no updates). */
export function createTelegramChat(config: TelegramConfig, options: { logger: Logger }): ChatAdapter {
  return createTelegramAdapter({
    api: new Api(config.token, { apiRoot: config.apiRoot }),
    token: config.token,
    apiRoot: config.apiRoot,
    logger: options.logger,
    ...(config.starsPrice ? { starsPrice: config.starsPrice } : {}),
  });
}

export function createTelegramBot(
  deps: BotDeps,
  config: TelegramConfig,
  options: TelegramBotOptions = {},
): TelegramBot {
  const log = deps.logger.child({ module: "telegram" });
  const bot = new Bot(config.token, { client: { apiRoot: config.apiRoot } });
  const adapter =
    options.adapter ??
    createTelegramAdapter({
      api: bot.api,
      token: config.token,
      apiRoot: config.apiRoot,
      logger: deps.logger,
      ...(config.starsPrice ? { starsPrice: config.starsPrice } : {}),
    });
  const albums = createAlbumSummary(options.albumQuietMs ?? 4000);
  const officialApi = new URL(config.apiRoot).hostname === "api.telegram.org";
  registerTelegramHandlers(bot, deps, adapter, albums, {
    officialApi,
    stars: starsOptions(config, options.preCheckoutDeadlineMs),
  });

  let initialised: Promise<void> | undefined;
  const init = () => {
    initialised ??= bot.init().catch((error: unknown) => {
      initialised = undefined;
      throw error;
    });
    return initialised;
  };

  const router = new Hono();
  if (config.webhookSecret) {
    const secret = Buffer.from(config.webhookSecret);
    router.post("/webhook", async (c) => {
      const given = Buffer.from(c.req.header("x-telegram-bot-api-secret-token") ?? "");
      const valid =
        edgeDeliveryOf(c) !== undefined || (given.length === secret.length && timingSafeEqual(given, secret));
      if (!valid) {
        log.warn("telegram webhook refused: missing or wrong secret token");
        return c.json({ error: "unauthorized" }, 401);
      }
      let update: Update;
      try {
        update = (await c.req.json()) as Update;
      } catch {
        return c.json({ error: "bad_request" }, 400);
      }
      if (typeof update?.update_id !== "number") return c.json({ error: "bad_request" }, 400);
      try {
        await init();
        await bot.handleUpdate(update);
        return c.body(null, 200);
      } catch (error) {
        // A 5xx makes Telegram send the update again; its claim was released, so the re-send is processed.
        log.error({ err: error, updateId: update.update_id }, "telegram update failed");
        return c.json({ error: "processing_failed" }, 500);
      }
    });
  }

  return {
    router,
    adapter,
    async start() {
      await init();
      if (config.webhookSecret) {
        const url =
          config.webhookUrl ?? (config.publicUrl ? `${config.publicUrl}/telegram/webhook` : undefined);
        if (url) {
          await bot.api.setWebhook(url, {
            secret_token: config.webhookSecret,
            allowed_updates: [...TELEGRAM_ALLOWED_UPDATES],
          });
          log.info({ edge: Boolean(config.webhookUrl) }, "telegram webhook set");
        }
        return;
      }
      await bot.api.deleteWebhook();
      void bot
        .start({
          allowed_updates: [...TELEGRAM_ALLOWED_UPDATES],
          onStart: () => log.info("telegram long polling started"),
        })
        .catch((error: unknown) => log.error({ err: error }, "telegram long polling stopped"));
    },
    async stop() {
      albums.clear();
      if (bot.isRunning()) await bot.stop();
    },
  };
}
