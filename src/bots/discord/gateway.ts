/**
 * The optional gateway (DISCORD_GATEWAY=1): a persistent discord.js client with the Message Content intent that
 * records photos as they are dropped in channels the bot can see (the intake job reacts once it accepted them), and
 * people's reactions on them (a curation signal). Without the intent Discord sends empty attachment lists, which is
 * why the slash command also reads recent messages.
 */
import {
  Client,
  type GatewayDispatchPayload,
  GatewayIntentBits,
  type GatewayMessageReactionAddDispatchData,
  type GatewayMessageReactionRemoveAllDispatchData,
  type GatewayMessageReactionRemoveDispatchData,
  type GatewayMessageReactionRemoveEmojiDispatchData,
  Partials,
} from "discord.js";
import type { ChatTarget } from "../../core/chat/chat-adapter.ts";
import type { BotDeps, ReactionChange } from "../common/bot-deps.ts";
import {
  attachmentsOf,
  collectAttachments,
  type DiscordAttachment,
  type DiscordMessageLike,
  IS_VOICE_MESSAGE,
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
    voiceMessage: ((message.flags ?? 0) & IS_VOICE_MESSAGE) !== 0,
  });
}

type ReactionDispatch = {
  t: string;
  d:
    | GatewayMessageReactionAddDispatchData
    | GatewayMessageReactionRemoveDispatchData
    | GatewayMessageReactionRemoveAllDispatchData
    | GatewayMessageReactionRemoveEmojiDispatchData;
};

/** A reaction's emoji as one key: a custom emoji by name and id, a super reaction apart from a normal one. */
function emojiKey(emoji: { id?: string | null; name?: string | null }, burst?: boolean): string {
  const name = emoji.id ? `${emoji.name ?? ""}:${emoji.id}` : (emoji.name ?? "?");
  return burst ? `burst:${name}` : name;
}

/**
 * What the gateway does with one reaction dispatch (MESSAGE_REACTION_ADD / _REMOVE / _REMOVE_ALL / _REMOVE_EMOJI);
 * separate from the client so it can be tested without a socket. The bot's own reaction (its 📸 on accepted photos)
 * and other bots' are not people's.
 */
export async function onReactionDispatch(
  deps: BotDeps,
  packet: { t?: unknown; d?: unknown },
  botUserId: string,
): Promise<void> {
  const { t, d } = packet as ReactionDispatch;
  if (!t?.startsWith("MESSAGE_REACTION_") || !d?.channel_id || !d.message_id) return;
  const message = {
    platform: "discord" as const,
    workspaceId: d.guild_id ?? null,
    channelId: d.channel_id,
    messageId: d.message_id,
  };
  const changes: ReactionChange[] = [];
  if (t === "MESSAGE_REACTION_ADD" || t === "MESSAGE_REACTION_REMOVE") {
    const r = d as GatewayMessageReactionAddDispatchData;
    if (r.user_id === botUserId || r.member?.user?.bot) return;
    changes.push({
      kind: t === "MESSAGE_REACTION_ADD" ? "added" : "removed",
      message,
      reactorId: r.user_id,
      emoji: emojiKey(r.emoji, r.burst),
    });
  } else if (t === "MESSAGE_REACTION_REMOVE_ALL") {
    changes.push({ kind: "cleared", message });
  } else if (t === "MESSAGE_REACTION_REMOVE_EMOJI") {
    const { emoji } = d as GatewayMessageReactionRemoveEmojiDispatchData;
    changes.push(
      { kind: "cleared", message, emoji: emojiKey(emoji) },
      { kind: "cleared", message, emoji: emojiKey(emoji, true) },
    );
  }
  for (const change of changes) await deps.recordReaction(change);
}

/** Guilds and DMs, their messages with content, and the reactions on them. */
const GATEWAY_INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.MessageContent,
  GatewayIntentBits.DirectMessages,
  GatewayIntentBits.GuildMessageReactions,
  GatewayIntentBits.DirectMessageReactions,
];

export function createDiscordGateway(
  deps: BotDeps,
  options: { token: string; apiUrl: string; applicationId: string },
) {
  const log = deps.logger.child({ module: "discord-gateway" });
  const client = new Client({
    intents: GATEWAY_INTENTS,
    partials: [Partials.Channel],
    rest: { api: options.apiUrl },
  });
  // Reactions are read from the raw dispatch: discord.js emits its reaction events only for messages it has cached
  // (or with the Message and Reaction partials on), and the dispatch alone says all that is needed.
  client.on("raw", (packet: GatewayDispatchPayload) => {
    if (!packet.t?.startsWith("MESSAGE_REACTION_")) return;
    onReactionDispatch(deps, packet, client.user?.id ?? options.applicationId).catch((error: unknown) =>
      log.warn({ err: error, event: packet.t }, "recording a reaction failed"),
    );
  });
  client.on("messageCreate", (message) => {
    onDroppedMessage(deps, {
      id: message.id,
      channelId: message.channelId,
      guildId: message.guildId,
      author: { id: message.author.id, bot: message.author.bot },
      flags: message.flags.bitfield,
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
    /** The discord.js client (its handlers can be driven without a socket in tests). */
    client,
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
  list: Iterable<{
    id: string;
    url: string;
    name: string;
    contentType: string | null;
    size: number;
    duration: number | null;
    waveform: string | null;
  }>,
): DiscordAttachment[] {
  return [...list].map((a) => ({
    id: a.id,
    url: a.url,
    filename: a.name,
    ...(a.contentType ? { content_type: a.contentType } : {}),
    size: a.size,
    ...(a.duration !== null ? { duration_secs: a.duration } : {}),
    ...(a.waveform !== null ? { waveform: a.waveform } : {}),
  }));
}
