/**
 * The optional gateway (DISCORD_GATEWAY=1): a persistent discord.js client with the Message Content intent that
 * records photos as they are dropped in channels the bot can see (the intake job reacts once it accepted them). Without the
 * intent Discord sends empty attachment lists, which is why the slash command also reads recent messages.
 */
import { Client, GatewayIntentBits, Partials } from "discord.js";
import type { ChatTarget } from "../../core/chat/chat-adapter.ts";
import type { BotDeps } from "../common/bot-deps.ts";
import {
  attachmentsOf,
  collectAttachments,
  type DiscordAttachment,
  type DiscordMessageLike,
} from "./collect-photos.ts";

/** What the gateway does with one message; separate from the client so it can be tested without a socket. */
export async function onDroppedMessage(
  deps: BotDeps,
  message: DiscordMessageLike & { channelId: string; guildId?: string | null },
): Promise<void> {
  if (message.author.bot) return;
  const target: ChatTarget = {
    platform: "discord",
    ...(message.guildId ? { workspaceId: message.guildId } : {}),
    channelId: message.channelId,
  };
  // The 📸 comes from the intake job, once a photo of the message was accepted.
  await collectAttachments(deps, target, attachmentsOf(message), {
    userId: message.author.id,
    deliveryKey: `discord-msg:${message.id}`,
    messageId: message.id,
  });
}

export function createDiscordGateway(deps: BotDeps, options: { token: string; apiUrl: string }) {
  const log = deps.logger.child({ module: "discord-gateway" });
  const client = new Client({
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.MessageContent,
      GatewayIntentBits.DirectMessages,
    ],
    partials: [Partials.Channel],
    rest: { api: options.apiUrl },
  });
  client.on("messageCreate", (message) => {
    onDroppedMessage(deps, {
      id: message.id,
      channelId: message.channelId,
      guildId: message.guildId,
      author: { id: message.author.id, bot: message.author.bot },
      attachments: toAttachments(message.attachments.values()),
      message_snapshots: [...message.messageSnapshots.values()].map((snapshot) => ({
        message: { attachments: toAttachments(snapshot.attachments.values()) },
      })),
    }).catch((error: unknown) =>
      log.warn({ err: error, channel: message.channelId }, "collecting photos failed"),
    );
  });
  client.on("error", (error) => log.error({ err: error }, "discord gateway error"));
  return {
    async start() {
      await client.login(options.token);
      log.info("discord gateway connected");
    },
    async stop() {
      await client.destroy();
    },
  };
}

function toAttachments(
  list: Iterable<{ id: string; url: string; name: string; contentType: string | null; size: number }>,
): DiscordAttachment[] {
  return [...list].map((a) => ({
    id: a.id,
    url: a.url,
    filename: a.name,
    ...(a.contentType ? { content_type: a.contentType } : {}),
    size: a.size,
  }));
}
