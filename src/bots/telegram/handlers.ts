/**
 * What the Telegram bot does with an update: photos (largest size) and images sent as documents are collected for
 * the chat, a song or voice note becomes the next memory's music, albums get one summary line, `/start`, `/help`
 * and `/memory` run the memory commands, inline buttons (style picker, retry) come back as callback queries, Stars
 * payments are handled (stars.ts), and reactions on photos are recorded for curation.
 */
import type { Bot, Context } from "grammy";
import type { ReactionType } from "grammy/types";
import type { ChatAdapter, ChatTarget, FileRef } from "../../core/chat/chat-adapter.ts";
import type { MemoryCommand } from "../../core/memories/parse-command.ts";
import { parseMemoryCommand } from "../../core/memories/parse-command.ts";
import type { BotDeps, DroppedSong } from "../common/bot-deps.ts";
import { processOnce } from "../common/deliveries.ts";
import { friendlyError } from "../common/friendly-error.ts";
import { mayBeAudio } from "../common/may-be-audio.ts";
import type { AlbumSummary } from "./album-summary.ts";
import { registerStarsHandlers, type StarsOptions } from "./stars.ts";
import { TELEGRAM_DOWNLOAD_LIMIT } from "./telegram-adapter.ts";

export function registerTelegramHandlers(
  bot: Bot,
  deps: BotDeps,
  adapter: ChatAdapter,
  albums: AlbumSummary,
  options: { officialApi: boolean; stars?: StarsOptions },
): void {
  const log = deps.logger.child({ module: "telegram" });

  // Dedupe on update_id in the Store; an update whose handling failed is forgotten so Telegram's re-send runs.
  bot.use(async (ctx, next) => {
    const outcome = await processOnce(deps.deliveries, "telegram", String(ctx.update.update_id), () =>
      next(),
    );
    if (outcome.duplicate) log.info({ updateId: ctx.update.update_id }, "duplicate telegram update skipped");
  });

  // Never react to bots, ourselves included. An anonymous group admin (or a channel posting into its discussion
  // group) writes as a chat: `from` is Telegram's placeholder (GroupAnonymousBot, a bot) and `sender_chat` the
  // sender, which is a person behind it.
  bot.use(async (ctx, next) => {
    if (ctx.from?.is_bot && !ctx.msg?.sender_chat) return;
    await next();
  });

  const targetOf = (ctx: Context): ChatTarget | null => {
    const chat = ctx.chat;
    if (!chat) return null;
    const msg = ctx.msg;
    const thread = msg?.is_topic_message && msg.message_thread_id ? String(msg.message_thread_id) : undefined;
    return { platform: "telegram", channelId: String(chat.id), ...(thread ? { threadId: thread } : {}) };
  };

  async function run(ctx: Context, command: MemoryCommand, statusMessageId?: number) {
    const target = targetOf(ctx);
    if (!target) return;
    const sender = senderOf(ctx);
    try {
      await deps.runMemoryCommand({
        target,
        command,
        userId: sender.id,
        ...(sender.name ? { userName: sender.name } : {}),
        ...(ctx.from?.language_code ? { locale: ctx.from.language_code } : {}),
        deliveryKey: `tg:${ctx.update.update_id}`,
        ...(statusMessageId ? { statusMessage: { target, messageId: String(statusMessageId) } } : {}),
      });
    } catch (error) {
      log.warn({ err: error, chat: target.channelId }, "memory command failed");
      await adapter.postMessage(target, { text: friendlyError(error) }).catch(() => undefined);
    }
  }

  registerStarsHandlers(bot, {
    ...(deps.billing ? { billing: deps.billing } : {}),
    ...(options.stars ? { stars: options.stars } : {}),
    logger: deps.logger,
  });
  bot.command(["start", "help"], (ctx) => run(ctx, { kind: "help" }));
  bot.command("memory", (ctx) => run(ctx, parseMemoryCommand(ctx.message?.text ?? "")));

  bot.on("callback_query:data", async (ctx) => {
    await ctx.answerCallbackQuery().catch(() => undefined);
    await run(ctx, parseMemoryCommand(ctx.callbackQuery.data), ctx.callbackQuery.message?.message_id);
  });

  // A person's reactions come as their whole new set (Telegram never sends a bot's own reactions, and the middleware
  // above drops any from a bot); an anonymous admin reacts as the group (`actor_chat`).
  bot.on("message_reaction", async (ctx) => {
    const r = ctx.messageReaction;
    const reactor = r.user ? String(r.user.id) : r.actor_chat ? String(r.actor_chat.id) : null;
    if (!reactor) return;
    await deps.recordReaction({
      kind: "replaced",
      message: { platform: "telegram", channelId: String(r.chat.id), messageId: String(r.message_id) },
      reactorId: reactor,
      emojis: r.new_reaction.map(reactionKey),
    });
  });

  // Anonymous reactions (a channel's) come as counts per emoji: at least as many people as the largest count.
  bot.on("message_reaction_count", async (ctx) => {
    const r = ctx.messageReactionCount;
    await deps.recordReaction({
      kind: "anonymous",
      message: { platform: "telegram", channelId: String(r.chat.id), messageId: String(r.message_id) },
      reactors: Math.max(0, ...r.reactions.map((c) => c.total_count)),
    });
  });

  // A song (audio, or a document with an audio type) or a voice note: the next memory's music. The intake job
  // answers once it has checked the file.
  bot.on(["message:voice", "message:audio", "message:document"], async (ctx, next) => {
    const target = targetOf(ctx);
    const song = pickSong(ctx.message);
    if (!target || !song) return next();
    if (options.officialApi && (song.file.size ?? 0) > TELEGRAM_DOWNLOAD_LIMIT) {
      await ctx.reply("That file is over the 20 MB Telegram lets bots download. Please send a shorter song.");
      return;
    }
    await deps.dropSong({
      target,
      ...song,
      userId: senderOf(ctx).id,
      deliveryKey: `tg:${ctx.update.update_id}`,
      messageId: String(ctx.message.message_id),
    });
    log.info({ chat: target.channelId, kind: song.kind }, "song dropped");
  });

  bot.on(["message:photo", "message:document"], async (ctx) => {
    const target = targetOf(ctx);
    const message = ctx.message;
    if (!target) return;
    const file = pickFile(message);
    if (!file) return;
    if (options.officialApi && (file.size ?? 0) > TELEGRAM_DOWNLOAD_LIMIT) {
      await ctx.reply(
        "That file is over the 20 MB Telegram lets bots download. Please send it as a photo, or a smaller file.",
      );
      return;
    }
    const album = message.media_group_id;
    // Recorded before the update is answered; the 👍 comes from the intake job once the photo was accepted.
    await deps.dropPhotos({
      target,
      files: [file],
      userId: senderOf(ctx).id,
      deliveryKey: `tg:${ctx.update.update_id}`,
      messageId: String(message.message_id),
      // Album items come one update each: the album gets one line from us instead of one per item.
      ...(album ? { albumKey: album, quiet: true } : {}),
    });
    log.info({ chat: target.channelId, album: Boolean(album) }, "photo dropped");
    if (album) {
      albums.add(`${target.channelId}:${album}`, async () => {
        const progress = await deps.albumProgress(target, album);
        // A memory that took these photos already speaks for them; a line after it would be confusing.
        if (progress.inMemory) return "done";
        if (progress.arriving > 0) return "later";
        if (progress.stored > 0) {
          await adapter
            .postMessage(target, {
              text: `Got ${progress.stored} photo${progress.stored === 1 ? "" : "s"} from your album. Send /memory when you're ready.`,
            })
            .catch((error: unknown) => log.warn({ err: error }, "album summary failed"));
        }
        return "done";
      });
    }
  });
}

/**
 * Who sent the update: the chat it was sent on behalf of when there is one (`sender_chat`: an anonymous admin, a
 * channel), the user otherwise. Button presses are never anonymous, so a callback query has only `from`.
 */
export function senderOf(ctx: Context): { id: string; name?: string } {
  const chat = ctx.msg?.sender_chat;
  if (chat && !ctx.callbackQuery) {
    const name = "title" in chat ? chat.title : undefined;
    return { id: String(chat.id), ...(name ? { name } : {}) };
  }
  const from = ctx.from;
  return { id: String(from?.id ?? ""), ...(from?.first_name ? { name: from.first_name } : {}) };
}

/** A reaction type as one key: the emoji itself, a custom emoji by id, or a paid (Stars) reaction. */
function reactionKey(reaction: ReactionType): string {
  if (reaction.type === "emoji") return reaction.emoji;
  if (reaction.type === "custom_emoji") return `custom:${reaction.custom_emoji_id}`;
  return "paid";
}

type PhotoMessage = NonNullable<Context["message"]>;

/** The largest PhotoSize of a photo, or a document whose MIME type says image. */
export function pickFile(message: PhotoMessage): FileRef | null {
  if (message.photo && message.photo.length > 0) {
    const largest = [...message.photo].sort((a, b) => b.width * b.height - a.width * a.height)[0];
    if (!largest) return null;
    return {
      platform: "telegram",
      fileId: largest.file_id,
      name: `photo_${largest.file_unique_id}.jpg`,
      mimeType: "image/jpeg",
      ...(largest.file_size ? { size: largest.file_size } : {}),
    };
  }
  const doc = message.document;
  if (doc && (doc.mime_type ?? "").startsWith("image/")) {
    return {
      platform: "telegram",
      fileId: doc.file_id,
      ...(doc.file_name ? { name: doc.file_name } : {}),
      ...(doc.mime_type ? { mimeType: doc.mime_type } : {}),
      ...(doc.file_size ? { size: doc.file_size } : {}),
    };
  }
  return null;
}

/**
 * A voice note (OGG/Opus, recorded in Telegram), an audio file (MP3/M4A, with the performer and title Telegram read
 * from its tags), or a document whose MIME type (or name) says audio.
 */
export function pickSong(
  message: PhotoMessage,
): Pick<DroppedSong, "file" | "kind" | "title" | "performer"> | null {
  const base = (f: { file_id: string; file_size?: number; mime_type?: string }, name: string) => ({
    platform: "telegram" as const,
    fileId: f.file_id,
    name,
    ...(f.mime_type ? { mimeType: f.mime_type } : {}),
    ...(f.file_size ? { size: f.file_size } : {}),
  });
  if (message.voice) {
    return { kind: "voice", file: base(message.voice, `voice_${message.voice.file_unique_id}.ogg`) };
  }
  const audio = message.audio;
  if (audio) {
    return {
      kind: "song",
      file: base(audio, audio.file_name ?? `audio_${audio.file_unique_id}`),
      ...(audio.title ? { title: audio.title } : {}),
      ...(audio.performer ? { performer: audio.performer } : {}),
    };
  }
  const doc = message.document;
  if (doc && mayBeAudio({ mimeType: doc.mime_type, name: doc.file_name })) {
    return { kind: "song", file: base(doc, doc.file_name ?? `audio_${doc.file_unique_id}`) };
  }
  return null;
}
