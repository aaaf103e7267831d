/**
 * The playground's inbound side: the page's uploads and typed lines become core use case calls, exactly as a
 * platform webhook would. The conversation id comes from the page; the local user is whoever the page says.
 */
import { randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { BlobStore } from "../../core/blobs/blob-store.ts";
import type { ChatAdapter, ChatTarget } from "../../core/chat/chat-adapter.ts";
import {
  handleMemoryCommand,
  type IncomingPhoto,
  isMemoryCommand,
  type MemoryDeps,
  type PhotoSummary,
  receivePhotos,
} from "../../core/memories/index.ts";
import { upsertConversationOf } from "../../core/memories/request-memory.ts";
import { makeThumbnail } from "../../core/photos/thumbnail.ts";
import { dropSong, songLabel } from "../../core/songs/index.ts";
import type { Db } from "../../core/store/db.ts";
import type { SongKind } from "../../core/store/records.ts";
import {
  createPlaygroundMessageLog,
  type PlaygroundMessage,
  type PlaygroundMessageLog,
} from "./message-log.ts";
import { createPlaygroundAdapter, playgroundUploadKey } from "./playground-adapter.ts";

export const PLAYGROUND_CONVERSATION_ID = /^[A-Za-z0-9_-]{1,64}$/;

export interface PlaygroundBot {
  adapter: ChatAdapter;
  messages: PlaygroundMessageLog;
  receivePhotos(conversationId: string, user: string, photos: IncomingPhoto[]): Promise<PhotoSummary>;
  receiveText(conversationId: string, user: string, text: string): Promise<PlaygroundMessage>;
  /**
   * The photos the next `/memory` would use: the collection since the last memory, or, when it is empty, the last
   * memory's photos (which a `/memory <style>` remakes).
   */
  listPhotos(conversationId: string): Promise<{ id: string; name: string }[]>;
  /** A small JPEG preview of one of the conversation's photos, or null when it is not this conversation's. */
  photoThumbnail(conversationId: string, photoId: string): Promise<Buffer | null>;
  /**
   * A song or voice note from the page, as a chat's: kept as an upload, recorded as the conversation's pending song,
   * then checked and answered by the `ingest-song` job.
   */
  receiveSong(
    conversationId: string,
    user: string,
    song: { name: string; path: string; kind: SongKind },
  ): Promise<{ songId: string }>;
  /** The next memory's music (pending while it is being checked), or null. */
  nextSong(
    conversationId: string,
  ): Promise<{ id: string; name: string; kind: SongKind; status: "pending" | "ready" } | null>;
}

export function targetOf(conversationId: string): ChatTarget {
  return { platform: "playground", channelId: conversationId };
}

/** Builds the adapter first: the memory deps (and the jobs) need it before the bot can take input. */
export function createPlaygroundChat(deps: { db: Db; blobs: BlobStore; logger?: Logger }) {
  const log = deps.logger?.child({ module: "playground" });
  const messages = createPlaygroundMessageLog(deps.db, {
    onError: (error, what) => log?.warn({ err: error, what }, "playground live feed"),
  });
  return { messages, adapter: createPlaygroundAdapter({ messages, blobs: deps.blobs }) };
}

export function createPlaygroundBot(
  chat: { messages: PlaygroundMessageLog; adapter: ChatAdapter },
  memory: MemoryDeps,
  logger: Logger,
): PlaygroundBot {
  const log = logger.child({ module: "playground" });
  const conversationOf = (conversationId: string) => upsertConversationOf(memory, targetOf(conversationId));
  return {
    ...chat,
    async listPhotos(conversationId) {
      const conversation = await conversationOf(conversationId);
      const collected = await memory.store.listPhotosSinceLastMemory(conversation.id);
      const photos =
        collected.length > 0 ? collected : await memory.store.listPhotosOfLastMemory(conversation.id);
      return photos.map((p, i) => ({ id: p.id, name: p.originalName ?? `Photo ${i + 1}` }));
    },
    async photoThumbnail(conversationId, photoId) {
      const conversation = await conversationOf(conversationId);
      const photo = await memory.store.getPhoto(photoId);
      if (!photo?.blobKey || photo.conversationId !== conversation.id || photo.status !== "ready")
        return null;
      return makeThumbnail(await memory.blobs.get(photo.blobKey));
    },
    async receivePhotos(conversationId, user, photos) {
      const names = photos.map((p) => p.name).join(", ");
      await chat.messages.add({
        conversationId,
        from: "user",
        user,
        text: `📷 ${photos.length === 1 ? names : `${photos.length} photos: ${names}`}`,
      });
      return receivePhotos(memory, {
        target: targetOf(conversationId),
        user: { id: user, name: user },
        photos,
      });
    },
    async receiveSong(conversationId, user, song) {
      const uploadId = randomUUID();
      const key = playgroundUploadKey(conversationId, uploadId);
      await memory.blobs.putFile(key, song.path, "application/octet-stream");
      const message = await chat.messages.add({
        conversationId,
        from: "user",
        user,
        text: `${song.kind === "voice" ? "🎙️" : "🎵"} ${song.name}`,
      });
      const { songId } = await dropSong(memory, {
        target: targetOf(conversationId),
        file: { platform: "playground", fileId: key, name: song.name },
        kind: song.kind,
        userId: user,
        deliveryKey: uploadId,
        messageId: message.id,
      });
      return { songId };
    },
    async nextSong(conversationId) {
      const song = await memory.store.nextSong((await conversationOf(conversationId)).id);
      if (!song || (song.status !== "pending" && song.status !== "ready")) return null;
      return { id: song.id, name: songLabel(song), kind: song.kind, status: song.status };
    },
    async receiveText(conversationId, user, text) {
      const message = await chat.messages.add({ conversationId, from: "user", user, text });
      const target = targetOf(conversationId);
      if (isMemoryCommand(text)) {
        // Commands only store rows and send an event, so the page's request waits for them; the render runs in jobs.
        try {
          await handleMemoryCommand(memory, { target, user: { id: user, name: user }, text });
        } catch (error) {
          log.error({ err: error, conversationId }, "command failed");
          await chat.adapter.postMessage(target, {
            text: "Something went wrong on our side; please try again.",
          });
        }
      } else {
        await chat.adapter.postMessage(target, {
          text: "Drop photos here, then type `/memory` to make a memory video. Type `/memory help` for more.",
        });
      }
      return message;
    },
  };
}
