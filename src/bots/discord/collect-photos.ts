/**
 * Turns Discord attachments into dropped photos: images only, once per attachment id (durably), from humans only.
 * Used by the gateway (as messages arrive), by `/memory` attachments, and by `/memory` without the gateway, which
 * reads the channel's recent messages through REST.
 */
import { type REST, Routes } from "discord.js";
import type { ChatTarget, FileRef } from "../../core/chat/chat-adapter.ts";
import type { BotDeps } from "../common/bot-deps.ts";
import { processEachOnce } from "../common/deliveries.ts";
import { mayBePhoto } from "../common/may-be-photo.ts";

export interface DiscordAttachment {
  id: string;
  filename?: string;
  url?: string;
  content_type?: string;
  size?: number;
}

export interface DiscordMessageLike {
  id: string;
  author: { id: string; bot?: boolean };
  attachments: DiscordAttachment[];
  /** A forward (`message_reference.type` 1) carries the forwarded message's attachments in its snapshots. */
  message_snapshots?: { message?: { attachments?: DiscordAttachment[] } }[];
}

/** The message's own attachments and those of the messages it forwards. */
export function attachmentsOf(message: DiscordMessageLike): DiscordAttachment[] {
  const forwarded = (message.message_snapshots ?? []).flatMap((s) => s.message?.attachments ?? []);
  return [...message.attachments, ...forwarded];
}

const isImage = (a: DiscordAttachment) => mayBePhoto({ mimeType: a.content_type, name: a.filename });

/** Collects new image attachments; returns how many were new. */
export async function collectAttachments(
  deps: BotDeps,
  target: ChatTarget,
  attachments: DiscordAttachment[],
  meta: { userId?: string; deliveryKey: string; messageId?: string },
  /** Ingest at once instead of through the job (the photos are about to be used by the same command). */
  ingestNow?: (files: FileRef[]) => Promise<void>,
): Promise<number> {
  const byId = new Map(attachments.filter((a) => isImage(a) && a.url).map((a) => [a.id, a]));
  const { fresh } = await processEachOnce(
    deps.deliveries,
    "discord-attachment",
    [...byId.keys()],
    async (ids) => {
      const files: FileRef[] = ids.flatMap((id) => {
        const a = byId.get(id);
        if (!a) return [];
        return [
          {
            platform: "discord" as const,
            fileId: a.id,
            ...(target.workspaceId ? { workspaceId: target.workspaceId } : {}),
            ...(a.url ? { url: a.url } : {}),
            ...(a.filename ? { name: a.filename } : {}),
            ...(a.content_type ? { mimeType: a.content_type } : {}),
            ...(typeof a.size === "number" ? { size: a.size } : {}),
          },
        ];
      });
      if (ingestNow) return ingestNow(files);
      await deps.dropPhotos({
        target,
        files,
        deliveryKey: meta.deliveryKey,
        ...(meta.userId ? { userId: meta.userId } : {}),
        ...(meta.messageId ? { messageId: meta.messageId } : {}),
      });
    },
  );
  return fresh.length;
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
  ingestNow?: (files: FileRef[]) => Promise<void>,
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
    added += await collectAttachments(
      deps,
      target,
      attachments,
      { userId: message.author.id, deliveryKey: `${deliveryKey}:${message.id}`, messageId: message.id },
      ingestNow,
    );
  }
  return { added, visible };
}
