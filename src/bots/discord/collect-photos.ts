/**
 * Turns Discord attachments into dropped photos (images) and songs (audio, voice messages), from humans only, recorded once per conversation and
 * attachment id by the Store.
 * Used by the gateway (as messages arrive), by `/memory` attachments, and by `/memory` without the gateway, which
 * reads the channel's recent messages through REST.
 */
import { type REST, Routes } from "discord.js";
import type { ChatTarget, FileRef } from "../../core/chat/chat-adapter.ts";
import type { BotDeps } from "../common/bot-deps.ts";
import { mayBeAudio } from "../common/may-be-audio.ts";
import { mayBePhoto } from "../common/may-be-photo.ts";

export interface DiscordAttachment {
  id: string;
  filename?: string;
  url?: string;
  content_type?: string;
  size?: number;
  /** Voice messages only: their length and a base64 waveform (the message has flag IS_VOICE_MESSAGE, 8192). */
  duration_secs?: number;
  waveform?: string;
}

/** Message flag IS_VOICE_MESSAGE: a voice note recorded in Discord (one OGG/Opus attachment). */
export const IS_VOICE_MESSAGE = 1 << 13;

export interface DiscordMessageLike {
  id: string;
  author: { id: string; bot?: boolean };
  attachments: DiscordAttachment[];
  flags?: number;
  /** A forward (`message_reference.type` 1) carries the forwarded message's attachments in its snapshots. */
  message_snapshots?: { message?: { attachments?: DiscordAttachment[] } }[];
}

/** The message's own attachments and those of the messages it forwards. */
export function attachmentsOf(message: DiscordMessageLike): DiscordAttachment[] {
  const forwarded = (message.message_snapshots ?? []).flatMap((s) => s.message?.attachments ?? []);
  return [...message.attachments, ...forwarded];
}

const isImage = (a: DiscordAttachment) => mayBePhoto({ mimeType: a.content_type, name: a.filename });
const isAudio = (a: DiscordAttachment) =>
  a.waveform !== undefined || mayBeAudio({ mimeType: a.content_type, name: a.filename });

/**
 * Collects image attachments as photos, and audio attachments as the next memory's music (a voice message as a voice
 * note, other audio as a song); returns how many photos were new to the conversation.
 */
export async function collectAttachments(
  deps: BotDeps,
  target: ChatTarget,
  attachments: DiscordAttachment[],
  /** `quiet`: the command that collects them answers for them (its memory), so no acknowledgement line. */
  meta: { userId?: string; deliveryKey: string; messageId?: string; quiet?: boolean; voiceMessage?: boolean },
): Promise<number> {
  for (const a of attachments.filter((a) => !isImage(a) && isAudio(a) && a.url)) {
    await deps.dropSong({
      target,
      kind: meta.voiceMessage || a.waveform !== undefined || a.duration_secs !== undefined ? "voice" : "song",
      file: fileRefOf(target, a),
      deliveryKey: `${meta.deliveryKey}:${a.id}`,
      ...(meta.userId ? { userId: meta.userId } : {}),
      ...(meta.messageId ? { messageId: meta.messageId } : {}),
    });
  }
  const files: FileRef[] = attachments.filter((a) => isImage(a) && a.url).map((a) => fileRefOf(target, a));
  if (files.length === 0) return 0;
  const { fresh } = await deps.dropPhotos({
    target,
    files,
    deliveryKey: meta.deliveryKey,
    ...(meta.userId ? { userId: meta.userId } : {}),
    ...(meta.messageId ? { messageId: meta.messageId } : {}),
    ...(meta.quiet ? { quiet: true } : {}),
  });
  return fresh;
}

function fileRefOf(target: ChatTarget, a: DiscordAttachment): FileRef {
  return {
    platform: "discord",
    fileId: a.id,
    ...(target.workspaceId ? { workspaceId: target.workspaceId } : {}),
    ...(a.url ? { url: a.url } : {}),
    ...(a.filename ? { name: a.filename } : {}),
    ...(a.content_type ? { mimeType: a.content_type } : {}),
    ...(typeof a.size === "number" ? { size: a.size } : {}),
  };
}

/**
 * Without the gateway: read the last messages of the channel and collect their image attachments. `visible` counts
 * the attachments people's messages show at all: none means the channel has no photos or the bot cannot see them
 * (no Message Content intent).
 */
export async function collectRecentMessages(
  deps: BotDeps,
  rest: REST,
  target: ChatTarget,
  deliveryKey: string,
  limit = 50,
): Promise<{ added: number; visible: number }> {
  const messages = (await rest.get(Routes.channelMessages(target.channelId), {
    query: new URLSearchParams({ limit: String(limit) }),
  })) as DiscordMessageLike[];
  let added = 0;
  let visible = 0;
  // Oldest first, so arrival order follows the conversation.
  for (const message of [...messages].reverse()) {
    if (message.author.bot) continue;
    const attachments = attachmentsOf(message);
    visible += attachments.length;
    // The command that reads them answers for them (its memory), so no acknowledgement line.
    added += await collectAttachments(deps, target, attachments, {
      userId: message.author.id,
      deliveryKey: `${deliveryKey}:${message.id}`,
      messageId: message.id,
      quiet: true,
      voiceMessage: ((message.flags ?? 0) & IS_VOICE_MESSAGE) !== 0,
    });
  }
  return { added, visible };
}
