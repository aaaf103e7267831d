/**
 * Builds the enabled platform bots (Slack, Discord, Telegram) on the memory use cases: their routers to mount at
 * /slack, /discord and /telegram, their chat adapters for the jobs, and start/stop for the long-lived parts
 * (command registration, webhooks, Socket Mode, the Discord gateway, Telegram long polling).
 */
import type { ChatAdapter } from "../../core/chat/chat-adapter.ts";
import type { Platform } from "../../core/domain.ts";
import { dropPhotos, type MemoryDeps, receivePhotos, runMemoryCommand } from "../../core/memories/index.ts";
import type { Store } from "../../core/store/store.ts";
import { type DiscordConfig, parseDiscordConfig } from "../discord/config.ts";
import { createDiscordBot } from "../discord/discord-bot.ts";
import { parseSlackConfig, type SlackConfig } from "../slack/config.ts";
import type { SlackInstallationStore } from "../slack/installations.ts";
import { createSlackBot } from "../slack/slack-bot.ts";
import { parseTelegramConfig, type TelegramConfig } from "../telegram/config.ts";
import { createTelegramBot } from "../telegram/telegram-bot.ts";
import type { BotDeps } from "./bot-deps.ts";

export interface PlatformConfigs {
  slack: SlackConfig | null;
  discord: DiscordConfig | null;
  telegram: TelegramConfig | null;
}

/** Called by src/config.ts, the one module that reads the environment. */
export function parsePlatformConfigs(env: Record<string, string | undefined>): PlatformConfigs {
  return {
    slack: parseSlackConfig(env),
    discord: parseDiscordConfig(env),
    telegram: parseTelegramConfig(env),
  };
}

/** The bots' ports, on the memory use cases and the Store. */
export function botDepsFrom(memory: MemoryDeps): BotDeps {
  return {
    logger: memory.logger,
    deliveries: memory.store,
    async dropPhotos(input) {
      await dropPhotos(memory, {
        target: input.target,
        files: input.files,
        deliveryKey: input.deliveryKey,
        ...(input.userId ? { userId: input.userId } : {}),
        ...(input.quiet ? { quiet: true } : {}),
      });
    },
    async receivePhotosNow(input) {
      const summary = await receivePhotos(memory, {
        target: input.target,
        user: { id: input.userId ?? `${input.target.platform}:unknown` },
        photos: input.photos,
        postSummary: false,
      });
      return { added: summary.added.length, skipped: summary.skipped.map((s) => s.reason) };
    },
    async runMemoryCommand(input) {
      await runMemoryCommand(memory, {
        target: input.target,
        user: {
          id: input.userId,
          ...(input.userName ? { name: input.userName } : {}),
          ...(input.locale ? { locale: input.locale } : {}),
        },
        command: input.command,
        offerStylePicker: true,
        ...(input.statusMessage ? { statusMessage: input.statusMessage } : {}),
      });
    },
  };
}

/** Slack installations kept as workspaces in the Store (the bot token encrypted at rest). */
export function slackInstallationsFrom(store: Store): SlackInstallationStore {
  return {
    async saveSlackInstallation(installation) {
      await store.upsertWorkspace({
        platform: "slack",
        externalId: installation.teamId,
        name: installation.teamName ?? null,
        botUserId: installation.botUserId ?? null,
        botToken: installation.botToken,
      });
    },
    async markSlackUninstalled(teamId) {
      await store.markWorkspaceUninstalled("slack", teamId);
    },
    async findSlackInstallation(teamId) {
      const workspace = await store.getWorkspace("slack", teamId);
      if (!workspace || workspace.uninstalledAt) return null;
      const botToken = await store.getWorkspaceToken("slack", teamId);
      if (!botToken) return null;
      return { teamId, botToken, ...(workspace.botUserId ? { botUserId: workspace.botUserId } : {}) };
    },
  };
}

export interface PlatformBots {
  routers: { path: string; app: import("hono").Hono }[];
  chats: Partial<Record<Platform, ChatAdapter>>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createPlatformBots(
  configs: PlatformConfigs,
  memory: MemoryDeps,
  options: { publicUrl: string },
): PlatformBots {
  const deps = botDepsFrom(memory);
  const bots: {
    name: Platform;
    router: import("hono").Hono;
    adapter: ChatAdapter;
    start(): Promise<void>;
    stop(): Promise<void>;
  }[] = [];
  if (configs.slack) {
    const bot = createSlackBot(
      { ...deps, publicUrl: options.publicUrl, installations: slackInstallationsFrom(memory.store) },
      configs.slack,
    );
    bots.push({ name: "slack", ...bot });
  }
  if (configs.discord) bots.push({ name: "discord", ...createDiscordBot(deps, configs.discord) });
  if (configs.telegram) bots.push({ name: "telegram", ...createTelegramBot(deps, configs.telegram) });
  const log = memory.logger.child({ module: "bots" });
  return {
    routers: bots.map((b) => ({ path: `/${b.name}`, app: b.router })),
    chats: Object.fromEntries(bots.map((b) => [b.name, b.adapter])),
    async start() {
      // Side by side: one platform failing or hanging at start (a revoked token, Telegram's API unreachable) must not
      // keep the others from starting.
      await Promise.all(
        bots.map((bot) =>
          bot
            .start()
            .then(() => log.info({ platform: bot.name }, "bot started"))
            .catch((error: unknown) => log.error({ err: error, platform: bot.name }, "bot failed to start")),
        ),
      );
    },
    async stop() {
      for (const bot of bots) await bot.stop().catch(() => undefined);
    },
  };
}
