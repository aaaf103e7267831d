/**
 * ChatAdapter for Discord over REST (discord.js's REST client, base URL from DISCORD_API_URL). Interaction tokens
 * are kept in memory only (never in refs, events or the database): while one is valid, the deferred reply is
 * edited through the interaction webhook; once it has expired (15 min) or is unknown to this process, progress
 * goes into a new channel message posted with the bot token, which later edits update.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { DiscordAPIError, type REST, Routes } from "discord.js";
import type { Logger } from "pino";
import type { ChatAdapter, MessageRef } from "../../core/chat/chat-adapter.ts";
import { isPhotoMemoryError, PhotoMemoryError } from "../../core/errors.ts";
import { safeDownloadImage } from "../../core/net/safe-download.ts";
import { toDiscordMessage } from "./components.ts";
import { skuValue } from "./premium.ts";

/** Discord's default upload limit for bots; an interaction's `attachment_size_limit` can raise it. */
export const DISCORD_DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024;
/** Interaction tokens last 15 minutes; stop using one a little before. */
const INTERACTION_TOKEN_MS = 15 * 60 * 1000;
const SAFETY_MS = 30 * 1000;
const INTERACTION_PREFIX = "interaction:";
/** Discord checks a nonce's uniqueness "in the past few minutes"; assume two to be safe. */
const NONCE_WINDOW_MS = 2 * 60 * 1000;

/** A message nonce (at most 25 characters) that is the same for every attempt to deliver one video. */
export function nonceOf(deliveryKey: string): string {
  return createHash("sha256").update(deliveryKey).digest("base64url").slice(0, 25);
}

export interface DiscordAdapter extends ChatAdapter {
  /** Records a deferred interaction: its token (for edits), when it expires, and the channel's upload limit. */
  noteInteraction(interaction: {
    id: string;
    token: string;
    channelId: string;
    attachmentSizeLimit?: number;
    /** When Discord sent it (unix ms), if earlier than now: the edge received it and it waited in the queue. */
    receivedAt?: number;
    /** Deferred privately (ephemeral): only a message for `privateTo` this user may fill it. */
    privateTo?: string;
  }): MessageRef;
}

export interface DiscordAdapterOptions {
  rest: REST;
  applicationId: string;
  apiUrl: string;
  logger: Logger;
  now?: () => number;
  /** The premium SKU (DISCORD_PREMIUM_SKU_ID): the upgrade card gets Discord's premium button for it. */
  premiumSkuId?: string;
}

export function createDiscordAdapter(options: DiscordAdapterOptions): DiscordAdapter {
  const { rest, applicationId } = options;
  const now = options.now ?? Date.now;
  const log = options.logger.child({ module: "discord-adapter" });
  const uploadLimits = new Map<string, number>();
  const interactions = new Map<
    string,
    { token: string; expiresAt: number; channelId: string; used: boolean; privateTo?: string }
  >();
  const replacements = new Map<string, string>();
  const api = new URL(options.apiUrl);
  const policy = {
    hosts: ["cdn.discordapp.com", "media.discordapp.net"],
    origins: api.hostname === "discord.com" ? [] : [api.origin],
  };

  const liveToken = (messageId: string) => {
    if (!messageId.startsWith(INTERACTION_PREFIX)) return undefined;
    const found = interactions.get(messageId.slice(INTERACTION_PREFIX.length));
    return found && found.expiresAt - SAFETY_MS > now() ? found : undefined;
  };

  const prune = () => {
    for (const [id, i] of interactions) if (i.expiresAt < now()) interactions.delete(id);
  };

  const adapter: DiscordAdapter = {
    platform: "discord",
    photoAckEmoji: "📸",
    ...(options.premiumSkuId
      ? {
          // Discord's rule: what is sold elsewhere must be buyable in Discord too, so its button comes first; other
          // ways to pay may stay on the card.
          async checkout() {
            return {
              action: {
                id: "upgrade-discord",
                label: "Premium",
                value: skuValue(options.premiumSkuId ?? ""),
              },
              exclusive: false,
            };
          },
        }
      : {}),
    limits: (target) => ({
      maxUploadBytes: uploadLimits.get(target.channelId) ?? DISCORD_DEFAULT_UPLOAD_LIMIT,
    }),

    noteInteraction({ id, token, channelId, attachmentSizeLimit, receivedAt, privateTo }) {
      prune();
      const expiresAt = Math.min(now(), receivedAt ?? Number.POSITIVE_INFINITY) + INTERACTION_TOKEN_MS;
      interactions.set(id, { token, expiresAt, channelId, used: false, ...(privateTo ? { privateTo } : {}) });
      if (attachmentSizeLimit && attachmentSizeLimit > 0) uploadLimits.set(channelId, attachmentSizeLimit);
      return {
        target: { platform: "discord", channelId },
        messageId: `${INTERACTION_PREFIX}${id}`,
        editableUntil: new Date(expiresAt).toISOString(),
      };
    },

    async postMessage(target, message) {
      // The first message for a channel with an unused deferred reply fills that reply ("is thinking…"). A message
      // for one person fills only that person's private deferral, and a public one never fills a private deferral.
      for (const [id, i] of interactions) {
        if (
          !i.used &&
          i.channelId === target.channelId &&
          i.privateTo === message.privateTo &&
          i.expiresAt - SAFETY_MS > now()
        ) {
          i.used = true;
          const ref: MessageRef = {
            target,
            messageId: `${INTERACTION_PREFIX}${id}`,
            editableUntil: new Date(i.expiresAt).toISOString(),
          };
          await adapter.editMessage?.(ref, message);
          return ref;
        }
      }
      if (message.privateTo) {
        // No private reply to fill (its token expired): a direct message, never the channel.
        const dm = (await call("open direct message", () =>
          rest.post(Routes.userChannels(), { body: { recipient_id: message.privateTo } }),
        )) as { id: string };
        const sent = (await call("create message", () =>
          rest.post(Routes.channelMessages(dm.id), { body: toDiscordMessage(message) }),
        )) as { id: string };
        return { target: { platform: "discord", channelId: dm.id }, messageId: sent.id };
      }
      const sent = (await call("create message", () =>
        rest.post(Routes.channelMessages(target.channelId), { body: toDiscordMessage(message) }),
      )) as { id: string };
      return { target, messageId: sent.id };
    },

    async editMessage(ref, message) {
      const body = toDiscordMessage(message);
      const live = liveToken(ref.messageId);
      if (live) {
        live.used = true;
        await call("edit reply", () =>
          rest.patch(Routes.webhookMessage(applicationId, live.token, "@original"), { body, auth: false }),
        );
        return;
      }
      if (!ref.messageId.startsWith(INTERACTION_PREFIX)) {
        await call("edit message", () =>
          rest.patch(Routes.channelMessage(ref.target.channelId, ref.messageId), { body }),
        );
        return;
      }
      // The interaction token has expired (or lives in another process): continue in a message of our own.
      const replacement = replacements.get(ref.messageId);
      if (replacement) {
        await call("edit message", () =>
          rest.patch(Routes.channelMessage(ref.target.channelId, replacement), { body }),
        );
        return;
      }
      const sent = (await call("create message", () =>
        rest.post(Routes.channelMessages(ref.target.channelId), { body }),
      )) as { id: string };
      replacements.set(ref.messageId, sent.id);
    },

    // With `enforce_nonce`, Discord answers a repeated post with the same nonce by returning the message it already
    // created, for "a few minutes" (docs: channel Create Message); core repeats an upload only inside that window.
    redeliverySafeForMs: NONCE_WINDOW_MS,

    async postVideo(target, video) {
      const content = video.shareUrl ? `**${video.title}**\n<${video.shareUrl}>` : `**${video.title}**`;
      const data = await readFile(video.path);
      const sent = (await call("upload the video", () =>
        rest.post(Routes.channelMessages(target.channelId), {
          body: {
            content: content.slice(0, 2000),
            attachments: [{ id: 0, filename: "memory.mp4", title: video.title.slice(0, 1024) }],
            allowed_mentions: { parse: [] },
            ...(video.deliveryKey ? { nonce: nonceOf(video.deliveryKey), enforce_nonce: true } : {}),
          },
          files: [{ name: "memory.mp4", data, contentType: "video/mp4" }],
        }),
      )) as { id: string };
      return { target, messageId: sent.id };
    },

    async downloadFile(file, opts) {
      if (!file.url)
        throw new PhotoMemoryError(
          "download.gone",
          "That Discord attachment has no link any more; please send it again.",
        );
      try {
        return await safeDownloadImage(file.url, {
          policy,
          maxBytes: opts.maxBytes,
          ...(opts.signal ? { signal: opts.signal } : {}),
        });
      } catch (error) {
        if (isPhotoMemoryError(error, "download.gone")) {
          throw new PhotoMemoryError(
            "download.gone",
            "Discord's link to that photo has expired; please drop it again.",
          );
        }
        throw error;
      }
    },

    async addReaction(target, messageId, emoji) {
      try {
        await rest.put(
          Routes.channelMessageOwnReaction(target.channelId, messageId, encodeURIComponent(emoji)),
        );
      } catch (error) {
        log.warn({ err: toPlatformError("react", error) }, "reaction failed");
      }
    },
  };

  return adapter;
}

async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toPlatformError(what, error);
  }
}

function toPlatformError(what: string, error: unknown): PhotoMemoryError {
  if (isPhotoMemoryError(error)) return error;
  if (error instanceof DiscordAPIError) {
    if (error.status === 413 || error.code === 40005) {
      return new PhotoMemoryError(
        "chat.too_large",
        "The video is larger than this Discord server lets a bot upload.",
        {
          cause: error,
        },
      );
    }
    // 50013 Missing Permissions (Attach Files), 50001 Missing Access: the bot may not post the file here.
    if (what === "upload the video" && (error.code === 50013 || error.code === 50001)) {
      return new PhotoMemoryError(
        "chat.not_allowed",
        "I may not upload files here. Give PhotoMemory the Attach Files permission in this channel.",
        { cause: error },
      );
    }
    const hints: Record<number, string> = {
      50001: "I can't see this channel. Give PhotoMemory the View Channel permission here.",
      50013: "I'm missing a permission here (Send Messages, Attach Files or Add Reactions).",
      10062: "Discord's reply window for that command has closed; please run it again.",
    };
    return new PhotoMemoryError(
      error.status === 401 ? "platform.unauthorized" : "platform.failed",
      hints[Number(error.code)] ??
        `Discord did not accept the request to ${what} (${error.code}); please try again.`,
    );
  }
  return new PhotoMemoryError(
    "platform.failed",
    `Discord could not be reached to ${what}; please try again.`,
  );
}
