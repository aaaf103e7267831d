/**
 * The Slack bot: Bolt routes events, commands and button presses (over the hono receiver at POST /slack/events, or
 * over Socket Mode when SLACK_APP_TOKEN is set), the adapter talks back through the Web API, and the OAuth routes
 * install it into more workspaces. Bolt is used for routing and self-filtering; signature checks and dedupe are ours.
 */
import { App, type AuthorizeResult } from "@slack/bolt";
import { Hono } from "hono";
import type { Logger } from "pino";
import type { ChatAdapter } from "../../core/chat/chat-adapter.ts";
import type { BotDeps } from "../common/bot-deps.ts";
import type { SlackConfig } from "./config.ts";
import { HonoReceiver } from "./hono-receiver.ts";
import { createSlackTokenSource, type SlackInstallationStore } from "./installations.ts";
import { registerSlackListeners } from "./listeners.ts";
import { mountSlackOAuth } from "./oauth.ts";
import { createSlackAdapter, createSlackWebClient, type SlackAdapter } from "./slack-adapter.ts";
import { toSlackLogger } from "./slack-logger.ts";
import { createSlackUserLocales } from "./user-locale.ts";

export interface SlackBotDeps extends BotDeps {
  installations?: SlackInstallationStore;
  /** Public base URL (OAuth redirect). */
  publicUrl: string;
}

export interface SlackBot {
  router: Hono;
  adapter: ChatAdapter;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The outbound side alone: what a worker needs to deliver into any installed workspace. */
export function createSlackChat(
  config: SlackConfig,
  options: { logger: Logger; installations?: SlackInstallationStore },
): SlackAdapter {
  return createSlackAdapter({
    apiUrl: config.apiUrl,
    tokens: slackTokens(config, options.installations),
    logger: options.logger,
  });
}

function slackTokens(config: SlackConfig, installations: SlackInstallationStore | undefined) {
  return createSlackTokenSource({
    ...(config.botToken ? { botToken: config.botToken } : {}),
    ...(installations ? { installations } : {}),
  });
}

export function createSlackBot(
  deps: SlackBotDeps,
  config: SlackConfig,
  chat?: SlackAdapter,
): SlackBot & { adapter: SlackAdapter } {
  const log = deps.logger.child({ module: "slack" });
  const tokens = slackTokens(config, deps.installations);
  const adapter =
    chat ??
    createSlackChat(config, {
      logger: deps.logger,
      ...(deps.installations ? { installations: deps.installations } : {}),
    });

  // Bolt's ignoreSelf needs the bot's ids; learn them once per workspace with auth.test. The token itself is read
  // on every event, so a reinstall (new token) or an uninstall takes effect at once.
  const identities = new Map<string, Promise<{ botUserId?: string; botId?: string }>>();
  const authorize = async ({ teamId }: { teamId?: string }): Promise<AuthorizeResult> => {
    const install = await tokens(teamId);
    let ids: { botUserId?: string; botId?: string } = install;
    if (!install.botUserId || !install.botId) {
      const key = `${teamId ?? ""}:${install.botToken.slice(-8)}`;
      let found = identities.get(key);
      if (!found) {
        found = createSlackWebClient(install.botToken, config.apiUrl, log)
          .auth.test()
          .then((who) => ({
            ...((install.botUserId ?? who.user_id) ? { botUserId: install.botUserId ?? who.user_id } : {}),
            ...((install.botId ?? who.bot_id) ? { botId: install.botId ?? who.bot_id } : {}),
          }));
        identities.set(key, found);
        found.catch(() => identities.delete(key));
      }
      ids = await found;
    }
    return {
      botToken: install.botToken,
      ...(ids.botUserId ? { botUserId: ids.botUserId } : {}),
      ...(ids.botId ? { botId: ids.botId } : {}),
    };
  };
  const common = {
    authorize,
    clientOptions: { slackApiUrl: config.apiUrl },
    logger: toSlackLogger(log),
    ignoreSelf: true,
  };

  const locales = createSlackUserLocales({ client: (teamId) => adapter.client(teamId), logger: deps.logger });
  const router = new Hono();
  let socketApp: App | undefined;
  if (config.signingSecret) {
    const receiver = new HonoReceiver(config.signingSecret, log);
    const app = new App({ ...common, receiver });
    app.error(async (error) => {
      throw error;
    });
    registerSlackListeners(app, deps, adapter, deps.installations, locales);
    router.post("/events", receiver.handle);
  }
  if (config.appToken) {
    socketApp = new App({ ...common, socketMode: true, appToken: config.appToken });
    registerSlackListeners(socketApp, deps, adapter, deps.installations, locales);
  }
  if (config.oauth && deps.installations) {
    mountSlackOAuth(router, {
      ...config.oauth,
      apiUrl: config.apiUrl,
      publicUrl: deps.publicUrl,
      installations: deps.installations,
      logger: deps.logger,
    });
  }

  return {
    router,
    adapter,
    async start() {
      if (socketApp) {
        await socketApp.start();
        log.info("slack socket mode connected");
      }
    },
    async stop() {
      if (socketApp) await socketApp.stop();
    },
  };
}
