/**
 * The Discord bot: HTTP interactions at POST /discord/interactions, entitlement events at POST
 * /discord/webhook-events (premium.ts), /memory registered through REST at start
 * (on DISCORD_GUILD_ID when set, which takes effect at once), the optional gateway, and the REST adapter.
 */
import { REST } from "discord.js";
import { Hono } from "hono";
import type { Logger } from "pino";
import type { BotDeps } from "../common/bot-deps.ts";
import type { DiscordConfig } from "./config.ts";
import { createDiscordAdapter, type DiscordAdapter } from "./discord-adapter.ts";
import { createDiscordGateway } from "./gateway.ts";
import { createInteractionHandler } from "./interactions.ts";
import { registerMemoryCommand } from "./memory-command.ts";
import { checkMessageContentIntent, type IntentState } from "./message-content-intent.ts";
import { createWebhookEventsHandler } from "./premium.ts";
import { discordPublicKey } from "./verify.ts";

export interface DiscordBot {
  router: Hono;
  adapter: DiscordAdapter;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function discordRest(config: DiscordConfig): REST {
  return new REST({ version: "10", api: config.apiUrl, retries: 2, timeout: 15_000 }).setToken(config.token);
}

/** The outbound side alone: what a worker needs to deliver (REST with the bot token). */
export function createDiscordChat(config: DiscordConfig, options: { logger: Logger }): DiscordAdapter {
  return createDiscordAdapter({
    rest: discordRest(config),
    applicationId: config.applicationId,
    apiUrl: config.apiUrl,
    logger: options.logger,
    ...(config.premiumSkuId ? { premiumSkuId: config.premiumSkuId } : {}),
  });
}

export function createDiscordBot(
  deps: BotDeps,
  config: DiscordConfig,
  options: { onSettled?: (work: Promise<void>) => void; adapter?: DiscordAdapter } = {},
): DiscordBot {
  const log = deps.logger.child({ module: "discord" });
  const rest = discordRest(config);
  const adapter = options.adapter ?? createDiscordChat(config, { logger: deps.logger });
  let intent: IntentState = "unknown";
  const router = new Hono();
  const publicKey = discordPublicKey(config.publicKey);
  router.post(
    "/interactions",
    createInteractionHandler({
      deps,
      adapter,
      rest,
      publicKey,
      ...(config.premiumSkuId ? { premiumSkuId: config.premiumSkuId } : {}),
      gateway: config.gateway,
      intent: () => intent,
      ...(options.onSettled ? { onSettled: options.onSettled } : {}),
    }),
  );
  router.post(
    "/webhook-events",
    createWebhookEventsHandler({
      publicKey,
      applicationId: config.applicationId,
      ...(config.premiumSkuId ? { skuId: config.premiumSkuId } : {}),
      ...(deps.billing ? { billing: deps.billing } : {}),
      logger: deps.logger,
    }),
  );
  const gateway = config.gateway
    ? createDiscordGateway(deps, {
        token: config.token,
        apiUrl: config.apiUrl,
        applicationId: config.applicationId,
      })
    : null;

  return {
    router,
    adapter,
    async start() {
      await registerMemoryCommand(rest, config.applicationId, config.guildId);
      log.info({ guild: config.guildId ?? "global" }, "discord /memory registered");
      intent = await checkMessageContentIntent(rest, log);
      await gateway?.start();
    },
    async stop() {
      await gateway?.stop();
    },
  };
}
