/**
 * Wires the registered chat platforms (src/bots/platforms.ts) onto the memory use cases: their configuration, their
 * chat adapters for the jobs, and their inbound handlers with start/stop for the long-lived parts. No platform is
 * named here.
 */
import type { ChatAdapter } from "../../core/chat/chat-adapter.ts";
import type { Platform } from "../../core/domain.ts";
import {
  dropPhotos,
  type MemoryDeps,
  runMemoryCommand,
  upsertConversationOf,
} from "../../core/memories/index.ts";
import { dropSong } from "../../core/songs/index.ts";
import { type ChatPlatformName, PLATFORMS, type PlatformConfigs } from "../platforms.ts";
import type { BotBilling, BotDeps } from "./bot-deps.ts";
import type { ChatContext, ChatPlatform, PlatformEnv, PlatformInbound } from "./platform.ts";

export type { PlatformConfigs };

/** Called by src/config.ts, the one module that reads the environment: each registered platform's block. */
export function parsePlatformConfigs(env: PlatformEnv): PlatformConfigs {
  return Object.fromEntries(PLATFORMS.map((p) => [p.name, p.parseConfig(env)])) as PlatformConfigs;
}

/** The bots' ports, on the memory use cases and the Store. */
export function botDepsFrom(memory: MemoryDeps): BotDeps {
  return {
    logger: memory.logger,
    deliveries: memory.store,
    async dropPhotos(input) {
      const dropped = await dropPhotos(memory, {
        target: input.target,
        files: input.files,
        deliveryKey: input.deliveryKey,
        ...(input.userId ? { userId: input.userId } : {}),
        ...(input.messageId ? { messageId: input.messageId } : {}),
        ...(input.albumKey ? { albumKey: input.albumKey } : {}),
        ...(input.quiet ? { quiet: true } : {}),
      });
      return { fresh: dropped.fresh };
    },
    async recordReaction(change) {
      const kept = await memory.store.applyReaction(change);
      if (kept)
        memory.logger.debug(
          { platform: change.message.platform, channel: change.message.channelId, kind: change.kind },
          "reaction recorded",
        );
    },
    async dropSong(input) {
      const dropped = await dropSong(memory, {
        target: input.target,
        file: input.file,
        kind: input.kind,
        deliveryKey: input.deliveryKey,
        ...(input.title ? { title: input.title } : {}),
        ...(input.performer ? { performer: input.performer } : {}),
        ...(input.userId ? { userId: input.userId } : {}),
        ...(input.messageId ? { messageId: input.messageId } : {}),
      });
      return { fresh: dropped.fresh };
    },
    async albumProgress(target, albumKey) {
      const conversation = await upsertConversationOf(memory, target);
      const album = await memory.store.getAlbum(conversation.id, albumKey);
      return {
        stored: album.photos.filter((p) => p.status === "ready").length,
        arriving: album.photos.filter((p) => p.status === "pending").length,
        inMemory: album.inMemory,
      };
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

export interface PlatformBots {
  /** Each configured platform's inbound side, served under `/<name>/`. */
  inbound: (PlatformInbound & { name: ChatPlatformName })[];
  start(): Promise<void>;
  stop(): Promise<void>;
}

function configOf<C, A extends ChatAdapter>(
  platform: ChatPlatform<C, A>,
  configs: PlatformConfigs,
): C | null {
  return (configs as unknown as Record<string, C | null>)[platform.name] ?? null;
}

/** The outbound adapters of the configured platforms: all a worker needs to deliver. */
export async function createPlatformChats(
  configs: PlatformConfigs,
  context: ChatContext,
): Promise<Partial<Record<Platform, ChatAdapter>>> {
  const chats: Partial<Record<Platform, ChatAdapter>> = {};
  for (const platform of PLATFORMS as readonly ChatPlatform[]) {
    const config = configOf(platform, configs);
    if (config) chats[platform.name] = await platform.createChat(config, context);
  }
  return chats;
}

/** The inbound side of the configured platforms, on the chat adapters built by `createPlatformChats`. */
export async function createPlatformBots(
  configs: PlatformConfigs,
  chats: Partial<Record<Platform, ChatAdapter>>,
  memory: MemoryDeps,
  options: { publicUrl: string; billing?: BotBilling },
): Promise<PlatformBots> {
  const { billing, ...rest } = options;
  const bot: BotDeps = { ...botDepsFrom(memory), ...(billing ? { billing } : {}) };
  const context = { bot, store: memory.store, logger: memory.logger, ...rest };
  const inbound: PlatformBots["inbound"] = [];
  for (const platform of PLATFORMS as readonly ChatPlatform[]) {
    const config = configOf(platform, configs);
    const chat = chats[platform.name];
    if (config && chat)
      inbound.push({ name: platform.name, ...(await platform.createInbound(config, context, chat)) });
  }
  const log = memory.logger.child({ module: "bots" });
  return {
    inbound,
    async start() {
      // Side by side: one platform failing or hanging at start (a revoked token, Telegram's API unreachable) must not
      // keep the others from starting.
      await Promise.all(
        inbound.map((bot) =>
          bot
            .start()
            .then(() => log.info({ platform: bot.name }, "bot started"))
            .catch((error: unknown) => log.error({ err: error, platform: bot.name }, "bot failed to start")),
        ),
      );
    },
    async stop() {
      for (const bot of inbound) await bot.stop().catch(() => undefined);
    },
  };
}
