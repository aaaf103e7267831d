/**
 * The playground's inbound side: the page's uploads and typed lines become core use case calls, exactly as a
 * platform webhook would. The conversation id comes from the page; the local user is whoever the page says.
 */
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
import type { Queryable } from "../../core/store/db.ts";
import {
  createPlaygroundMessageLog,
  type PlaygroundMessage,
  type PlaygroundMessageLog,
} from "./message-log.ts";
import { createPlaygroundAdapter } from "./playground-adapter.ts";

export const PLAYGROUND_CONVERSATION_ID = /^[A-Za-z0-9_-]{1,64}$/;

export interface PlaygroundBot {
  adapter: ChatAdapter;
  messages: PlaygroundMessageLog;
  receivePhotos(conversationId: string, user: string, photos: IncomingPhoto[]): Promise<PhotoSummary>;
  receiveText(conversationId: string, user: string, text: string): Promise<PlaygroundMessage>;
}

export function targetOf(conversationId: string): ChatTarget {
  return { platform: "playground", channelId: conversationId };
}

/** Builds the adapter first: the memory deps (and the jobs) need it before the bot can take input. */
export function createPlaygroundChat(deps: { db: Queryable; blobs: BlobStore }) {
  const messages = createPlaygroundMessageLog(deps.db);
  return { messages, adapter: createPlaygroundAdapter({ messages, blobs: deps.blobs }) };
}

export function createPlaygroundBot(
  chat: { messages: PlaygroundMessageLog; adapter: ChatAdapter },
  memory: MemoryDeps,
  logger: Logger,
): PlaygroundBot {
  const log = logger.child({ module: "playground" });
  return {
    ...chat,
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
