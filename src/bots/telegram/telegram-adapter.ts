/**
 * ChatAdapter for Telegram on grammY's API client: sendMessage / editMessageText for the status message,
 * setMessageReaction for the light acknowledgement, createInvoiceLink for the upgrade card (Stars), getFile + the file URL (which contains the bot token, so it is
 * built here, used once and never logged or stored) for photos, sendVideo for the result.
 */
import { type Api, GrammyError, InputFile } from "grammy";
import type { InlineKeyboardButton } from "grammy/types";
import type { Logger } from "pino";
import type {
  ChatAdapter,
  ChatTarget,
  MessageRef,
  OutgoingMessage,
  OutgoingVideo,
} from "../../core/chat/chat-adapter.ts";
import { isPhotoMemoryError, PhotoMemoryError } from "../../core/errors.ts";
import { safeDownloadImage } from "../../core/net/safe-download.ts";
import { fitBytes, isLinkValue } from "../common/button-value.ts";
import { textWithProgress } from "../common/progress-text.ts";
import { createStarsInvoiceLink } from "./stars.ts";

/** sendVideo accepts 50 MB on api.telegram.org; a self-hosted Bot API server takes up to 2000 MB. */
export const TELEGRAM_UPLOAD_LIMIT = 50 * 1000 * 1000;
const LOCAL_SERVER_UPLOAD_LIMIT = 2000 * 1000 * 1000;
/** getFile serves files up to 20 MB on api.telegram.org. */
export const TELEGRAM_DOWNLOAD_LIMIT = 20 * 1000 * 1000;

export interface TelegramAdapterOptions {
  api: Api;
  token: string;
  apiRoot: string;
  logger: Logger;
  /** Premium is sold as a Stars subscription at this price: the upgrade card gets the invoice link. */
  starsPrice?: number;
}

export function createTelegramAdapter(options: TelegramAdapterOptions): ChatAdapter {
  const log = options.logger.child({ module: "telegram-adapter" });
  const root = new URL(options.apiRoot);
  const official = root.hostname === "api.telegram.org";
  const maxUploadBytes = official ? TELEGRAM_UPLOAD_LIMIT : LOCAL_SERVER_UPLOAD_LIMIT;
  const policy = { hosts: ["api.telegram.org"], origins: official ? [] : [root.origin] };
  const api = options.api;

  const where = (target: ChatTarget) => ({
    chatId: Number(target.channelId),
    thread: target.threadId ? { message_thread_id: Number(target.threadId) } : {},
  });

  const adapter: ChatAdapter = {
    platform: "telegram",
    photoAckEmoji: "👍",
    limits: () => ({ maxUploadBytes }),

    async postMessage(target, message) {
      const { chatId, thread } = where(target);
      const sent = await call("sendMessage", () =>
        api.sendMessage(chatId, render(message), { ...thread, ...keyboard(message) }),
      );
      return { target, messageId: String(sent.message_id) };
    },

    async editMessage(ref: MessageRef, message: OutgoingMessage) {
      const { chatId } = where(ref.target);
      try {
        await api.editMessageText(chatId, Number(ref.messageId), render(message), keyboard(message));
      } catch (error) {
        // Telegram refuses an edit that changes nothing; the user already sees the right text.
        if (error instanceof GrammyError && /message is not modified/i.test(error.description)) return;
        throw toPlatformError("editMessageText", error);
      }
    },

    // Telegram has no idempotency key for sendVideo: after a cut-off attempt core posts the share link instead.
    async postVideo(target, video: OutgoingVideo) {
      const { chatId, thread } = where(target);
      const sent = await call("sendVideo", () =>
        api.sendVideo(chatId, new InputFile(video.path, "memory.mp4"), {
          ...thread,
          caption: (video.shareUrl ? `${video.title}\n${video.shareUrl}` : video.title).slice(0, 1024),
          supports_streaming: true,
          width: video.width,
          height: video.height,
          duration: Math.round(video.durationSeconds),
          ...(video.posterPath ? { thumbnail: new InputFile(video.posterPath, "poster.jpg") } : {}),
        }),
      );
      return { target, messageId: String(sent.message_id) };
    },

    async downloadFile(file, opts) {
      if (typeof file.size === "number" && file.size > TELEGRAM_DOWNLOAD_LIMIT && official) {
        throw new PhotoMemoryError(
          "download.too_large",
          "Telegram lets bots fetch files up to 20 MB; please send a smaller photo.",
        );
      }
      const info = await api.getFile(file.fileId).catch((error: unknown) => {
        if (error instanceof GrammyError && /too big/i.test(error.description)) {
          throw new PhotoMemoryError(
            "download.too_large",
            "Telegram lets bots fetch files up to 20 MB; please send a smaller photo.",
          );
        }
        if (error instanceof GrammyError && error.error_code === 400) {
          throw new PhotoMemoryError(
            "download.gone",
            "Telegram no longer has that file; please send it again.",
          );
        }
        // Network trouble or a 5xx/429: worth another attempt.
        throw new PhotoMemoryError(
          "download.failed",
          "Telegram could not be reached for the photo; please try again.",
        );
      });
      if (!info.file_path) {
        throw new PhotoMemoryError(
          "download.gone",
          "Telegram no longer has that file; please send it again.",
        );
      }
      const url = `${root.origin}${root.pathname.replace(/\/+$/, "")}/file/bot${options.token}/${info.file_path}`;
      try {
        return await safeDownloadImage(url, {
          policy,
          maxBytes: Math.min(opts.maxBytes, official ? TELEGRAM_DOWNLOAD_LIMIT : opts.maxBytes),
          ...(opts.signal ? { signal: opts.signal } : {}),
        });
      } catch (error) {
        // Re-raise without the cause: a fetch error can carry the URL, and the URL carries the token.
        if (isPhotoMemoryError(error)) throw new PhotoMemoryError(error.code, error.message);
        throw new PhotoMemoryError("download.failed", "The photo could not be fetched from Telegram.");
      }
    },

    ...(options.starsPrice
      ? {
          // Telegram's rule: digital goods in bots are paid in Stars, so the invoice is the only way to pay here.
          async checkout({ token }: { token: string }) {
            const price = options.starsPrice ?? 0;
            const url = await call("createInvoiceLink", () => createStarsInvoiceLink(api, { token, price }));
            return {
              action: { id: "upgrade-stars", label: `⭐ Premium for ${price} Stars a month`, value: url },
              exclusive: true,
            };
          },
        }
      : {}),

    async addReaction(target, messageId, emoji) {
      const { chatId } = where(target);
      try {
        await api.setMessageReaction(chatId, Number(messageId), [{ type: "emoji", emoji: emoji as "👍" }]);
      } catch (error) {
        log.warn({ err: toPlatformError("setMessageReaction", error) }, "reaction failed");
      }
    },
  };

  return adapter;
}

function render(message: OutgoingMessage): string {
  return textWithProgress(message);
}

function keyboard(message: OutgoingMessage): {
  reply_markup?: { inline_keyboard: InlineKeyboardButton[][] };
} {
  if (!message.actions || message.actions.length === 0) return {};
  const buttons: InlineKeyboardButton[] = message.actions.map((a) =>
    isLinkValue(a.value)
      ? { text: a.label, url: a.value }
      : { text: a.label, callback_data: fitBytes(a.value, 64) },
  );
  const rows: InlineKeyboardButton[][] = [];
  for (let i = 0; i < buttons.length; i += 2) rows.push(buttons.slice(i, i + 2));
  return { reply_markup: { inline_keyboard: rows } };
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
  if (error instanceof GrammyError) {
    if (error.error_code === 413) {
      return new PhotoMemoryError("chat.too_large", "The video is larger than Telegram lets a bot send.");
    }
    // "Bad Request: not enough rights to send videos to the chat" (a group that restricts media).
    if (what === "sendVideo" && error.error_code === 400 && /not enough rights/i.test(error.description)) {
      return new PhotoMemoryError("chat.not_allowed", "I may not send videos in this chat.");
    }
    const blocked = error.error_code === 403;
    return new PhotoMemoryError(
      blocked ? "platform.unauthorized" : "platform.failed",
      blocked
        ? "I can't write to this chat any more (the bot was blocked or removed)."
        : `Telegram did not accept ${what} (${error.error_code}); please try again.`,
    );
  }
  return new PhotoMemoryError(
    "platform.failed",
    `Telegram could not be reached for ${what}; please try again.`,
  );
}
